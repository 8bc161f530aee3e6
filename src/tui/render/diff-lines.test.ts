import { describe, expect, it } from "vitest";
import { diffToLines, type DiffDisplay } from "./diff-lines.ts";
import { lineText } from "./segments.ts";

const diff = (unifiedDiff: string, truncated = false): DiffDisplay => ({
  type: "diff",
  path: "a.ts",
  unifiedDiff,
  added: 1,
  removed: 1,
  truncated,
});

describe("diff-lines", () => {
  it("colours additions, removals and hunk headers, and dims file headers", () => {
    const lines = diffToLines(
      diff("--- a.ts\n+++ a.ts\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n---x\n"),
      {
        width: 40,
      },
    );
    const style = (index: number) => lines[index]?.segments[0]?.style;
    expect(lines.map(lineText)).toEqual([
      "  --- a.ts",
      "  +++ a.ts",
      "  @@ -1,2 +1,2 @@",
      "   keep",
      "  -old",
      "  +new",
      "  ---x",
    ]);
    expect(style(0)).toEqual({ dim: true });
    expect(style(2)).toEqual({ color: "cyan" });
    expect(style(3)).toBeUndefined();
    expect(style(4)).toEqual({ color: "red" });
    expect(style(5)).toEqual({ color: "green" });
    // Inside a hunk "---x" is a removed line, not a header.
    expect(style(6)).toEqual({ color: "red" });
  });

  it("cuts a long diff to about 40 rows and says how many lines were left out", () => {
    const body = Array.from({ length: 100 }, (_, i) => `+line ${i}`).join("\n");
    const lines = diffToLines(diff(`@@ -0,0 +1,100 @@\n${body}`), { width: 40 });
    expect(lines).toHaveLength(40);
    expect(lineText(lines[39] ?? { prefix: [], segments: [] })).toBe("  … 62 more lines");
  });

  it("shows a diff of exactly 40 lines whole", () => {
    const body = Array.from({ length: 39 }, (_, i) => `+l${i}`).join("\n");
    const lines = diffToLines(diff(`@@ -0,0 +1,39 @@\n${body}`), { width: 40 });
    expect(lines).toHaveLength(40);
    expect(lines.map(lineText).join("\n")).not.toContain("more line");
  });

  it("counts wrapped rows against the limit and says when the tool cut the diff", () => {
    const body = Array.from({ length: 30 }, () => "+" + "x".repeat(50)).join("\n");
    const lines = diffToLines(diff(`@@ -0,0 +1,30 @@\n${body}`, true), { width: 40 });
    // The @@ line, 19 lines of two rows each and the note: 40 rows.
    expect(lines).toHaveLength(40);
    expect(lineText(lines.at(-1) ?? { prefix: [], segments: [] })).toMatch(
      /^  … 11 more lines \(diff cut short\)$/,
    );
  });
});
