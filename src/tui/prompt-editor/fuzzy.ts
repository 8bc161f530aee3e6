// Fuzzy ranking for completion menus: a candidate matches when the query's characters appear in
// it in order; matches in the file name, at word starts and in runs rank higher, and so do
// shorter paths. Not for where candidates come from (completion.ts).

/** The score of `candidate` for `query` (higher is better), or undefined when it does not match. */
export function fuzzyPathScore(query: string, candidate: string): number | undefined {
  const path = candidate.toLowerCase();
  const q = query.toLowerCase();
  // A folder's own name is its "basename": `src/tui/` is named `tui/`.
  const trimmed = path.endsWith("/") ? path.slice(0, -1) : path;
  const nameStart = trimmed.lastIndexOf("/") + 1;
  // Light enough that match quality decides first; among equal matches the shorter path wins.
  const lengthPenalty = candidate.length / 4 + 2 * depthOf(trimmed);
  if (q === "") return -lengthPenalty;
  if (path.startsWith(q, nameStart)) return 3000 - lengthPenalty;
  const inName = matchScore(q, path, nameStart);
  if (inName !== undefined) return 2000 + inName - lengthPenalty;
  const inPath = matchScore(q, path, 0);
  return inPath === undefined ? undefined : 1000 + inPath - lengthPenalty;
}

/** The best `limit` candidates for `query`, best first; ties go to the shorter, then alphabetical. */
export function rankByFuzzy<T>(
  query: string,
  candidates: readonly T[],
  textOf: (candidate: T) => string,
  limit: number,
): T[] {
  // Only the best `limit` are kept, in order, so a large workspace is never fully sorted.
  const best: Array<{ candidate: T; text: string; score: number }> = [];
  for (const candidate of candidates) {
    const text = textOf(candidate);
    const score = fuzzyPathScore(query, text);
    if (score === undefined) continue;
    const entry = { candidate, text, score };
    const worst = best.at(-1);
    if (best.length >= limit && worst && compareRanked(entry, worst) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = best[middle];
      if (other && compareRanked(other, entry) <= 0) low = middle + 1;
      else high = middle;
    }
    best.splice(low, 0, entry);
    if (best.length > limit) best.pop();
  }
  return best.map((entry) => entry.candidate);
}

function compareRanked(
  a: { text: string; score: number },
  b: { text: string; score: number },
): number {
  return (
    b.score - a.score ||
    a.text.length - b.text.length ||
    (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)
  );
}

const BOUNDARY = new Set(["/", ".", "_", "-", " "]);

function isBoundary(text: string, at: number): boolean {
  return at === 0 || BOUNDARY.has(text[at - 1] ?? "");
}

/** How well `q` matches `text` from `from`: the better of a greedy in-order match and a run. */
function matchScore(q: string, text: string, from: number): number | undefined {
  const spread = subsequenceScore(q, text, from);
  if (spread === undefined) return undefined;
  const at = text.indexOf(q, from);
  const run = at === -1 ? 0 : q.length * 6 - 5 + (isBoundary(text, at) ? 8 : 0);
  return Math.max(spread, run);
}

/**
 * Greedy subsequence match of `q` in `text` from `from`: a point per character, more for one
 * at a word start or right after the previous match. Undefined when `q` is not a subsequence.
 */
function subsequenceScore(q: string, text: string, from: number): number | undefined {
  let score = 0;
  let at = from;
  let previous = -2;
  for (const char of q) {
    const found = text.indexOf(char, at);
    if (found === -1) return undefined;
    score += 1;
    if (isBoundary(text, found)) score += 8;
    if (found === previous + 1) score += 5;
    previous = found;
    at = found + char.length;
  }
  return score;
}

function depthOf(path: string): number {
  let depth = 0;
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) depth++;
  return depth;
}
