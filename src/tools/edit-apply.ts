// The pure string work behind Edit and MultiEdit: find old_string (exactly, or in the other Unicode
// normalization form), replace it, and explain a failed match in words a model can act on. No
// file system here; edit-file.ts does the I/O.

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

  let split = false;
  for (const forms of spellings(oldString, newString, eol)) {
    const found = findAll(text, forms, edit.replace_all === true ? Infinity : MAX_COUNTED);
    split ||= found.split;
    const matches = found.matches;
    if (matches.length === 0) continue;
    if (edit.replace_all !== true && matches.length > 1) {
      // Overlapping matches count too: in "aaa", "aa" could mean either of two places. So do
      // matches in another normalization form: "café" twice, once composed and once not.
      const times = matches.length >= MAX_COUNTED ? `at least ${MAX_COUNTED}` : `${matches.length}`;
      const lines = lineNumbersAt(
        text,
        matches.map((match) => match.at),
      );
      return {
        ok: false,
        message: `old_string appears ${times} times in ${path} (${listLines(lines)}); add surrounding lines to make it unique, or set replace_all to change every occurrence.`,
      };
    }
    const chosen = withoutOverlaps(matches);
    return { ok: true, text: replaceAll(text, chosen), replacements: chosen.length };
  }
  if (split) {
    return {
      ok: false,
      message: `old_string was not found in ${path} as whole characters: where it matches, an accent or the rest of a Hangul syllable continues right after it (or it starts with one). Include the whole character, copied as Read shows it.`,
    };
  }
  return { ok: false, message: notFoundMessage(text, oldString, path) };
}

/** One way old_string may be written in the file, and what replaces each of its matches. */
interface Spelling {
  find: string;
  put: string;
  /** The model's own text (not a normalization of it): may match anywhere, see `findAll`. */
  exact: boolean;
}

/** Where a spelling matched, how long the match is and what replaces it. */
interface Match {
  at: number;
  length: number;
  put: string;
}

/**
 * The spellings to search for, in tiers: the model writes "\n", so first old_string with the
 * file's line ending, then (for files that mix endings) as given. Within a tier, the text in
 * either Unicode normalization form counts as the same text: files written on macOS often spell
 * "é" as "e" and a combining accent (NFD), which looks identical in Read, while models write it
 * composed. new_string is written in the form of the text each match found (so an NFD file
 * stays NFD); an exact match gets new_string as given.
 */
function spellings(oldString: string, newString: string, eol: LineEnding): Spelling[][] {
  const seen = new Set<string>();
  const tier = (convert: (s: string) => string): Spelling[] => {
    const forms: Spelling[] = [];
    const add = (find: string, put: string, exact: boolean) => {
      if (seen.has(find)) return;
      seen.add(find);
      forms.push({ find, put, exact });
    };
    add(convert(oldString), convert(newString), true);
    for (const form of ["NFC", "NFD"] as const) {
      add(convert(oldString.normalize(form)), convert(newString.normalize(form)), false);
    }
    return forms;
  };
  return [tier((s) => withEol(s, eol)), tier((s) => s)].filter((forms) => forms.length > 0);
}

/**
 * Every match of the spellings (overlapping ones too), in text order, at most `limit` per
 * spelling. A normalized spelling must match whole characters: not start with a combining mark
 * or a Hangul vowel or final consonant, nor be followed by one ("Nguyê" inside "Nguyến" written
 * "Nguye\u0302\u0301n" would leave the acute on the replacement). `split` says such a match was
 * dropped. An exact match is not checked: old_string is then code unit for code unit what the
 * model asked for, and may rightly address a lone letter or accent (a stray U+0301 to delete).
 */
function findAll(
  text: string,
  forms: readonly Spelling[],
  limit: number,
): { matches: Match[]; split: boolean } {
  const matches: Match[] = [];
  let split = false;
  for (const { find, put, exact } of forms) {
    for (const at of occurrences(text, find, { overlapping: true, limit })) {
      if (!exact && (continuesCharacter(text, at) || continuesCharacter(text, at + find.length))) {
        split = true;
        continue;
      }
      matches.push({ at, length: find.length, put });
    }
  }
  matches.sort((a, b) => a.at - b.at || b.length - a.length);
  return { matches, split };
}

/** A combining mark, or a Hangul jamo vowel or final consonant (which belong to the syllable before). */
const CONTINUATION = /^[\p{M}\u1160-\u11ff\ud7b0-\ud7ff]/u;

/** Whether the character at `at` belongs to the character before it. */
function continuesCharacter(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  // Two code units: a combining mark outside the BMP is a surrogate pair.
  return CONTINUATION.test(text.slice(at, at + 2));
}

/** Matches left to right, each skipped that overlaps the one kept before it. */
function withoutOverlaps(matches: readonly Match[]): Match[] {
  const kept: Match[] = [];
  let end = 0;
  for (const match of matches) {
    if (match.at < end) continue;
    kept.push(match);
    end = match.at + match.length;
  }
  return kept;
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

function replaceAll(text: string, matches: readonly Match[]): string {
  const parts: string[] = [];
  let from = 0;
  for (const { at, length, put } of matches) {
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
