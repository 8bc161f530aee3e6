import { describe, expect, it } from "vitest";
import { toolTarget } from "./tool-target.ts";

describe("a tool call's target", () => {
  it("is the path, relative to the workspace when inside it", () => {
    expect(toolTarget("Read", { file_path: "/w/src/a.ts" }, "/w")).toBe("src/a.ts");
    expect(toolTarget("Read", { file_path: "/etc/hosts" }, "/w")).toBe("/etc/hosts");
  });

  it("is a command's first line, cut short", () => {
    expect(toolTarget("Bash", { command: "npm test\nnpm run lint" })).toBe("npm test …");
    expect(toolTarget("Bash", { command: "x".repeat(200) })).toHaveLength(80);
  });

  it("is a pattern with its folder, a URL, or the files of a patch", () => {
    expect(toolTarget("Grep", { pattern: "TODO", path: "/w/src" }, "/w")).toBe("TODO in src");
    expect(toolTarget("WebFetch", { url: "https://example.com" })).toBe("https://example.com");
    expect(
      toolTarget("apply_patch", {
        input: "*** Begin Patch\n*** Update File: a.ts\n*** Add File: b.ts\n*** End Patch",
      }),
    ).toBe("a.ts (+1 more)");
    expect(toolTarget("TodoWrite", { todos: [{}, {}] })).toBe("2 items");
  });

  it("is empty for input it cannot read", () => {
    expect(toolTarget("X", null)).toBe("");
    expect(toolTarget("X", { other: 1 })).toBe("");
  });
});
