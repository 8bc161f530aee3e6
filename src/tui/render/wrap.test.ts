import { describe, expect, it } from "vitest";
import { segmentsText, type Segment } from "./segments.ts";
import { truncateSegments, wrapColumns, wrapWords } from "./wrap.ts";

const rows = (result: Segment[][]) => result.map(segmentsText);

describe("wrap", () => {
  it("word-wraps prose and drops the spaces it breaks at", () => {
    expect(rows(wrapWords([{ text: "the quick brown fox jumps" }], 10))).toEqual([
      "the quick",
      "brown fox",
      "jumps",
    ]);
  });

  it("keeps styles across rows and treats styled runs without spaces as one word", () => {
    const bold = { bold: true };
    const result = wrapWords(
      [{ text: "see " }, { text: "this", style: bold }, { text: ", ok then" }],
      8,
    );
    expect(rows(result)).toEqual(["see", "this, ok", "then"]);
    expect(result[1]?.[0]).toEqual({ text: "this", style: bold });
  });

  it("splits a word longer than a row", () => {
    expect(rows(wrapWords([{ text: "ab https://example.com/x" }], 8))).toEqual([
      "ab",
      "https://",
      "example.",
      "com/x",
    ]);
  });

  it("keeps indentation at the start of the text", () => {
    expect(rows(wrapWords([{ text: "  indented words" }], 40))).toEqual(["  indented words"]);
  });

  it("wraps code at the column, keeping every space", () => {
    expect(rows(wrapColumns([{ text: "a  b  c  d" }], 4))).toEqual(["a  b", "  c ", " d"]);
    expect(rows(wrapColumns([], 4))).toEqual([""]);
  });

  it("truncates a row with an ellipsis inside the width", () => {
    const cut = truncateSegments([{ text: "abc" }, { text: "defgh", style: { bold: true } }], 6);
    expect(segmentsText(cut)).toBe("abcde…");
    expect(cut[1]?.style).toEqual({ bold: true });
    expect(truncateSegments([{ text: "abc" }], 3)).toEqual([{ text: "abc" }]);
  });
});
