import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeText,
  detectEol,
  encodeText,
  lineCount,
  looksBinary,
  unencodable,
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
      reason: "it is not valid UTF-8 text",
    });
    expect(decodeText(Buffer.from([0x63, 0xe9, 0, 0x0a]))).toMatchObject({ ok: false });
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x41]))).toMatchObject({ ok: false });
    expect(decodeText(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).toEqual({
      ok: false,
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

  it("decodes 8-bit text that is not UTF-8 as Windows-1252, and every such byte round-trips", () => {
    expect(decodeText(Buffer.from([0x63, 0xe9, 0x20, 0x80, 0x93, 0x81, 0x0d, 0x0a]))).toEqual({
      ok: true,
      text: "cé €“\u0081\r\n",
      format: { encoding: "windows1252", bom: false, eol: "\r\n" },
    });
    const everyHighByte = Buffer.from(Array.from({ length: 128 }, (_, i) => 0x80 + i));
    const decoded = decodeText(everyHighByte);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(encodeText(decoded.text, decoded.format)).toEqual(everyHighByte);
    expect(unencodable("naïve — “ok” ½", decoded.format)).toBeUndefined();
    expect(unencodable("a\u0080b😀", decoded.format)).toBe("\u0080");
    expect(unencodable("😀", { ...decoded.format, encoding: "utf8" })).toBeUndefined();
    expect(() => encodeText("Ω", decoded.format)).toThrow(/not in Windows-1252/);
  });

  it("converts line breaks and counts lines", () => {
    expect(withEol("a\nb\r\nc", "\r\n")).toBe("a\r\nb\r\nc");
    expect(withEol("a\nb\r\nc", "\n")).toBe("a\nb\nc");
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb")]).toEqual([
      0, 1, 1, 2,
    ]);
  });
});
