// The unified diff front-ends show for a file change (the `display` of Write, Edit, MultiEdit),
// and the changed line ranges the tools quote back to the model. Built with the `diff` package.

import { FILE_HEADERS_ONLY, formatPatch, structuredPatch, type StructuredPatchHunk } from "diff";

export interface DiffDisplay {
  type: "diff";
  /** The file as messages name it (workspace-relative when inside). */
  path: string;
  unifiedDiff: string;
  added: number;
  removed: number;
  /** True when the diff was too long and its end was cut off. */
  truncated: boolean;
}

/** Lines of the new text around a change, 1-based and inclusive, context included. */
export interface ChangedRange {
  start: number;
  end: number;
}

const CONTEXT = 3;
/** Above this many characters of changed text, Myers diff can take seconds: show one hunk. */
const MAX_DIFF_INPUT = 1_000_000;
const DIFF_TIMEOUT_MS = 500;
const MAX_DIFF_CHARS = 500_000;

/**
 * Diffs two versions of a file's text (line endings compared as "\n"). Lines the versions share
 * at the start and end are set aside first, so a small edit in a big file diffs quickly.
 */
export function diffTexts(
  path: string,
  before: string,
  after: string,
  options: {
    created?: boolean;
    /** Changed characters above which one hunk replaces all changed lines (tests lower it). */
    lineDiffLimit?: number;
  } = {},
): { display: DiffDisplay; ranges: ChangedRange[] } {
  let hunks: StructuredPatchHunk[] = [];
  if (before !== after) {
    const region = changedRegion(before, after);
    const oldPart = splitLines(before.slice(region.from, region.oldTo).replace(/\r\n/g, "\n"));
    const newPart = splitLines(after.slice(region.from, region.newTo).replace(/\r\n/g, "\n"));
    const limit = options.lineDiffLimit ?? MAX_DIFF_INPUT;
    hunks = diffParts(oldPart, newPart, limit) ?? [
      wholeHunk(oldPart, newPart, region.lead, region.trail),
    ];
    for (const hunk of hunks) {
      hunk.oldStart += region.linesBefore;
      hunk.newStart += region.linesBefore;
    }
  }

  let unifiedDiff =
    hunks.length === 0
      ? ""
      : formatPatch(
          {
            oldFileName: options.created ? "/dev/null" : path,
            newFileName: path,
            oldHeader: undefined,
            newHeader: undefined,
            hunks,
          },
          FILE_HEADERS_ONLY,
        );
  const truncated = unifiedDiff.length > MAX_DIFF_CHARS;
  if (truncated) unifiedDiff = unifiedDiff.slice(0, MAX_DIFF_CHARS);

  let added = 0;
  let removed = 0;
  for (const hunk of hunks) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added++;
      else if (line.startsWith("-")) removed++;
    }
  }
  const ranges = hunks
    .filter((hunk) => hunk.newLines > 0)
    .map((hunk) => ({ start: hunk.newStart, end: hunk.newStart + hunk.newLines - 1 }));
  return { display: { type: "diff", path, unifiedDiff, added, removed, truncated }, ranges };
}

function diffParts(
  oldPart: string[],
  newPart: string[],
  limit: number,
): StructuredPatchHunk[] | undefined {
  const oldText = oldPart.join("");
  const newText = newPart.join("");
  if (oldText.length + newText.length > limit) return undefined;
  const patch = structuredPatch("", "", oldText, newText, undefined, undefined, {
    context: CONTEXT,
    timeout: DIFF_TIMEOUT_MS,
  });
  return patch?.hunks;
}

/** One hunk replacing every changed line, for changes too large to diff line by line. */
function wholeHunk(
  oldPart: string[],
  newPart: string[],
  lead: number,
  trail: number,
): StructuredPatchHunk {
  const lines: string[] = [];
  const push = (mark: string, line: string) => {
    lines.push(mark + line.replace(/\n$/, ""));
    if (!line.endsWith("\n")) lines.push("\\ No newline at end of file");
  };
  for (const line of oldPart.slice(0, lead)) push(" ", line);
  for (const line of oldPart.slice(lead, oldPart.length - trail)) push("-", line);
  for (const line of newPart.slice(lead, newPart.length - trail)) push("+", line);
  for (const line of oldPart.slice(oldPart.length - trail)) push(" ", line);
  return {
    // The package's convention: starts are 1-based even for an empty side; formatPatch
    // prints such a side as "-0,0".
    oldStart: 1,
    oldLines: oldPart.length,
    newStart: 1,
    newLines: newPart.length,
    lines,
  };
}

/**
 * The part of two texts that differs, widened to whole lines plus up to CONTEXT unchanged lines
 * each side: [from, oldTo) of `a` and [from, newTo) of `b`. Found by comparing characters in
 * chunks, so a 10 MB file with a one-line change is not split into lines.
 */
function changedRegion(a: string, b: string) {
  const shorter = Math.min(a.length, b.length);
  const prefixChars = commonPrefix(a, b, shorter);
  const suffixChars = commonSuffix(a, b, shorter - prefixChars);

  // Unchanged lines at the start end before the first difference; those at the end start after
  // a "\n" inside the common suffix (so the line break before them matches too).
  const changeStart = prefixChars === 0 ? 0 : a.lastIndexOf("\n", prefixChars - 1) + 1;
  const firstBreak = a.indexOf("\n", a.length - suffixChars);
  const changeEndA = firstBreak === -1 ? a.length : firstBreak + 1;
  const tail = a.length - changeEndA;

  let from = changeStart;
  let lead = 0;
  while (lead < CONTEXT && from > 0) {
    // lastIndexOf treats a negative start as 0 and would find a "\n" at index 0.
    from = from >= 2 ? a.lastIndexOf("\n", from - 2) + 1 : 0;
    lead++;
  }
  let oldTo = changeEndA;
  let trail = 0;
  while (trail < CONTEXT && oldTo < a.length) {
    const nl = a.indexOf("\n", oldTo);
    oldTo = nl === -1 ? a.length : nl + 1;
    trail++;
  }
  const newTo = b.length - tail + (oldTo - changeEndA);
  return { from, oldTo, newTo, lead, trail, linesBefore: countBreaks(a, from) };
}

const CHUNK = 4096;

function commonPrefix(a: string, b: string, limit: number): number {
  let at = 0;
  while (at + CHUNK <= limit && a.slice(at, at + CHUNK) === b.slice(at, at + CHUNK)) at += CHUNK;
  while (at < limit && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  return at;
}

function commonSuffix(a: string, b: string, limit: number): number {
  let n = 0;
  while (
    n + CHUNK <= limit &&
    a.slice(a.length - n - CHUNK, a.length - n) === b.slice(b.length - n - CHUNK, b.length - n)
  ) {
    n += CHUNK;
  }
  while (n < limit && a.charCodeAt(a.length - 1 - n) === b.charCodeAt(b.length - 1 - n)) n++;
  return n;
}

function countBreaks(text: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1 && at < end; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/** Lines with their "\n" kept; a last line without one is still a line. */
function splitLines(text: string): string[] {
  const lines: string[] = [];
  let from = 0;
  for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", from)) {
    lines.push(text.slice(from, nl + 1));
    from = nl + 1;
  }
  if (from < text.length) lines.push(text.slice(from));
  return lines;
}
