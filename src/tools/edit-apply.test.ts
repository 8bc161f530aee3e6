import { readFile, writeFile } from "node:fs/promises";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyEdit,
  applyEdits,
  keepFinalNewline,
  lineNumbersAt,
  occurrences,
} from "./edit-apply.ts";
import { editTool } from "./edit.ts";
import { createFileToolsFixture, type FileToolsFixture } from "./file-tools-fixture.ts";
import { readTool } from "./read.ts";
import { detectEol, encodeText, withEol, type TextEncoding } from "./text-file.ts";

describe("edit-apply", () => {
  it("replaces the single occurrence", () => {
    expect(applyEdit("a b c", { old_string: "b", new_string: "B" }, "\n", "f")).toEqual({
      ok: true,
      text: "a B c",
      replacements: 1,
    });
  });

  it("matches and inserts with the file's CRLF line endings", () => {
    const outcome = applyEdit(
      "x\r\ny\r\nz\r\n",
      { old_string: "x\ny", new_string: "1\n2\n3" },
      "\r\n",
      "f",
    );
    expect(outcome).toEqual({ ok: true, text: "1\r\n2\r\n3\r\nz\r\n", replacements: 1 });
  });

  it("accepts CRLF from the model in an LF file", () => {
    const outcome = applyEdit(
      "x\ny\n",
      { old_string: "x\r\ny", new_string: "x\r\nq\r\ny" },
      "\n",
      "f",
    );
    expect(outcome).toEqual({ ok: true, text: "x\nq\ny\n", replacements: 1 });
  });

  it("counts non-overlapping occurrences from the left", () => {
    expect(occurrences("aaaa", "aa")).toEqual([0, 2]);
    expect(occurrences("aaa", "aa")).toEqual([0]);
    expect(occurrences("aaa", "aa", { overlapping: true })).toEqual([0, 1]);
    expect(
      applyEdit("aaaa", { old_string: "aa", new_string: "b", replace_all: true }, "\n", "f"),
    ).toMatchObject({
      text: "bb",
      replacements: 2,
    });
  });

  it("treats overlapping matches as ambiguous", () => {
    expect(applyEdit("aaa", { old_string: "aa", new_string: "b" }, "\n", "f")).toEqual({
      ok: false,
      message:
        "old_string appears 2 times in f (line 1); add surrounding lines to make it unique, or set replace_all to change every occurrence.",
    });
  });

  it("lists at most ten lines of many matches", () => {
    const text = "x\n".repeat(14);
    const outcome = applyEdit(text, { old_string: "x", new_string: "y" }, "\n", "f.txt");
    expect(outcome).toEqual({
      ok: false,
      message:
        "old_string appears 14 times in f.txt (lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and more); add surrounding lines to make it unique, or set replace_all to change every occurrence.",
    });
  });

  it("numbers lines of offsets", () => {
    expect(lineNumbersAt("a\nb\n\nc", [0, 2, 4, 5])).toEqual([1, 2, 3, 4]);
  });

  it("hints at quote-style differences", () => {
    const outcome = applyEdit(
      "say(“hi”)\n",
      { old_string: 'say("hi")', new_string: "x" },
      "\n",
      "f",
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.message).toContain(
      "would match if whitespace, line endings or quote styles",
    );
  });

  it("matches text written in the other Unicode normalization form, and answers in the file's form", () => {
    const decomposed = "const caf\u0065\u0301 = 'cre\u0300me';\n"; // é and è as letter + accent
    const outcome = applyEdit(
      decomposed,
      { old_string: "caf\u00e9 = 'cr\u00e8me'", new_string: "th\u00e9 = 'cr\u00e8me'" },
      "\n",
      "f",
    );
    expect(outcome).toEqual({
      ok: true,
      text: "const th\u0065\u0301 = 'cre\u0300me';\n",
      replacements: 1,
    });
    const composed = applyEdit(
      "x = 'caf\u00e9'\n",
      { old_string: "cafe\u0301", new_string: "t" },
      "\n",
      "f",
    );
    expect(composed).toEqual({ ok: true, text: "x = 't'\n", replacements: 1 });
  });

  it("does not let a match in the other normalization form split a character", () => {
    // ễ stored as e + circumflex + acute: "Nguyê" (composed) matches "Nguye\u0302" in NFD, but
    // the acute after it belongs to the same letter; replacing would leave "Trańn".
    const vietnamese = "x = 'Nguye\u0302\u0301n'\n";
    const split = applyEdit(
      vietnamese,
      { old_string: "Nguy\u00ea", new_string: "Tran" },
      "\n",
      "f",
    );
    expect(split).toEqual({
      ok: false,
      message:
        "old_string was not found in f as whole characters: where it matches, an accent or the rest of a Hangul syllable continues right after it (or it starts with one). Include the whole character, copied as Read shows it.",
    });
    // The whole word, composed, matches and is replaced in the file's (decomposed) form.
    const whole = applyEdit(
      vietnamese,
      { old_string: "Nguy\u1ebfn", new_string: "Tr\u1ea7n" },
      "\n",
      "f",
    );
    expect(whole).toEqual({
      ok: true,
      text: "x = 'Tr\u1ea7n'\n".normalize("NFD"),
      replacements: 1,
    });
    // Korean: "'사" in NFD is ' + ᄉ + ᅡ, the start of a decomposed 산 (ᄉ ᅡ ᆫ).
    const korean = "s = '\u1109\u1161\u11ab'\n";
    expect(applyEdit(korean, { old_string: "'\uc0ac", new_string: "'x" }, "\n", "f").ok).toBe(
      false,
    );
    expect(applyEdit(korean, { old_string: "'\uc0b0'", new_string: "'x'" }, "\n", "f")).toEqual({
      ok: true,
      text: "s = 'x'\n",
      replacements: 1,
    });
    // A match that starts with a combining mark is refused too (NFD of "\u0301x" stays so).
    expect(
      applyEdit("e\u0301\u0301x\n", { old_string: "\u00e9x", new_string: "y" }, "\n", "f"),
    ).toMatchObject({ ok: false });
  });

  it("lets an exact match address a lone letter or accent, as the model asked", () => {
    // Deleting a stray doubled accent: old_string is exactly what the file holds.
    expect(
      applyEdit(
        "cafe\u0301\u0301\n",
        { old_string: "\u0301\u0301", new_string: "\u0301" },
        "\n",
        "f",
      ),
    ).toEqual({ ok: true, text: "cafe\u0301\n", replacements: 1 });
    expect(applyEdit("ae\u0301\n", { old_string: "a", new_string: "b" }, "\n", "f")).toEqual({
      ok: true,
      text: "be\u0301\n",
      replacements: 1,
    });
  });

  it("counts matches in every normalization form for uniqueness and replace_all", () => {
    const text = "caf\u00e9\ncafe\u0301\n";
    expect(applyEdit(text, { old_string: "caf\u00e9", new_string: "th\u00e9" }, "\n", "f")).toEqual(
      {
        ok: false,
        message:
          "old_string appears 2 times in f (lines 1, 2); add surrounding lines to make it unique, or set replace_all to change every occurrence.",
      },
    );
    // Each occurrence gets new_string in its own form: line 1 composed, line 2 decomposed.
    expect(
      applyEdit(
        text,
        { old_string: "caf\u00e9", new_string: "th\u00e9", replace_all: true },
        "\n",
        "f",
      ),
    ).toEqual({ ok: true, text: "th\u00e9\nthe\u0301\n", replacements: 2 });
    // Same from the other side: old_string written decomposed.
    expect(
      applyEdit(text, { old_string: "cafe\u0301", new_string: "x", replace_all: true }, "\n", "f"),
    ).toEqual({ ok: true, text: "x\nx\n", replacements: 2 });
  });

  it("stops at the first failing edit and reports its index", () => {
    const outcome = applyEdits(
      "a\nb\n",
      [
        { old_string: "a", new_string: "A" },
        { old_string: "a", new_string: "x" },
      ],
      "\n",
      "f",
    );
    expect(outcome).toMatchObject({ ok: false, index: 1 });
  });

  it("keeps the final newline state", () => {
    expect(keepFinalNewline("a\n", "b", "\n")).toBe("b\n");
    expect(keepFinalNewline("a\r\n", "b", "\r\n")).toBe("b\r\n");
    expect(keepFinalNewline("a", "b\n", "\n")).toBe("b");
    expect(keepFinalNewline("a", "b\r\n", "\r\n")).toBe("b");
    expect(keepFinalNewline("a\n", "", "\n")).toBe("");
    expect(keepFinalNewline("", "new\n", "\n")).toBe("new\n");
  });
});

// Pieces of text a model might see; "\n" is the only line break in the model's view.
const token = fc.constantFrom(
  "a",
  "b",
  "ab",
  " ",
  "\t",
  "\n",
  "\n",
  "é",
  "😀",
  "日本",
  "{",
  "}",
  "x = 1;",
);
const textArb = fc.array(token, { maxLength: 30 });

/** A file's text in the model's view, a unique slice of it, and a replacement. */
const editCase = fc
  .record({
    tokens: textArb,
    replacement: fc.array(token, { minLength: 1, maxLength: 6 }),
    a: fc.nat(),
    b: fc.nat(),
  })
  .map(({ tokens, replacement, a, b }) => {
    const i = tokens.length === 0 ? 0 : a % tokens.length;
    const j = i + 1 + (tokens.length === 0 ? 0 : b % (tokens.length - i));
    const view = tokens.join("");
    const oldString = tokens.slice(i, j).join("");
    const newString = replacement.join("");
    const prefix = tokens.slice(0, i).join("");
    const after = prefix + newString + view.slice(prefix.length + oldString.length);
    return { view, oldString, newString, after };
  });

/** Cases where the edit and its reverse are both well defined. */
function reversible(
  c: { view: string; oldString: string; newString: string; after: string },
  eol: "\n" | "\r\n",
): boolean {
  return (
    c.oldString !== "" &&
    c.oldString !== c.newString &&
    occurrences(c.view, c.oldString, { overlapping: true }).length === 1 &&
    occurrences(c.after, c.newString, { overlapping: true }).length === 1 &&
    // A text without line breaks does not say which ending the file uses.
    (eol === "\n" || c.view.includes("\n")) &&
    (!c.view.includes("\n") || c.after.includes("\n"))
  );
}

describe("edit-apply properties", () => {
  it("an edit then its reverse restores the text exactly (LF and CRLF)", () => {
    fc.assert(
      fc.property(editCase, fc.constantFrom("\n" as const, "\r\n" as const), (c, eol) => {
        fc.pre(reversible(c, eol));
        const raw = withEol(c.view, eol);
        const forward = applyEdit(
          raw,
          { old_string: c.oldString, new_string: c.newString },
          detectEol(raw),
          "f",
        );
        expect(forward.ok).toBe(true);
        if (!forward.ok) return;
        expect(forward.text).toBe(withEol(c.after, eol));
        const back = applyEdit(
          forward.text,
          { old_string: c.newString, new_string: c.oldString },
          detectEol(forward.text),
          "f",
        );
        expect(back).toEqual({ ok: true, text: raw, replacements: 1 });
      }),
      { numRuns: 500 },
    );
  });
});

describe("edit tool properties", () => {
  let fx: FileToolsFixture;
  beforeAll(async () => {
    fx = await createFileToolsFixture();
  });
  afterAll(async () => {
    await fx.dispose();
  });

  it("editing a file then reverting the edit restores its bytes (CRLF, BOM, UTF-16 variants)", async () => {
    const format = fc.record({
      encoding: fc.constantFrom<TextEncoding>("utf8", "utf16le"),
      bom: fc.boolean(),
      eol: fc.constantFrom("\n" as const, "\r\n" as const),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(editCase, format, async (c, f) => {
        fc.pre(reversible(c, f.eol));
        // Keep the final newline as it was: Edit deliberately preserves it, which an edit at the
        // very end that adds or drops it would otherwise undo.
        fc.pre(c.view.endsWith("\n") === c.after.endsWith("\n"));
        const bom = f.encoding === "utf16le" ? true : f.bom;
        const bytes = encodeText(withEol(c.view, f.eol), { ...f, bom });
        const name = `case-${n++}.txt`;
        await writeFile(fx.path(name), bytes);
        expect((await fx.call(readTool, { file_path: name })).isError).toBeFalsy();

        const forward = await fx.call(editTool, {
          file_path: name,
          old_string: c.oldString,
          new_string: c.newString,
        });
        expect(forward.isError).toBeFalsy();
        expect(await readFile(fx.path(name))).toEqual(
          encodeText(withEol(c.after, f.eol), { ...f, bom }),
        );
        const back = await fx.call(editTool, {
          file_path: name,
          old_string: c.newString,
          new_string: c.oldString,
        });
        expect(back.isError).toBeFalsy();
        expect(await readFile(fx.path(name))).toEqual(bytes);
      }),
      { numRuns: 150 },
    );
  });
});
