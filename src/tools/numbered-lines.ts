// `cat -n` style numbered lines for the model: a window of lines taken straight from a file's
// bytes (no split of the whole file), very long lines cut with a marker, the output size capped.

import { decodeWindows1252 } from "./legacy-text.ts";

/**
 * How the window's bytes are decoded: UTF-8, or (Read's view of 8-bit text that is not UTF-8)
 * Windows-1252. Either way a line break is the byte 0x0A, so lines are found on the raw bytes
 * and only the lines shown are decoded.
 */
export type LineDecoding = "utf8" | "windows1252";

/** Longer lines are cut; the marker says how much was left out. */
export const MAX_LINE_CHARS = 2000;

export interface LineWindow {
  /** The numbered lines, each `<number right-aligned>\t<line>`. */
  lines: string[];
  /** 1-based number of the first line shown, or 0 when none is. */
  first: number;
  /** Number of the last line shown, or 0 when none is. */
  last: number;
  /** Lines in the whole file. */
  total: number;
  /** True when the output cap stopped the window before `limit` lines. */
  capped: boolean;
}

export function numberLine(lineNumber: number, line: string): string {
  return numbered(lineNumber, cutLine(line));
}

function numbered(lineNumber: number, shown: string): string {
  return `${String(lineNumber).padStart(6)}\t${shown}`;
}

/** The line, or its first MAX_LINE_CHARS characters and a marker. */
export function cutLine(line: string): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const shown = line.slice(0, safeCut(line, MAX_LINE_CHARS));
  return `${shown}… [line cut: ${line.length - shown.length} more characters]`;
}

/**
 * Lines `start` to `start + limit - 1` of `bytes` (without a BOM), numbered. Stops early
 * once the numbered text would exceed `maxChars`, but always shows at least one line when there
 * is one. A trailing "\r" is dropped from each line.
 */
export function lineWindow(
  bytes: Buffer,
  start: number,
  limit: number,
  maxChars: number,
  decoding: LineDecoding = "utf8",
): LineWindow {
  const size = bytes.length;
  let pos = 0;
  let lineNumber = 1;
  while (lineNumber < start && pos < size) {
    const nl = bytes.indexOf(10, pos);
    if (nl === -1) pos = size;
    else pos = nl + 1;
    lineNumber++;
  }
  // A file ending in "\n" has no line after it: `pos === size` here means we are past the end.
  if (lineNumber < start || pos >= size) {
    const total = pos >= size ? lineNumber - 1 : lineNumber - 1 + countLines(bytes, pos);
    return { lines: [], first: 0, last: 0, total, capped: false };
  }

  const lines: string[] = [];
  let used = 0;
  let capped = false;
  while (lines.length < limit && pos < size) {
    const nl = bytes.indexOf(10, pos);
    const end = nl === -1 ? size : nl;
    const text = numbered(lineNumber, decodeLine(bytes, pos, end, decoding));
    if (lines.length > 0 && used + text.length + 1 > maxChars) {
      capped = true;
      break;
    }
    lines.push(text);
    used += text.length + 1;
    pos = nl === -1 ? size : nl + 1;
    lineNumber++;
  }
  const last = start + lines.length - 1;
  return { lines, first: start, last, total: last + countLines(bytes, pos), capped };
}

/** Lines from `from` to the end: line breaks, plus one for a last line without a break. */
function countLines(bytes: Buffer, from: number): number {
  if (from >= bytes.length) return 0;
  let count = 0;
  for (let nl = bytes.indexOf(10, from); nl !== -1; nl = bytes.indexOf(10, nl + 1)) count++;
  return bytes[bytes.length - 1] === 10 ? count : count + 1;
}

/** The line from `from` to `to` (its "\n"), without a trailing "\r", already cut if too long. */
function decodeLine(bytes: Buffer, from: number, to: number, decoding: LineDecoding): string {
  const end = to > from && bytes[to - 1] === 13 ? to - 1 : to;
  if (decoding === "windows1252") {
    // One byte, one character: decode no more than is shown.
    if (end - from <= MAX_LINE_CHARS) return decodeWindows1252(bytes, from, end);
    const shown = decodeWindows1252(bytes, from, from + MAX_LINE_CHARS);
    return `${shown}… [line cut: ${end - from - MAX_LINE_CHARS} more characters]`;
  }
  // A UTF-8 character is at most 4 bytes, so this many bytes hold the part we show; longer lines
  // are not decoded whole (a minified file can be one 10 MB line), so their marker counts bytes.
  const enough = MAX_LINE_CHARS * 4;
  if (end - from <= enough) return cutLine(bytes.toString("utf8", from, end));
  const head = bytes.toString("utf8", from, from + enough);
  const shown = head.slice(0, safeCut(head, MAX_LINE_CHARS));
  const rest = end - from - Buffer.byteLength(shown, "utf8");
  return `${shown}… [line cut: ${rest} more bytes]`;
}

/** A cut position at or below `at` that does not split a surrogate pair. */
function safeCut(s: string, at: number): number {
  const code = s.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
