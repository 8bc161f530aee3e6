import { describe, expect, it } from "vitest";
import { compileMatcher } from "./matcher.ts";

describe("hook matchers", () => {
  it("match everything when omitted, empty or *", () => {
    for (const pattern of [undefined, "", "*", " * "]) {
      expect(compileMatcher(pattern).test("Bash")).toBe(true);
      expect(compileMatcher(pattern).test("mcp__x__y")).toBe(true);
    }
  });

  it("treat a plain name as exact and case-sensitive", () => {
    const m = compileMatcher("Write");
    expect(m.test("Write")).toBe(true);
    expect(m.test("write")).toBe(false);
    expect(m.test("NotebookWrite")).toBe(false);
  });

  it("treat A|B as a list of exact names", () => {
    const m = compileMatcher("Edit|Write");
    expect(m.test("Edit")).toBe(true);
    expect(m.test("Write")).toBe(true);
    expect(m.test("MultiEdit")).toBe(false);
  });

  it("treat anything else as an unanchored regex", () => {
    const m = compileMatcher("Edit.*");
    expect(m.test("Edit")).toBe(true);
    expect(m.test("NotebookEdit")).toBe(true);
    expect(m.test("Write")).toBe(false);
    const mcp = compileMatcher("mcp__.*");
    expect(mcp.test("mcp__memory__create")).toBe(true);
    expect(mcp.test("Bash")).toBe(false);
    expect(compileMatcher("mcp__.*__write.*").test("mcp__fs__write_file")).toBe(true);
  });

  it("report a regex that does not compile and fall back to equality", () => {
    const m = compileMatcher("Bash(");
    expect(m.error).toBeDefined();
    expect(m.test("Bash(")).toBe(true);
    expect(m.test("Bash")).toBe(false);
  });
});
