import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyHunks } from "./patch-apply.ts";
import { parsePatch, type Hunk } from "./patch-parse.ts";

/** The hunks of a one-file update patch whose body is `body` (lines after the Update header). */
function hunks(...body: string[]): Hunk[] {
  const parsed = parsePatch(
    ["*** Begin Patch", "*** Update File: f", ...body, "*** End Patch"].join("\n"),
  );
  if (!parsed.ok) throw new Error(parsed.error);
  const [op] = parsed.operations;
  if (op?.type !== "update") throw new Error("expected an update");
  return op.hunks;
}

function apply(text: string, ...body: string[]): string {
  const result = applyHunks(text, hunks(...body), text.includes("\r\n") ? "\r\n" : "\n");
  if (!result.ok) throw new Error(`hunk ${result.hunk + 1}: ${result.reason}`);
  return result.text;
}

function reason(text: string, ...body: string[]): string {
  const result = applyHunks(text, hunks(...body), "\n");
  if (result.ok) throw new Error("expected the hunks not to apply");
  return `hunk ${result.hunk + 1}: ${result.reason}`;
}

const FILE = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].join("\n") + "\n";

describe("patch-apply", () => {
  it("applies several hunks in order", () => {
    expect(apply(FILE, "@@", " a", "-b", "+B", " c", "@@", " h", "-i", "+I1", "+I2", " j")).toBe(
      "a\nB\nc\nd\ne\nf\ng\nh\nI1\nI2\nj\n",
    );
  });

  it("searches each hunk after the previous one, so a repeated line is told apart by order", () => {
    const text = "x = 1\nsep\nx = 1\n";
    expect(apply(text, "@@", " sep", "-x = 1", "+x = 2")).toBe("x = 1\nsep\nx = 2\n");
    expect(apply(text, "@@", "-x = 1", "+x = 0", " sep", "@@", "-x = 1", "+x = 2")).toBe(
      "x = 0\nsep\nx = 2\n",
    );
  });

  it("uses @@ headers to pick the enclosing block, stacked from outer to inner", () => {
    const text = [
      "class A:",
      "    def run(self):",
      "        return 1",
      "class B:",
      "    def run(self):",
      "        return 1",
      "",
    ].join("\n");
    expect(
      apply(text, "@@ class B:", "@@     def run(self):", "-        return 1", "+        return 2"),
    ).toBe(text.replace(/return 1\n$/, "return 2\n"));
    // An anchor may be the start of the line (the signature without its colon or arguments).
    expect(apply(text, "@@ class B", "-        return 1", "+        return 3")).toBe(
      text.replace(/return 1\n$/, "return 3\n"),
    );
  });

  it("refuses a context found more than once, naming the lines", () => {
    const text = "x = 1\ny\nx = 1\n";
    expect(reason(text, "@@", "-x = 1", "+x = 2")).toBe(
      'hunk 1: The hunk\'s context was found 2 times (at lines 1, 3). Add context lines or an "@@ enclosing line" header so it matches once.',
    );
  });

  it("says where a context diverges from the file", () => {
    expect(reason(FILE, "@@", " c", " d", "-x", "+y")).toMatch(
      /^hunk 1: The hunk's context was not found\. The closest match starts at line 3, but hunk line 3 "x" differs from line 5: "e"\./,
    );
    expect(reason(FILE, "@@", "-zzz", "+y")).toMatch(/Its first line "zzz" does not occur there/);
  });

  it("reports a hunk that matches only before the previous one (hunks out of order)", () => {
    expect(reason(FILE, "@@", "-h", "+H", "@@", "-b", "+B")).toMatch(
      /^hunk 2: The hunk's context was not found after line 8\. It matches at line 2, before where this hunk is searched/,
    );
  });

  it("matches ignoring trailing whitespace, then surrounding whitespace, keeping the file's context lines", () => {
    const text = "if x:  \n\tdo()\nend\n";
    expect(apply(text, "@@", " if x:", "-\tdo()", "+\tdo(1)")).toBe("if x:  \n\tdo(1)\nend\n");
    expect(apply(text, "@@", "   if x:", "-    do()", "+\tdo(2)", "  end")).toBe(
      "if x:  \n\tdo(2)\nend\n",
    );
  });

  it("prefers an exact match over a whitespace-fuzzy one", () => {
    const text = "  v\nv\n";
    expect(apply(text, "@@", "-v", "+w")).toBe("  v\nw\n");
  });

  it("never matches content that differs beyond whitespace", () => {
    expect(reason("let a = 1;\n", "@@", "-let a = 1", "+let a = 2;")).toMatch(/not found/);
    expect(reason("Hello\n", "@@", "-hello", "+bye")).toMatch(/not found/);
  });

  it("keeps CRLF line endings, and gives added lines the file's ending", () => {
    const text = "one\r\ntwo\r\nthree\r\n";
    expect(apply(text, "@@", " one", "-two", "+2", "+2.5", " three")).toBe(
      "one\r\n2\r\n2.5\r\nthree\r\n",
    );
  });

  it("keeps the endings of untouched lines in a file with mixed endings; added lines get the dominant one", () => {
    expect(apply("a\r\nb\nc\r\nd\r\n", "@@", " c", "-d", "+D")).toBe("a\r\nb\nc\r\nD\r\n");
  });

  it("keeps a missing final newline, and the final newline of a file that has one", () => {
    expect(apply("a\nb", "@@", " a", "-b", "+c")).toBe("a\nc");
    expect(apply("a\nb", "@@", " b", "+c", "*** End of File")).toBe("a\nb\nc");
    expect(apply("a\nb\n", "@@", " b", "+c", "*** End of File")).toBe("a\nb\nc\n");
  });

  it("anchors an End of File hunk at the end, even when its context also occurs earlier", () => {
    const text = "}\nmiddle\n}\n";
    expect(apply(text, "@@", " }", "+// end", "*** End of File")).toBe("}\nmiddle\n}\n// end\n");
    expect(reason("end\nmore\n", "@@", "-end", "+END", "*** End of File")).toMatch(
      /marked "\*\*\* End of File", but its old lines are not the last lines of the file\. They match at line 1/,
    );
  });

  it("inserts a hunk without old lines after its anchor, or at the end of the file", () => {
    expect(apply("def f():\n    pass\n", "@@ def f():", "+    '''doc'''")).toBe(
      "def f():\n    '''doc'''\n    pass\n",
    );
    expect(apply("a\n", "@@", "+b")).toBe("a\nb\n");
    expect(apply("", "@@", "+first")).toBe("first\n");
  });

  it("can delete every line", () => {
    expect(apply("a\nb\n", "@@", "-a", "-b")).toBe("");
  });

  it("says which @@ header was not found", () => {
    expect(reason(FILE, "@@ def missing", "-a", "+A")).toMatch(
      /^hunk 1: The "@@ def missing" line was not found\./,
    );
  });

  it("property: a single-hunk patch built from a change gives the changed text", () => {
    const line = fc.stringMatching(/^[a-z ]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        fc.array(line, { maxLength: 4 }),
        fc.boolean(),
        fc.constantFrom("\n", "\r\n"),
        (lines, startSeed, countSeed, replacement, finalNewline, eol) => {
          // Without a final newline, a last empty line cannot be told from a final newline.
          fc.pre(finalNewline || lines.at(-1) !== "");
          const start = startSeed % lines.length;
          const removed = Math.min(countSeed % 4, lines.length - start);
          // Context: up to 3 lines around the change, widened until the hunk's old lines occur
          // exactly once (at the strictest level that finds them), as a model would do.
          let before = Math.min(3, start);
          let after = Math.min(3, lines.length - start - removed);
          const oldOf = () => lines.slice(start - before, start + removed + after);
          while (
            !uniqueAt(lines, oldOf(), start - before) &&
            (before < start || after < lines.length - start - removed)
          ) {
            if (before < start) before++;
            if (after < lines.length - start - removed) after++;
          }
          fc.pre(uniqueAt(lines, oldOf(), start - before) && oldOf().length > 0);
          const hunkLines = [
            ...lines.slice(start - before, start).map((text) => ` ${text}`),
            ...lines.slice(start, start + removed).map((text) => `-${text}`),
            ...replacement.map((text) => `+${text}`),
            ...lines.slice(start + removed, start + removed + after).map((text) => ` ${text}`),
          ];
          const join = (parts: string[]) =>
            parts.length === 0 ? "" : parts.join(eol) + (finalNewline ? eol : "");
          const text = join(lines);
          const expected = join([
            ...lines.slice(0, start),
            ...replacement,
            ...lines.slice(start + removed),
          ]);
          const result = applyHunks(text, hunks("@@", ...hunkLines), eol);
          expect(result).toEqual({ ok: true, text: expected });
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Whether `old` occurs in `lines` only at `at`, judged at the strictest whitespace level with a match. */
function uniqueAt(lines: string[], old: string[], at: number): boolean {
  for (const normalise of [(s: string) => s, (s: string) => s.trimEnd(), (s: string) => s.trim()]) {
    const target = old.map(normalise);
    const starts: number[] = [];
    for (let start = 0; start + old.length <= lines.length; start++) {
      if (target.every((line, offset) => normalise(lines[start + offset] ?? "") === line))
        starts.push(start);
    }
    if (starts.length > 0) return starts.length === 1 && starts[0] === at;
  }
  return false;
}
