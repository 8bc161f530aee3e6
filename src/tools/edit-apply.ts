// The pure string work behind Edit and MultiEdit: find old_string exactly, replace it, and explain
// a failed match in words a model can act on. No file system here; edit-file.ts does the I/O.

import { withEol, type LineEnding } from "./text-file.ts";

export interface EditSpec {
  old_string: string;
  new_string: string;
  replace_all?: boolean | undefined;
}

export type EditOutcome =
  { ok: true; text: string; replacements: number } | { ok: false; message: string };

export type EditsOutcome =
  { ok: true; text: string; replacements: number } | { ok: false; index: number; message: string };

const MAX_LISTED_LINES = 10;
/** Enough to say "many"; counting every "a" in a 10 MB file would help nobody. */
const MAX_COUNTED = 1000;

/**
 * Applies one edit to `text` (a decoded file whose line breaks are `eol`). The model writes "\n";
 * its strings are matched and inserted with the file's line ending, falling back to the strings as
 * given for files that mix endings.
 */
export function applyEdit(
  text: string,
  edit: EditSpec,
  eol: LineEnding,
  path: string,
): EditOutcome {
  const { old_string: oldString, new_string: newString } = edit;
  if (oldString === newString) {
    return {
      ok: false,
      message: `old_string and new_string are identical, so the edit would change nothing in ${path}. Give the text to change and its replacement.`,
    };
  }
  if (oldString === "") {
    if (text === "") return { ok: true, text: withEol(newString, eol), replacements: 1 };
    return {
      ok: false,
      message: `old_string is empty, but ${path} already has content. Use Write to replace the whole file, or put the text next to the insertion point in old_string.`,
    };
  }

  const exact = { find: withEol(oldString, eol), put: withEol(newString, eol) };
  const candidates = [
    exact,
    { find: oldString, put: newString },
    // The same text in the other Unicode form: files written on macOS often spell "é" as "e" and
    // a combining accent (NFD), which looks identical in Read, while models write it composed.
    // The replacement takes the form the file uses.
    ...(["NFC", "NFD"] as const)
      .map((form) => ({
        find: withEol(oldString.normalize(form), eol),
        put: withEol(newString.normalize(form), eol),
      }))
      .filter((candidate) => candidate.find !== exact.find),
  ];
  for (const { find, put } of candidates) {
    const positions = occurrences(text, find);
    if (positions.length === 0) continue;
    if (edit.replace_all !== true) {
      // Overlapping matches count too: in "aaa", "aa" could mean either of two places.
      const everywhere = occurrences(text, find, { overlapping: true, limit: MAX_COUNTED });
      if (everywhere.length > 1) {
        const times =
          everywhere.length === MAX_COUNTED ? `at least ${MAX_COUNTED}` : `${everywhere.length}`;
        return {
          ok: false,
          message: `old_string appears ${times} times in ${path} (${listLines(lineNumbersAt(text, everywhere))}); add surrounding lines to make it unique, or set replace_all to change every occurrence.`,
        };
      }
    }
    return {
      ok: true,
      text: replaceAt(text, positions, find.length, put),
      replacements: positions.length,
    };
  }
  return { ok: false, message: notFoundMessage(text, oldString, path) };
}

/** Applies edits in order, each to the result of the previous; stops at the first failure. */
export function applyEdits(
  text: string,
  edits: readonly EditSpec[],
  eol: LineEnding,
  path: string,
): EditsOutcome {
  let current = text;
  let replacements = 0;
  for (const [index, edit] of edits.entries()) {
    const outcome = applyEdit(current, edit, eol, path);
    if (!outcome.ok) return { ok: false, index, message: outcome.message };
    current = outcome.text;
    replacements += outcome.replacements;
  }
  return { ok: true, text: current, replacements };
}

/**
 * Keeps whether the file ends with a line break: an edit at the very end should not add or drop
 * the final newline as a side effect. A file emptied by the edit stays empty.
 */
export function keepFinalNewline(before: string, after: string, eol: LineEnding): string {
  if (before === "" || after === "") return after;
  const had = before.endsWith("\n");
  const has = after.endsWith("\n");
  if (had && !has) return after + eol;
  if (!had && has) return after.slice(0, after.endsWith("\r\n") ? -2 : -1);
  return after;
}

/** Start offsets of occurrences, left to right; non-overlapping unless asked. */
export function occurrences(
  text: string,
  find: string,
  options: { overlapping?: boolean; limit?: number } = {},
): number[] {
  const step = options.overlapping === true ? 1 : find.length;
  const limit = options.limit ?? Infinity;
  const found: number[] = [];
  for (
    let at = text.indexOf(find);
    at !== -1 && found.length < limit;
    at = text.indexOf(find, at + step)
  ) {
    found.push(at);
  }
  return found;
}

/** 1-based line numbers of the given offsets (which must be ascending). */
export function lineNumbersAt(text: string, offsets: readonly number[]): number[] {
  const lines: number[] = [];
  let line = 1;
  let scanned = 0;
  for (const offset of offsets) {
    for (
      let nl = text.indexOf("\n", scanned);
      nl !== -1 && nl < offset;
      nl = text.indexOf("\n", nl + 1)
    ) {
      line++;
      scanned = nl + 1;
    }
    lines.push(line);
  }
  return lines;
}

/** "lines 4, 17, 40": the distinct lines, the first few of them. */
function listLines(lineNumbers: readonly number[]): string {
  const distinct = [...new Set(lineNumbers)];
  const shown = distinct.slice(0, MAX_LISTED_LINES).join(", ");
  const word = distinct.length === 1 ? "line" : "lines";
  return distinct.length > MAX_LISTED_LINES ? `${word} ${shown} and more` : `${word} ${shown}`;
}

function replaceAt(
  text: string,
  positions: readonly number[],
  length: number,
  put: string,
): string {
  const parts: string[] = [];
  let from = 0;
  for (const at of positions) {
    parts.push(text.slice(from, at), put);
    from = at + length;
  }
  parts.push(text.slice(from));
  return parts.join("");
}

function notFoundMessage(text: string, oldString: string, path: string): string {
  const base = `old_string was not found in ${path}.`;
  if (hasLineNumberPrefixes(oldString)) {
    return `${base} It seems to include Read's line-number prefixes (a number and a tab before each line); leave those out and copy only the file's text.`;
  }
  if (loose(text).includes(loose(oldString))) {
    return `${base} It would match if whitespace, line endings or quote styles were ignored: check indentation (tabs vs spaces), trailing spaces and quotes, and copy the text exactly as Read shows it.`;
  }
  return `${base} Read the file again and copy the text to replace exactly, including indentation.`;
}

function hasLineNumberPrefixes(s: string): boolean {
  const lines = s.split("\n").filter((line) => line.trim() !== "");
  return lines.length > 0 && lines.every((line) => /^\s*\d+(\t|→)/.test(line));
}

/** A form of the text that ignores the differences models most often get wrong. */
function loose(s: string): string {
  return s
    .replace(/\r\n?/g, "\n")
    .replace(/[‘’]/g, "'")
    .replace(/[“”„]/g, '"')
    .replace(/[ \t\u00a0]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .trim();
}
