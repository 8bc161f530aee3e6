// How WebFetch decodes a page's bytes: the charset from a byte order mark, the Content-Type
// header or an HTML meta tag, as browsers choose it. Not the fetching or the conversion.

import { latin1ToWindows1252 } from "./legacy-text.ts";

/** The text of a page, decoded in the charset its bytes, header or (for HTML) meta tag name. */
export function decodePage(bytes: Uint8Array, contentType: string, html: boolean): string {
  const charset =
    bomCharset(bytes) ?? headerCharset(contentType) ?? (html ? metaCharset(bytes) : undefined);
  return decode(bytes, charset);
}

/** Bytes as UTF-8 (or in `charset`), with U+FFFD for what is not valid in it. */
export function decode(bytes: Uint8Array, charset: string | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? "utf-8");
  } catch {
    // An unknown charset label (RangeError): UTF-8 is the best guess.
    decoder = new TextDecoder("utf-8");
  }
  const text = decoder.decode(bytes);
  // Node decodes windows-1252 (and so latin1, iso-8859-1) as Latin-1: see latin1ToWindows1252.
  return decoder.encoding === "windows-1252" ? latin1ToWindows1252(text) : text;
}

/** A byte order mark wins over any declaration, as in browsers. */
function bomCharset(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function headerCharset(contentType: string): string | undefined {
  return /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
}

/**
 * The charset an HTML page declares in a `<meta charset>` or `<meta http-equiv="Content-Type">`
 * near its start, for a server that sent none in Content-Type: many older and European pages
 * rely on it, and decoding them as UTF-8 turns every accented letter into U+FFFD.
 */
function metaCharset(bytes: Uint8Array): string | undefined {
  // latin1 maps each byte to one character, so the ASCII of the tags reads right whatever the charset.
  const start = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  for (const meta of start.matchAll(/<meta\b[^>]*>/gi)) {
    const label = /charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(meta[0])?.[1];
    if (label !== undefined) return browserMetaCharset(label);
  }
  return undefined;
}

/**
 * What a browser makes of a meta charset (the HTML standard's rule): a page whose ASCII tags were
 * readable cannot be UTF-16, so a UTF-16 label means UTF-8; x-user-defined means windows-1252.
 */
function browserMetaCharset(label: string): string {
  const name = label.trim().toLowerCase();
  if (name === "x-user-defined") return "windows-1252";
  let encoding: string;
  try {
    encoding = new TextDecoder(name).encoding;
  } catch {
    return label; // unknown: decode() falls back to UTF-8
  }
  return encoding === "utf-16le" || encoding === "utf-16be" ? "utf-8" : encoding;
}
