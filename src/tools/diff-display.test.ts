import { applyPatch } from "diff";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffTexts } from "./diff-display.ts";

const numbered = (count: number) =>
  Array.from({ length: count }, (_, i) => `line ${i + 1}`).join("\n") + "\n";

describe("diff-display", () => {
  it("gives an empty diff and no ranges for identical texts", () => {
    const { display, ranges } = diffTexts("a", "x\n", "x\n");
    expect(display).toMatchObject({ unifiedDiff: "", added: 0, removed: 0 });
    expect(ranges).toEqual([]);
  });

  it("numbers hunks by their place in the whole file", () => {
    const before = numbered(1000);
    const after = before.replace("line 500\n", "line five hundred\n");
    const { display, ranges } = diffTexts("big.txt", before, after);
    expect(display.unifiedDiff).toBe(
      "--- big.txt\n+++ big.txt\n@@ -497,7 +497,7 @@\n line 497\n line 498\n line 499\n-line 500\n+line five hundred\n line 501\n line 502\n line 503\n",
    );
    expect(ranges).toEqual([{ start: 497, end: 503 }]);
  });

  it("compares CRLF text as LF", () => {
    const { display } = diffTexts("a", "a\r\nb\r\n", "a\r\nc\r\n");
    expect(display.unifiedDiff).toBe("--- a\n+++ a\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
  });

  it("marks a created file against /dev/null", () => {
    const { display } = diffTexts("n.txt", "", "x\n", { created: true });
    expect(display.unifiedDiff).toBe("--- /dev/null\n+++ n.txt\n@@ -0,0 +1,1 @@\n+x\n");
  });

  it("shows a rewrite too large to diff line by line as one valid hunk", () => {
    const before = `keep\n${numbered(60_000)}tail`;
    const after = `keep\n${numbered(60_000).replace(/line/g, "row")}tail`;
    const started = performance.now();
    const { display } = diffTexts("f", before, after);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(display).toMatchObject({ added: 60_000, removed: 60_000, truncated: true });
    const [small, smallAfter] = ["x\n".repeat(10) + "a\nb\nc", "x\n".repeat(10) + "A\nb\nC\nd"];
    const whole = diffTexts("f", small, smallAfter, { lineDiffLimit: 0 });
    expect(whole.display.unifiedDiff).toContain(
      "@@ -8,6 +8,7 @@\n x\n x\n x\n-a\n-b\n-c\n\\ No newline",
    );
    expect(applyPatch(small, whole.display.unifiedDiff)).toBe(smallAfter);
    expect(whole.ranges).toEqual([{ start: 8, end: 14 }]);
  });

  it("produces a patch that turns the old text into the new one", () => {
    const line = fc.constantFrom("a", "b", "c", "", "  x", "y;");
    const text = fc
      .tuple(fc.array(line, { maxLength: 40 }), fc.boolean())
      .map(([lines, finalNewline]) =>
        lines.length === 0 ? "" : lines.join("\n") + (finalNewline ? "\n" : ""),
      );
    fc.assert(
      fc.property(
        text,
        text,
        fc.boolean(),
        fc.boolean(),
        (middleBefore, middleAfter, padded, whole) => {
          // Padding beyond a few KB on both sides exercises the chunked prefix/suffix comparison.
          const pad = padded ? numbered(700) : "";
          const before = pad + middleBefore + (padded && middleBefore !== "" ? "\n" : "") + pad;
          const after = pad + middleAfter + (padded && middleAfter !== "" ? "\n" : "") + pad;
          const { display, ranges } = diffTexts("f", before, after, {
            lineDiffLimit: whole ? 0 : undefined,
          });
          if (before === after) {
            expect(display.unifiedDiff).toBe("");
            return;
          }
          expect(applyPatch(before, display.unifiedDiff)).toBe(after);
          const lineCount =
            after === "" ? 0 : after.split("\n").length - (after.endsWith("\n") ? 1 : 0);
          for (const range of ranges) {
            expect(range.start).toBeGreaterThanOrEqual(1);
            expect(range.end).toBeLessThanOrEqual(lineCount);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
