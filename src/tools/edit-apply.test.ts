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
