// Text files as bytes on disk versus strings for the model: encoding (UTF-8, UTF-16 with a BOM),
// the BOM itself and the dominant line ending, detected so an edit can write them back unchanged.
// Not for deciding what to change: that is edit-apply.ts.

import { isUtf8 } from "node:buffer";

export type TextEncoding = "utf8" | "utf16le" | "utf16be";
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
  if (!isUtf8(body)) return { ok: false, reason: "it is not valid UTF-8 text" };
  const text = body.toString("utf8");
  return { ok: true, text, format: { encoding: "utf8", bom, eol: detectEol(text) } };
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
 * Whether a sample from the start of a file looks like something other than text: a NUL byte or
 * bytes that are not UTF-8. `truncated` says the sample may end inside a multi-byte character.
 */
export function looksBinary(sample: Buffer, truncated: boolean): boolean {
  const marked = bomEncoding(sample);
  if (marked === "utf16le" || marked === "utf16be") return false;
  if (marked === "utf32") return true;
  if (sample.includes(0)) return true;
  return !isUtf8(truncated ? withoutPartialTail(sample) : sample);
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
