// Showing text that is not UTF-8 for Read: a Windows-1252 view of 8-bit text. It is a guess
// (Shift-JIS or Windows-1251 text shows as gibberish), so nothing writes it back; Edit, Write and
// apply_patch refuse such files (text-file.ts). WebFetch uses its Windows-1252 table too.

/**
 * What Windows-1252 bytes 0x80-0x9F stand for (the rest of the code page is Latin-1). The five
 * bytes the code page leaves undefined show as the C1 control with their number, as in the
 * WHATWG decoder, so every byte shows as something.
 */
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * Whether the bytes hold what looks like a multi-byte UTF-8 character: a lead byte followed by
 * its continuation bytes. A file that is not valid UTF-8 but has these is UTF-8 with a few broken
 * bytes, which a Windows-1252 view would turn to mojibake.
 */
export function hasUtf8Sequence(bytes: Buffer): boolean {
  const size = bytes.length;
  // Aligned 4-byte words without a high bit (ASCII) are skipped whole: on a 10 MB file that is
  // three times faster than looking at every byte, which Read's 50 ms budget needs.
  const head = (4 - (bytes.byteOffset % 4)) % 4;
  const wordCount = size > head ? (size - head) >> 2 : 0;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + head, wordCount);
  for (let at = 0; at < size;) {
    const word = at - head;
    if (word >= 0 && (word & 3) === 0 && word >> 2 < wordCount) {
      if (((words[word >> 2] ?? 0) & 0x80808080) === 0) {
        at += 4;
        continue;
      }
    }
    if (startsSequence(bytes, at)) return true;
    at++;
  }
  return false;
}

function startsSequence(bytes: Buffer, at: number): boolean {
  const lead = bytes[at] ?? 0;
  if (lead < 0xc2 || lead > 0xf4) return false;
  const continuations = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
  for (let k = 1; k <= continuations; k++) {
    if (((bytes[at + k] ?? 0) & 0xc0) !== 0x80) return false;
  }
  return true;
}

/** Bytes `from` to `to` as Windows-1252 text. */
export function decodeWindows1252(bytes: Buffer, from = 0, to = bytes.length): string {
  return latin1ToWindows1252(bytes.toString("latin1", from, to));
}

/**
 * Text decoded as Latin-1 read as Windows-1252 instead: the two differ only at 0x80-0x9F, which
 * are rare, so those characters are patched up. (Node's TextDecoder decodes "windows-1252" as
 * Latin-1 too, nodejs/node#56542; WebFetch mends its pages with this.)
 */
export function latin1ToWindows1252(latin1: string): string {
  return latin1.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}
