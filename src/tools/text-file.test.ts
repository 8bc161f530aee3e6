import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeText,
  detectEol,
  encodeText,
  lineCount,
  looksBinary,
  NOT_UTF8,
  sniffText,
  withEol,
  type TextFormat,
} from "./text-file.ts";

describe("text-file", () => {
  it("detects a BOM, the encoding and the dominant line ending", () => {
    expect(decodeText(Buffer.from("\ufeffa\r\nb\r\nc\n"))).toEqual({
      ok: true,
      text: "a\r\nb\r\nc\n",
      format: { encoding: "utf8", bom: true, eol: "\r\n" },
    });
    const utf16be = Buffer.from([0xfe, 0xff, 0x00, 0x68, 0x00, 0x0a]);
    expect(decodeText(utf16be)).toEqual({
      ok: true,
      text: "h\n",
      format: { encoding: "utf16be", bom: true, eol: "\n" },
    });
    expect(detectEol("no breaks")).toBe("\n");
  });

  it("refuses bytes that would not round-trip", () => {
    // UTF-8 "é" beside a Latin-1 "é": neither decoding keeps both.
    expect(decodeText(Buffer.from([0xc3, 0xa9, 0xe9, 0x0a]))).toEqual({
      ok: false,
      cause: "encoding",
      reason:
        "it is not valid UTF-8 text (perhaps Latin-1/Windows-1252, or another legacy encoding such as Shift-JIS or Windows-1251)",
    });
    expect(decodeText(Buffer.from([0x63, 0xe9, 0, 0x0a]))).toEqual({
      ok: false,
      cause: "binary",
      reason: "it is binary data, not text",
    });
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toMatchObject({ ok: false });
    expect(decodeText(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).toEqual({
      ok: false,
      cause: "encoding",
      reason: "it is UTF-32 encoded",
    });
  });

  it("re-encodes decoded text to the same bytes", () => {
    const format = fc.record({
      encoding: fc.constantFrom<TextFormat["encoding"]>("utf8", "utf16le", "utf16be"),
      bom: fc.boolean(),
      eol: fc.constantFrom<TextFormat["eol"]>("\n", "\r\n"),
    });
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), format, (text, f) => {
        const withBom = f.encoding === "utf8" ? f : { ...f, bom: true };
        const bytes = encodeText(text, withBom);
        const decoded = decodeText(bytes);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(encodeText(decoded.text, decoded.format)).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("tells text from binary in a sample, even one cut inside a character", () => {
    expect(looksBinary(Buffer.from("plain text\n"), false)).toBe(false);
    expect(looksBinary(Buffer.from([0x61, 0, 0x62]), false)).toBe(true);
    expect(looksBinary(Buffer.from([0xff, 0xfe, 0x61, 0]), false)).toBe(false);
    const cut = Buffer.from("ab😀").subarray(0, 4);
    expect(looksBinary(cut, true)).toBe(false);
    // Not cut by the sample: a file ending inside a character is broken UTF-8, still text.
    expect(looksBinary(cut, false)).toBe(false);
    // 8-bit text (Latin-1 "cec") is text; bytes full of controls are not.
    expect(looksBinary(Buffer.from([0x63, 0xe9, 0x63]), true)).toBe(false);
    expect(looksBinary(Buffer.from([0x81, 0x02, 0x03, 0x63, 0x63, 0x63]), false)).toBe(true);
  });

  it("refuses to decode 8-bit text in any legacy encoding, whatever the bytes look like", () => {
    // Windows-1252, Shift-JIS ("表示" is 95 5C 8E A6: a backslash as trail byte), Big5, GBK and
    // Windows-1251 bytes: none has an encoding the bytes prove, so none is decoded for writing.
    const legacy = [
      [0x63, 0xe9, 0x20, 0x80, 0x93, 0x0d, 0x0a],
      [0x95, 0x5c, 0x8e, 0xa6, 0x0a],
      [0xb3, 0x5c, 0xa5, 0x5c, 0x0a],
      [0xd6, 0xd0, 0xce, 0xc4, 0x0a],
      [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x0a],
    ];
    for (const bytes of legacy) {
      expect(decodeText(Buffer.from(bytes))).toEqual(NOT_UTF8);
      expect(sniffText(Buffer.from(bytes), bytes.length)).toBe("not-utf8");
    }
    expect(decodeText(Buffer.from([0xef, 0xbb, 0xbf, 0xe9, 0x0a]))).toEqual(NOT_UTF8);
  });

  it("sniffs binary data, legacy text and text from the start of a file", () => {
    const utf8 = Buffer.from("é".repeat(5000)); // 10 000 bytes: the sniff cuts a character
    expect(sniffText(utf8, utf8.length)).toBe("text");
    expect(sniffText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 9)).toBe(
      "binary",
    );
    expect(sniffText(Buffer.from([0xff, 0xfe, 0x61, 0]), 4)).toBe("text");
    // Valid UTF-8 in the sniff window says nothing about the rest: "text" as far as it shows.
    const late = Buffer.concat([Buffer.from("a".repeat(9000)), Buffer.from([0xe9])]);
    expect(sniffText(late, late.length)).toBe("text");
  });

  it("converts line breaks and counts lines", () => {
    expect(withEol("a\nb\r\nc", "\r\n")).toBe("a\r\nb\r\nc");
    expect(withEol("a\nb\r\nc", "\n")).toBe("a\nb\nc");
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb")]).toEqual([
      0, 1, 1, 2,
    ]);
  });
});
