import { describe, expect, it } from "vitest";
import { decodePage } from "./page-charset.ts";

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Buffer.concat(parts.map((part) => Buffer.from(typeof part === "string" ? part : part)));

describe("decodePage", () => {
  it("decodes in the charset Content-Type names", () => {
    expect(decodePage(bytes("caf", [0xe9]), "text/plain; charset=iso-8859-1", false)).toBe("café");
  });

  it("decodes HTML in the charset its meta tag declares when the header names none", () => {
    const page = bytes('<meta charset="iso-8859-2"><p>', [0xb1], "</p>");
    expect(decodePage(page, "text/html", true)).toBe('<meta charset="iso-8859-2"><p>ą</p>');
    // Only HTML is searched for a meta tag.
    expect(decodePage(page, "text/plain", false)).toContain("<p>\ufffd</p>");
  });

  it("reads a meta charset of UTF-16 as UTF-8, as browsers do, since its tags were ASCII", () => {
    for (const label of ["utf-16", "UTF-16LE", "utf-16be", "unicode"]) {
      const page = bytes(`<meta charset="${label}"><p>cr`, [0xc3, 0xa8], "me</p>");
      expect(decodePage(page, "text/html", true)).toBe(`<meta charset="${label}"><p>crème</p>`);
    }
  });

  it("reads a meta charset of x-user-defined as windows-1252", () => {
    const page = bytes('<meta charset="x-user-defined"><p>', [0x93, 0x71, 0x94, 0xe9], "</p>");
    expect(decodePage(page, "text/html", true)).toBe(
      '<meta charset="x-user-defined"><p>\u201cq\u201dé</p>',
    );
  });

  it("decodes windows-1252's quotes, dashes and euro sign, not C1 controls", () => {
    const text = bytes([0x80, 0x20, 0x91, 0x61, 0x92, 0x20, 0x96, 0x20, 0x97, 0x20, 0x85, 0x81]);
    const expected = "\u20ac \u2018a\u2019 \u2013 \u2014 \u2026\u0081";
    for (const charset of ["windows-1252", "iso-8859-1", "latin1", "us-ascii"]) {
      expect(decodePage(text, `text/plain; charset=${charset}`, false)).toBe(expected);
    }
  });

  it("lets a byte order mark win over the header and the meta tag", () => {
    const utf16 = Buffer.from("\ufeff<p>ü</p>", "utf16le");
    expect(decodePage(utf16, "text/html; charset=iso-8859-1", true)).toBe("<p>ü</p>");
    const utf8 = bytes([0xef, 0xbb, 0xbf], '<meta charset="iso-8859-1">', [0xc3, 0xbc]);
    expect(decodePage(utf8, "text/html", true)).toBe('<meta charset="iso-8859-1">ü');
  });

  it("falls back to UTF-8 for an unknown charset", () => {
    expect(decodePage(bytes([0xc3, 0xbc]), "text/plain; charset=klingon", false)).toBe("ü");
  });
});
