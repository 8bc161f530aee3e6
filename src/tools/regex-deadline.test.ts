import { describe, expect, it } from "vitest";
import { filterLinesWithin } from "./regex-deadline.ts";

describe("filterLinesWithin", () => {
  it("filters lines with an ordinary pattern", () => {
    expect(filterLinesWithin(["error: x", "ok", "ERROR y"], /error/i, 1000)).toEqual([
      "error: x",
      "ERROR y",
    ]);
  });

  it("gives up on catastrophic backtracking instead of hanging", () => {
    const started = performance.now();
    expect(filterLinesWithin([`${"a".repeat(40)}b`], /(a+)+$/, 100)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
