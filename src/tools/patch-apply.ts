// Applying parsed apply_patch hunks to a file's text: locate each hunk's old lines (exactly, then
// ignoring trailing whitespace, then ignoring surrounding whitespace) and splice in the new ones.
// Pure: text in, text out. Each line keeps its own line ending; added lines get the file's own.

import type { Hunk } from "./patch-parse.ts";
import type { LineEnding } from "./text-file.ts";

export type AppliedHunks =
  | { ok: true; text: string }
  /** `hunk` is 0-based; `reason` says why it could not be placed, with line numbers. */
  | { ok: false; hunk: number; reason: string };

interface FileLine {
  text: string;
  /** "\n", "\r\n", or "" for a last line without a final newline. */
  end: string;
}

type Normalise = (line: string) => string;

/** Whitespace is the only fuzz: never punctuation, case or content. */
const LEVELS: readonly Normalise[] = [
  (line) => line,
  (line) => line.trimEnd(),
  (line) => line.trim(),
];

interface Splice {
  start: number;
  removed: number;
  inserted: FileLine[];
}

/**
 * Applies hunks in order, each searched for after the previous one. A hunk's old lines (context
 * and removed lines) must occur exactly once in the part of the file searched, at the strictest
 * whitespace level that finds them at all.
 */
export function applyHunks(text: string, hunks: readonly Hunk[], eol: LineEnding): AppliedHunks {
  const file = splitLines(text);
  const index = new LineIndex(file.map((line) => line.text));
  const splices: Splice[] = [];
  let cursor = 0;
  for (const [number, hunk] of hunks.entries()) {
    const placed = placeHunk(index, hunk, cursor);
    if (!placed.ok) return { ok: false, hunk: number, reason: placed.reason };
    const inserted: FileLine[] = [];
    let at = placed.start;
    for (const line of hunk.lines) {
      if (line.kind === "+") {
        inserted.push({ text: line.text, end: eol });
        continue;
      }
      // A context line keeps the file's own text: the patch's copy may differ in whitespace.
      if (line.kind === " ") inserted.push(file[at] ?? { text: line.text, end: eol });
      at++;
    }
    splices.push({ start: placed.start, removed: at - placed.start, inserted });
    cursor = at;
  }
  return { ok: true, text: joinLines(spliced(file, splices), eol, endsWithNewline(text)) };
}

function placeHunk(
  index: LineIndex,
  hunk: Hunk,
  cursor: number,
): { ok: true; start: number } | { ok: false; reason: string } {
  let from = cursor;
  for (const anchor of hunk.anchors) {
    const found = index.findLine(anchor, from);
    if (found === undefined) {
      return {
        ok: false,
        reason: `The "@@ ${anchor}" line was not found${afterLine(from)}. It must repeat (the start of) a line of the file, such as a function signature.`,
      };
    }
    // The anchor line itself may also open the hunk's context, so the search includes it.
    from = found;
  }
  const old = hunk.lines.filter((line) => line.kind !== "+").map((line) => line.text);
  if (old.length === 0) {
    // Pure insertion: right after the innermost anchor, else at the end of the file.
    return { ok: true, start: hunk.anchors.length > 0 ? from + 1 : index.length };
  }
  if (hunk.endOfFile) {
    const start = index.length - old.length;
    if (start >= from && index.matchesAt(old, start)) return { ok: true, start };
    return {
      ok: false,
      reason: `The hunk is marked "*** End of File", but its old lines are not the last lines of the file. ${diagnose(index, old, from)}`,
    };
  }
  const found = index.find(old, from);
  if (found.length === 1 && found[0] !== undefined) return { ok: true, start: found[0] };
  if (found.length > 1) {
    const where = found.slice(0, 5).map((start) => start + 1);
    return {
      ok: false,
      reason: `The hunk's context was found ${found.length} times${afterLine(from)} (at lines ${where.join(", ")}${found.length > 5 ? ", …" : ""}). Add context lines or an "@@ enclosing line" header so it matches once.`,
    };
  }
  return {
    ok: false,
    reason: `The hunk's context was not found${afterLine(from)}. ${diagnose(index, old, from)}`,
  };
}

function afterLine(from: number): string {
  return from > 0 ? ` after line ${from}` : "";
}

/** A hint for a hunk that does not match: where it matches out of order, or where it diverges. */
function diagnose(index: LineIndex, old: string[], from: number): string {
  const anywhere = index.find(old, 0);
  if (anywhere.length > 0 && anywhere[0] !== undefined && anywhere[0] < from) {
    return `It matches at line ${anywhere[0] + 1}, before where this hunk is searched (line ${from + 1} on): put hunks in file order, and check the "@@" header.`;
  }
  let best: { start: number; matched: number } | undefined;
  const loosest = LEVELS[LEVELS.length - 1] ?? ((line: string) => line);
  for (let start = from; start < index.length; start++) {
    let matched = 0;
    while (
      matched < old.length &&
      start + matched < index.length &&
      loosest(index.lines[start + matched] ?? "") === loosest(old[matched] ?? "")
    ) {
      matched++;
    }
    if (matched > 0 && (!best || matched > best.matched)) best = { start, matched };
  }
  if (!best) {
    return `Its first line ${JSON.stringify(old[0])} does not occur there. Read the file again and copy the context exactly.`;
  }
  if (best.matched === old.length) {
    return `They match at line ${best.start + 1}, which is not the end of the file.`;
  }
  const fileLine = best.start + best.matched;
  const actual = index.lines[fileLine];
  return (
    `The closest match starts at line ${best.start + 1}, but hunk line ${best.matched + 1} ${JSON.stringify(old[best.matched])} ` +
    (actual === undefined
      ? "is past the end of the file."
      : `differs from line ${fileLine + 1}: ${JSON.stringify(actual)}.`) +
    " Read the file again and copy the context exactly."
  );
}

/** The file's lines, normalised per whitespace level on first use. */
class LineIndex {
  readonly lines: readonly string[];
  readonly #normalised: Array<string[] | undefined> = [];

  constructor(lines: readonly string[]) {
    this.lines = lines;
  }

  get length(): number {
    return this.lines.length;
  }

  /**
   * First line at or after `from` equal to `wanted`, trying the strictest level first; failing
   * that, the first that starts with it (`@@ class Foo` names `class Foo(Base):`). An anchor only
   * narrows where the hunk's context is searched, so this looseness cannot change what matches.
   */
  findLine(wanted: string, from: number): number | undefined {
    for (const [level, normalise] of LEVELS.entries()) {
      const lines = this.#level(level);
      const target = normalise(wanted);
      for (let at = from; at < lines.length; at++) if (lines[at] === target) return at;
    }
    const trimmed = this.#level(LEVELS.length - 1);
    const prefix = wanted.trim();
    for (let at = from; at < trimmed.length; at++) {
      if (trimmed[at]?.startsWith(prefix)) return at;
    }
    return undefined;
  }

  /** Every start at or after `from` where `old` matches, at the strictest level with any match. */
  find(old: readonly string[], from: number): number[] {
    for (const [level, normalise] of LEVELS.entries()) {
      const lines = this.#level(level);
      const target = old.map(normalise);
      const starts: number[] = [];
      for (let start = from; start + target.length <= lines.length; start++) {
        if (matchesFrom(lines, target, start)) starts.push(start);
      }
      if (starts.length > 0) return starts;
    }
    return [];
  }

  matchesAt(old: readonly string[], start: number): boolean {
    return LEVELS.some((normalise, level) =>
      matchesFrom(this.#level(level), old.map(normalise), start),
    );
  }

  #level(level: number): string[] {
    const normalise = LEVELS[level] ?? ((line: string) => line);
    return (this.#normalised[level] ??= this.lines.map(normalise));
  }
}

function matchesFrom(lines: readonly string[], target: readonly string[], start: number): boolean {
  for (let offset = 0; offset < target.length; offset++) {
    if (lines[start + offset] !== target[offset]) return false;
  }
  return true;
}

function splitLines(text: string): FileLine[] {
  const lines: FileLine[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    if (newline === -1) {
      lines.push({ text: text.slice(start), end: "" });
      break;
    }
    const crlf = newline > start && text.charCodeAt(newline - 1) === 13;
    lines.push({
      text: text.slice(start, crlf ? newline - 1 : newline),
      end: crlf ? "\r\n" : "\n",
    });
    start = newline + 1;
  }
  return lines;
}

function spliced(file: readonly FileLine[], splices: readonly Splice[]): FileLine[] {
  const result: FileLine[] = [];
  let at = 0;
  for (const splice of splices) {
    result.push(...file.slice(at, splice.start), ...splice.inserted);
    at = splice.start + splice.removed;
  }
  result.push(...file.slice(at));
  return result;
}

/** An empty file counts as ending with a newline, so lines added to it get one. */
function endsWithNewline(text: string): boolean {
  return text === "" || text.endsWith("\n");
}

function joinLines(lines: readonly FileLine[], eol: LineEnding, finalNewline: boolean): string {
  let text = "";
  for (const [at, line] of lines.entries()) {
    const last = at === lines.length - 1;
    const end = last && !finalNewline ? "" : line.end || eol;
    text += line.text + end;
  }
  return text;
}
