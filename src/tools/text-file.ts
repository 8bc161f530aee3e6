// Text files as bytes on disk versus strings for the model: encoding (UTF-8, UTF-16 with a BOM,
// Windows-1252 for legacy 8-bit text), the BOM itself and the dominant line ending, detected so an
// edit can write them back unchanged. Not for deciding what to change: that is edit-apply.ts.

import { isUtf8 } from "node:buffer";
import { endianness } from "node:os";

export type TextEncoding = "utf8" | "utf16le" | "utf16be" | "windows1252";
export type LineEnding = "\n" | "\r\n";

export interface TextFormat {
  encoding: TextEncoding;
  bom: boolean;
  /** The file's dominant line ending; "\n" when it has none. */
  eol: LineEnding;
}

export type DecodedText =
  { ok: true; text: string; format: TextFormat } | { ok: false; reason: string };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * What Windows-1252 bytes 0x80-0x9F stand for (the rest of the code page is Latin-1). The five
 * bytes the code page leaves undefined stand for the C1 control with their number, as in the
 * WHATWG decoder, so every byte has a character and every file round-trips.
 */
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";
const CP1252_UNENCODABLE = new RegExp(`[^\\u0000-\\u007f\\u00a0-\\u00ff${CP1252_HIGH}]`, "u");

/** The encoding a byte-order mark announces, if any. UTF-32 marks are not text we handle. */
export function bomEncoding(bytes: Buffer): TextEncoding | "utf32" | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes[2] === 0 && bytes[3] === 0 ? "utf32" : "utf16le";
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf16be";
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) return "utf32";
  return undefined;
}

/**
 * Decodes a whole file so that `encodeText(text, format)` gives back the same bytes. Fails for
 * anything that would not round-trip: invalid UTF-8, an odd-length UTF-16 file, UTF-32.
 */
export function decodeText(bytes: Buffer): DecodedText {
  const marked = bomEncoding(bytes);
  if (marked === "utf32") return { ok: false, reason: "it is UTF-32 encoded" };
  if (marked === "utf16le" || marked === "utf16be") {
    const body = bytes.subarray(2);
    if (body.length % 2 !== 0) {
      return { ok: false, reason: "it has a UTF-16 byte-order mark but an odd number of bytes" };
    }
    const text = marked === "utf16le" ? body.toString("utf16le") : swap16(body).toString("utf16le");
    return { ok: true, text, format: { encoding: marked, bom: true, eol: detectEol(text) } };
  }
  const bom = marked === "utf8";
  const body = bom ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (!isUtf8(body)) {
    // Not UTF-8, but 8-bit text (Latin-1 source, an old Windows file): decoded as Windows-1252,
    // a superset of Latin-1's printable characters in which every byte round-trips.
    if (!bom && looksLikeSingleByteText(body)) {
      const text = decodeWindows1252(body);
      return { ok: true, text, format: { encoding: "windows1252", bom, eol: detectEol(text) } };
    }
    return { ok: false, reason: "it is not valid UTF-8 text" };
  }
  const text = body.toString("utf8");
  return { ok: true, text, format: { encoding: "utf8", bom, eol: detectEol(text) } };
}

/**
 * The first character of `text` that `format` cannot hold, if any: only Windows-1252 has such
 * characters (an emoji, most non-Latin scripts). Check before `encodeText`.
 */
export function unencodable(text: string, format: TextFormat): string | undefined {
  if (format.encoding !== "windows1252") return undefined;
  return CP1252_UNENCODABLE.exec(text)?.[0];
}

/** The refusal for text a file's encoding cannot hold, naming the character and a way out. */
export function cannotHoldMessage(display: string, char: string, format: TextFormat): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return `${display} is ${encodingName(format.encoding)} text, which cannot hold ${JSON.stringify(char)} (${code}); nothing was written. Use characters that encoding has, or convert the file to UTF-8 first (Bash: iconv -f WINDOWS-1252 -t UTF-8).`;
}

/** Words for messages: which encoding a file is in. */
export function encodingName(encoding: TextEncoding): string {
  switch (encoding) {
    case "utf8":
      return "UTF-8";
    case "utf16le":
      return "UTF-16 LE";
    case "utf16be":
      return "UTF-16 BE";
    case "windows1252":
      return "Windows-1252 (Latin-1)";
    default: {
      const unknown: never = encoding;
      throw new Error(`unknown encoding ${String(unknown)}`);
    }
  }
}

export function encodeText(text: string, format: TextFormat): Buffer {
  switch (format.encoding) {
    case "utf8": {
      const body = Buffer.from(text, "utf8");
      return format.bom ? Buffer.concat([UTF8_BOM, body]) : body;
    }
    case "utf16le":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf16be":
      return Buffer.concat([Buffer.from([0xfe, 0xff]), swap16(Buffer.from(text, "utf16le"))]);
    case "windows1252": {
      const bad = unencodable(text, format);
      // Callers check with `unencodable` first; writing "?" instead would lose the text silently.
      if (bad !== undefined) throw new Error(`${JSON.stringify(bad)} is not in Windows-1252`);
      const bytes = Buffer.alloc(text.length);
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i);
        bytes[i] = unit < 0x100 ? unit : 0x80 + CP1252_HIGH.indexOf(text.charAt(i));
      }
      return bytes;
    }
    default: {
      const unknown: never = format.encoding;
      throw new Error(`unknown encoding ${String(unknown)}`);
    }
  }
}

/** CRLF when more lines end in CRLF than in a bare LF. */
export function detectEol(text: string): LineEnding {
  let lf = 0;
  let crlf = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
    if (at > 0 && text.charCodeAt(at - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** Lines in the text: line breaks, plus one for a last line without a break. */
export function lineCount(text: string): number {
  if (text === "") return 0;
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return text.endsWith("\n") ? count : count + 1;
}

/** Every line break in `text` (CRLF, or a bare LF) written as `eol`. */
export function withEol(text: string, eol: LineEnding): string {
  return eol === "\n" ? text.replace(/\r\n/g, "\n") : text.replace(/\r?\n/g, "\r\n");
}

/**
 * Whether a sample from the start of a file looks like something other than text: a NUL byte, or
 * bytes that are neither UTF-8 nor 8-bit text. `truncated` says the sample may end inside a
 * multi-byte character.
 */
export function looksBinary(sample: Buffer, truncated: boolean): boolean {
  const marked = bomEncoding(sample);
  if (marked === "utf16le" || marked === "utf16be") return false;
  if (marked === "utf32") return true;
  if (sample.includes(0)) return true;
  if (isUtf8(truncated ? withoutPartialTail(sample) : sample)) return false;
  // 8-bit text, or UTF-8 with a few broken bytes: text either way. Binary data is full of
  // control bytes (and nearly always has a NUL).
  return controlShare(sample) > MAX_CONTROL_SHARE;
}

/** More control bytes than this (a share of all bytes) and it is not text. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * Whether bytes that are not UTF-8 read as 8-bit text: no NUL, hardly any control characters,
 * and no valid multi-byte UTF-8 characters among the invalid ones (that is a UTF-8 file with a
 * few broken bytes, which decoding as 8-bit text would turn to mojibake).
 */
function looksLikeSingleByteText(bytes: Buffer): boolean {
  if (bytes.includes(0) || controlShare(bytes) > MAX_CONTROL_SHARE) return false;
  return !hasUtf8Sequence(bytes);
}

/** The share of bytes that are control characters other than those text uses. */
function controlShare(bytes: Buffer): number {
  let controls = 0;
  // An indexed loop: a Buffer's iterator is several times slower over a 10 MB file.
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    // Tab, line feed, vertical tab, form feed, carriage return and escape occur in text.
    if (byte < 0x20 && (byte < 0x09 || byte > 0x0d) && byte !== 0x1b) controls++;
  }
  return bytes.length === 0 ? 0 : controls / bytes.length;
}

/**
 * Whether the bytes hold what looks like a multi-byte UTF-8 character: a lead byte followed by
 * its continuation bytes. (Checked by hand: calling isUtf8 per candidate is 3x slower.)
 */
function hasUtf8Sequence(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i] ?? 0;
    if (lead < 0xc2 || lead > 0xf4) continue;
    const continuations = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    let k = 1;
    while (k <= continuations && ((bytes[i + k] ?? 0) & 0xc0) === 0x80) k++;
    if (k > continuations) return true;
  }
  return false;
}

/** Windows-1252 bytes as text, through a table of UTF-16 code units (fast on big files). */
function decodeWindows1252(bytes: Buffer): string {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH.charCodeAt(byte - 0x80) : byte;
  }
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = table[bytes[i] ?? 0] ?? 0;
  const utf16 = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
  // The array holds the machine's byte order; "utf16le" wants little-endian.
  return (endianness() === "LE" ? utf16 : utf16.swap16()).toString("utf16le");
}

/** The sample without a multi-byte character cut off at its end. */
function withoutPartialTail(sample: Buffer): Buffer {
  for (let back = 1; back <= Math.min(4, sample.length); back++) {
    const byte = sample[sample.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? sample.subarray(0, sample.length - back) : sample;
  }
  return sample;
}

function swap16(bytes: Buffer): Buffer {
  return Buffer.from(bytes).swap16();
}
