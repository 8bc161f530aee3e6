import { describe, expect, it } from "vitest";
import { codeSpans, findImportRefs } from "./import-refs.ts";
import { markdownLines } from "./markdown-lines.ts";

const refs = (text: string) => findImportRefs(markdownLines(text)).map((r) => r.spec);

describe("import references", () => {
  it("are @ tokens at a line start or after whitespace, without sentence punctuation", () => {
    expect(refs("@a.md\nsee @b/c.md, then (@d.md) and @e.md.\n\t@~/f.md")).toEqual([
      "a.md",
      "b/c.md",
      "e.md",
      "~/f.md",
    ]);
  });

  it("are not email addresses, URLs, decorators of code or lone @", () => {
    expect(refs("mail a@b.c | @ | @@x | @https://x.y/z")).toEqual([]);
  });

  it("are not inside code spans or fenced blocks", () => {
    expect(
      refs("`@a.md` ``x @b.md`` @c.md\n```sh\n@d.md\n```\n   ~~~~\n@e.md\n~~~~\n@f.md"),
    ).toEqual(["c.md", "f.md"]);
  });

  it("keep a fence open until a closing fence at least as long", () => {
    expect(refs("````\n```\n@a.md\n````\n@b.md")).toEqual(["b.md"]);
  });
});

describe("code spans", () => {
  it("pair runs of equal length and leave unmatched runs as text", () => {
    expect(codeSpans("a `b` c ``d ` e`` f ` g")).toEqual([
      [2, 5],
      [8, 17],
    ]);
  });
});
