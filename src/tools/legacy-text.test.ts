import { describe, expect, it } from "vitest";
import { decodeWindows1252, hasUtf8Sequence } from "./legacy-text.ts";

describe("legacy-text", () => {
  it("finds a multi-byte UTF-8 character wherever it sits, also in an unaligned slice", () => {
    const euro = [0xe2, 0x82, 0xac];
    for (let offset = 0; offset < 9; offset++) {
      const bytes = Buffer.from([...Buffer.alloc(offset + 37, 0x61), 0xe9, ...euro, 0x0a]);
      for (let start = 0; start < 4; start++) {
        expect(hasUtf8Sequence(bytes.subarray(start))).toBe(true);
      }
      // Latin-1 letters alone, and a lead byte cut off at the end: no UTF-8 character.
      const latin = Buffer.from([...Buffer.alloc(offset + 37, 0x61), 0xe9, 0x20, 0xef, 0xe2, 0x82]);
      for (let start = 0; start < 4; start++) {
        expect(hasUtf8Sequence(latin.subarray(start))).toBe(false);
      }
    }
    expect(hasUtf8Sequence(Buffer.from([0xf0, 0x9f, 0x98, 0x80]))).toBe(true);
    expect(hasUtf8Sequence(Buffer.from([0xc0, 0x80, 0xf5, 0x80, 0x80, 0x80]))).toBe(false);
  });

  it("shows bytes as Windows-1252, 0x80-0x9F included", () => {
    const bytes = Buffer.from([0x63, 0xe9, 0x20, 0x80, 0x93, 0x81, 0x94, 0x9f]);
    expect(decodeWindows1252(bytes)).toBe("cé €“\u0081”Ÿ");
    expect(decodeWindows1252(bytes, 1, 4)).toBe("é €");
  });
});
