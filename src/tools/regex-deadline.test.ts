import { describe, expect, it } from "vitest";
import { createDeadlineRunner, filterLinesWithin } from "./regex-deadline.ts";

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

describe("createDeadlineRunner", () => {
  it("returns what the task returns, as an object of this realm", () => {
    const runWithin = createDeadlineRunner();
    const result = runWithin(() => ["a", "b"].map((s) => s.toUpperCase()), 1000);
    expect(result).toEqual({ type: "done", value: ["A", "B"] });
    expect(result.type === "done" && result.value instanceof Array).toBe(true);
  });

  it("stops a task stuck in the regex engine, and runs the next task normally", () => {
    const runWithin = createDeadlineRunner();
    const started = performance.now();
    const stuck = runWithin(() => /(a+)+$/.test(`${"a".repeat(40)}b`), 100);
    expect(stuck).toEqual({ type: "timed out" });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(runWithin(() => /(a+)+$/.test("aaa"), 1000)).toEqual({ type: "done", value: true });
  });

  it("passes on an error the task throws", () => {
    const runWithin = createDeadlineRunner();
    expect(() =>
      runWithin(() => {
        throw new TypeError("broken");
      }, 1000),
    ).toThrow("broken");
  });
});
