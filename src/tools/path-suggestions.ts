// What to tell the model when a path it gave does not exist: which folder is missing, and names
// close to the one it asked for (other case, other extension, a typo or two).

import { opendir } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { isErrnoCode } from "../fs/index.ts";

const MAX_SUGGESTIONS = 3;
const MAX_ENTRIES = 5000;

/**
 * A message for a missing `absolute` path (`display` is how messages name it). Walks up to the
 * nearest folder that exists and suggests near names for the first missing part.
 */
export async function missingPathMessage(absolute: string, display: string): Promise<string> {
  const rest: string[] = [];
  let missing = absolute;
  for (;;) {
    const parent = dirname(missing);
    const entries = await listFolder(parent);
    if (entries !== undefined || parent === missing) {
      const wanted = basename(missing);
      const near = nearNames(wanted, entries ?? []).map((name) =>
        swapPart(display, rest.length, name),
      );
      const what = rest.length === 0 ? `${display} does not exist.` : missingFolder(display, rest);
      if (near.length === 0) return what;
      return `${what} Did you mean ${near.join(", ")}?`;
    }
    rest.unshift(basename(missing));
    missing = parent;
  }
}

function missingFolder(display: string, rest: readonly string[]): string {
  let folder = display;
  for (let i = 0; i < rest.length; i++) folder = dirname(folder);
  return `${display} does not exist (there is no folder ${folder}).`;
}

/** `display` with its part `depth` levels above the base name replaced by `name`. */
function swapPart(display: string, depth: number, name: string): string {
  const tail: string[] = [];
  let head = display;
  for (let i = 0; i < depth; i++) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  return join(dirname(head), name, ...tail);
}

async function listFolder(folder: string): Promise<string[] | undefined> {
  try {
    const names: string[] = [];
    const dir = await opendir(folder);
    for await (const entry of dir) {
      names.push(entry.name);
      if (names.length >= MAX_ENTRIES) break;
    }
    return names;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR", "EACCES", "EPERM")) return undefined;
    throw error;
  }
}

/** Names close to `wanted`, best first: same name in another case, another extension, a typo. */
export function nearNames(wanted: string, names: readonly string[]): string[] {
  const lower = wanted.toLowerCase();
  const stem = stemOf(lower);
  const budget = Math.max(1, Math.floor(wanted.length / 4));
  const scored: Array<{ name: string; score: number }> = [];
  for (const name of names) {
    const other = name.toLowerCase();
    let score: number | undefined;
    if (other === lower) score = 0;
    else if (stemOf(other) === stem) score = 1;
    else {
      const distance = editDistance(lower, other, budget);
      if (distance <= budget) score = 1 + distance;
    }
    if (score !== undefined) scored.push({ name, score });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, MAX_SUGGESTIONS).map((entry) => entry.name);
}

function stemOf(name: string): string {
  const ext = extname(name);
  return ext === "" || ext === name ? name : name.slice(0, -ext.length);
}

/** Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}
