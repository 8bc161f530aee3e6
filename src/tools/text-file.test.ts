import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeText,
  detectEol,
  encodeText,
  lineCount,
  looksBinary,
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
    expect(decodeText(Buffer.from([0x63, 0xe9, 0x0a]))).toEqual({
      ok: false,
      reason: "it is not valid UTF-8 text",
    });
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
    expect(looksBinary(cut, false)).toBe(true);
    expect(looksBinary(Buffer.from([0x63, 0xe9, 0x63]), true)).toBe(true);
  });

  it("converts line breaks and counts lines", () => {
    expect(withEol("a\nb\r\nc", "\r\n")).toBe("a\r\nb\r\nc");
    expect(withEol("a\nb\r\nc", "\n")).toBe("a\nb\nc");
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb")]).toEqual([
      0, 1, 1, 2,
    ]);
  });
});
