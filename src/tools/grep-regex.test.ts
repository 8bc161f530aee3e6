import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { translateRustRegex } from "./grep-regex.ts";

const line = (pattern: string, caseInsensitive = false): RegExp => {
  const translated = translateRustRegex(pattern, { caseInsensitive, multiline: false });
  if (!translated.ok) throw new Error(translated.message);
  return translated.line;
};

const multiline = (pattern: string): RegExp => {
  const translated = translateRustRegex(pattern, { caseInsensitive: false, multiline: true });
  if (!translated.ok) throw new Error(translated.message);
  return translated.whole;
};

const error = (pattern: string, isMultiline = false): string => {
  const translated = translateRustRegex(pattern, {
    caseInsensitive: false,
    multiline: isMultiline,
  });
  return translated.ok ? "(no error)" : translated.message;
};

/** Rust's regex::escape: a backslash before every meta character. */
const rustEscape = (text: string): string => text.replace(/[\\.+*?()|[\]{}^$#&\-~]/g, "\\$&");

describe("translateRustRegex", () => {
  test("an escaped literal matches exactly itself", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\n")),
        (text) => {
          const regex = new RegExp(`^(?:${line(rustEscape(text)).source})$`, "su");
          expect(regex.test(text)).toBe(true);
        },
      ),
    );
  });

  test("\\w, \\d, \\s and \\b are Unicode-aware, as in Rust", () => {
    expect(line("^\\w+$").test("naïve_café")).toBe(true);
    expect(line("^\\d+$").test("١٢٣")).toBe(true);
    expect(line("\\s").test("\u2003")).toBe(true);
    expect(line("\\bcafé\\b").test("un café noir")).toBe(true);
    expect(line("\\bcaf\\b").test("café")).toBe(false);
  });

  test("Rust-only syntax is translated", () => {
    expect(line("(?P<word>ab)c").test("abc")).toBe(true);
    expect(line("[[:upper:]][[:digit:]]").test("A1")).toBe(true);
    expect(line("\\x{1F680}").test("🚀")).toBe(true);
    expect(line("\\p{Greek}+").test("αβγ")).toBe(true);
    expect(line("[]a]+").test("]]a")).toBe(true);
    expect(line("a\\-b\\#c").test("a-b#c")).toBe(true);
    expect(line("x**").test("y")).toBe(true);
    expect(line("(?x) a b # spaced out").test("ab")).toBe(true);
  });

  test("inline and option flags set case-insensitivity", () => {
    expect(line("(?i)école").test("ÉCOLE")).toBe(true);
    expect(line("x(?i)Y").test("xy")).toBe(true);
    expect(line("x(?i)Y").test("Xy")).toBe(false);
    expect(line("école", true).test("ÉCOLE")).toBe(true);
  });

  test("multiline: ^ and $ anchor at \\n only, and . crosses lines", () => {
    expect(multiline("^b$").exec("a\nb")?.index).toBe(2);
    expect(multiline("a$").test("a\r\n")).toBe(false);
    expect(multiline("a.b").test("a\nb")).toBe(true);
  });

  test("rejects what ripgrep rejects", () => {
    expect(error("a\\nb")).toMatch(/not allowed.*multiline/);
    expect(error("a\\nb", true)).toBe("(no error)");
    expect(error("(?<=a)b")).toMatch(/look-around/);
    expect(error("(a)\\1")).toMatch(/backreferences/);
    expect(error("(a")).toMatch(/Unterminated group/);
    expect(error("[[:nope:]]")).toMatch(/character class/);
  });

  test("accepts a newline inside a class, as ripgrep does, and still refuses one outside", () => {
    expect(line("[^\\n]+x$").test("abc x")).toBe(true);
    expect(line("[a\\n]b").test("ab")).toBe(true);
    expect(error("a\\nb")).toMatch(/not allowed.*multiline/);
    expect(error("a\\\\nb")).toBe("(no error)"); // an escaped backslash, then "n"
  });

  test("\\A and \\z anchor at each line outside multiline mode, as rg matches line by line", () => {
    const translated = translateRustRegex("\\Aend\\z", {
      caseInsensitive: false,
      multiline: false,
    });
    if (!translated.ok) throw new Error(translated.message);
    expect(translated.line.test("end")).toBe(true);
    expect(translated.line.test("the end")).toBe(false);
    // The whole-file pre-test must not reject a file where the line is not the first.
    expect(translated.whole.test("first\nend\n")).toBe(true);
    expect(multiline("\\Aend").test("first\nend")).toBe(false);
  });

  test("(?i) in the middle of a group holds across | to the group's end, as in Rust", () => {
    expect(line("zzz(?i)q|needle").test("NEEDLE")).toBe(true);
    expect(line("(a(?i)b|c)d").test("Cd")).toBe(true);
    expect(line("(a(?i)b|c)d").test("CD")).toBe(false);
    expect(line("x(?i)y|z").test("xY")).toBe(true);
  });

  test("class set operations are refused rather than read as plain characters", () => {
    expect(error("[\\w&&\\d]")).toMatch(/set operations \("&&"\)/);
    expect(error("[a-c--b]")).toMatch(/set operations \("--"\)/);
    expect(error("[a~~b]")).toMatch(/set operations \("~~"\)/);
    expect(line("[a\\-\\-]").test("-")).toBe(true);
  });

  test("a negated POSIX class on its own and \\D in a class are translated", () => {
    expect(line("^[[:^alpha:]]+$").test("12 !")).toBe(true);
    expect(line("^[[:^alpha:]]+$").test("12a")).toBe(false);
    expect(line("^[^[:^digit:]]+$").test("123")).toBe(true);
    // Rust's \D is "not a Unicode digit": an Arabic-Indic digit is a digit.
    expect(line("^[\\D]$").test("\u0663")).toBe(false);
    expect(line("^[\\D]$").test("x")).toBe(true);
  });
});
