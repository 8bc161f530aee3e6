// Text files as bytes on disk versus strings for the model: encoding (UTF-8, UTF-16 with a BOM),
// the BOM itself and the dominant line ending, detected so an edit can write them back unchanged,
// and the sniff that tells text from binary data. Legacy 8-bit text (Latin-1, Shift-JIS,
// Windows-1251...) is refused for writing: its encoding cannot be told from its bytes, and a wrong
// guess corrupts it (Shift-JIS trail bytes look like ASCII). Read only shows it: legacy-text.ts.

import { isUtf8 } from "node:buffer";
import { shellQuote } from "./shell-quote.ts";

export type TextEncoding = "utf8" | "utf16le" | "utf16be";
export type LineEnding = "\n" | "\r\n";

export interface TextFormat {
  encoding: TextEncoding;
  bom: boolean;
  /** The file's dominant line ending; "\n" when it has none. */
  eol: LineEnding;
}

/** Why bytes cannot be changed as text: binary data, or text in an encoding we do not write. */
export interface DecodeFailure {
  ok: false;
  cause: "binary" | "encoding";
  /** "it is ...", for messages. */
  reason: string;
}

export type DecodedText = { ok: true; text: string; format: TextFormat } | DecodeFailure;

/** How much of a file the binary check looks at. */
export const BINARY_SNIFF_BYTES = 8192;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The refusal for bytes that are not UTF-8 but not binary data either. */
export const NOT_UTF8: DecodeFailure = {
  ok: false,
  cause: "encoding",
  reason:
    "it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251)",
};
/** The refusal for binary data. */
export const BINARY: DecodeFailure = {
  ok: false,
  cause: "binary",
  reason: "it is binary data, not text",
};

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
 * anything that would not round-trip: bytes that are not UTF-8 (binary data or legacy 8-bit
 * text), an odd-length UTF-16 file, UTF-32.
 */
export function decodeText(bytes: Buffer): DecodedText {
  const marked = bomEncoding(bytes);
  if (marked === "utf32") return { ok: false, cause: "encoding", reason: "it is UTF-32 encoded" };
  if (marked === "utf16le" || marked === "utf16be") {
    const body = bytes.subarray(2);
    if (body.length % 2 !== 0) {
      return {
        ok: false,
        cause: "encoding",
        reason: "it has a UTF-16 byte-order mark but an odd number of bytes",
      };
    }
    const text = marked === "utf16le" ? body.toString("utf16le") : swap16(body).toString("utf16le");
    return { ok: true, text, format: { encoding: marked, bom: true, eol: detectEol(text) } };
  }
  const bom = marked === "utf8";
  const body = bom ? bytes.subarray(UTF8_BOM.length) : bytes;
  if (!isUtf8(body)) return sniffText(body, body.length) === "binary" ? BINARY : NOT_UTF8;
  const text = body.toString("utf8");
  return { ok: true, text, format: { encoding: "utf8", bom, eol: detectEol(text) } };
}

/**
 * What to do about a file the tools refuse to change: convert a legacy encoding to UTF-8 (the
 * command writes a new file first: `iconv ... f > f` would empty it), or use Bash.
 */
export function conversionAdvice(display: string, failure: DecodeFailure): string {
  if (failure.cause === "binary") return "Change it with a Bash command.";
  const path = shellQuote(display);
  return `Find its encoding with \`file -i ${path}\`, convert it with \`iconv -f <ENCODING> -t UTF-8 ${path} > ${path}.utf8 && mv ${path}.utf8 ${path}\` and Read it again, or change it with a Bash command.`;
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
 * What the first bytes of a file (`head`, at least its first BINARY_SNIFF_BYTES; the file has
 * `size` bytes) show: binary data, text that is not UTF-8, or text (as far as they show).
 */
export function sniffText(head: Buffer, size: number): "binary" | "not-utf8" | "text" {
  const sample = head.subarray(0, BINARY_SNIFF_BYTES);
  const truncated = size > sample.length;
  if (looksBinary(sample, truncated)) return "binary";
  if (bomEncoding(sample) !== undefined) return "text";
  return isUtf8(truncated ? withoutPartialTail(sample) : sample) ? "text" : "not-utf8";
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

/** The share of bytes that are control characters other than those text uses. */
function controlShare(bytes: Buffer): number {
  let controls = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    // Tab, line feed, vertical tab, form feed, carriage return and escape occur in text.
    if (byte < 0x20 && (byte < 0x09 || byte > 0x0d) && byte !== 0x1b) controls++;
  }
  return bytes.length === 0 ? 0 : controls / bytes.length;
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
