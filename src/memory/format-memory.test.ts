import { describe, expect, it } from "vitest";
import { formatMemory, formatNestedMemory } from "./format-memory.ts";
import type { MemoryFile } from "./memory-file.ts";

function file(displayPath: string, scope: MemoryFile["scope"], content: string): MemoryFile {
  const path = `/r/${displayPath}`;
  return { path, realPath: path, displayPath, scope, content, imports: [] };
}

describe("formatMemory", () => {
  it("introduces the files and names each one with its scope, skipping empty ones", () => {
    const text = formatMemory([
      file("~/.claude/CLAUDE.md", "user", "Be brief."),
      file("AGENTS.md", "project", "npm test"),
      file("CLAUDE.md", "project", "  \n"),
      file("CLAUDE.local.md", "project", "My port is 3001."),
    ]);
    const [intro, ...rest] = text.split("\n\n");
    expect(intro).toMatch(/^Below are instructions the user and this project keep in memory files/);
    expect(rest).toEqual([
      "Contents of ~/.claude/CLAUDE.md (the user's own instructions, for all their projects):",
      "Be brief.",
      "Contents of AGENTS.md (project instructions):",
      "npm test",
      "Contents of CLAUDE.local.md (the user's private instructions for this project):",
      "My port is 3001.",
    ]);
  });

  it("is empty when there is nothing to say", () => {
    expect(formatMemory([])).toBe("");
    expect(formatMemory([file("AGENTS.md", "project", "")])).toBe("");
    expect(formatNestedMemory([])).toBe("");
  });
});

describe("formatNestedMemory", () => {
  it("names the folder each nested file speaks for", () => {
    const text = formatNestedMemory([
      file("src/api/AGENTS.md", "nested", "REST only."),
      file("web/.claude/CLAUDE.md", "nested", "Use hooks."),
    ]);
    expect(text).toMatch(/^A folder you just worked in has its own memory file\./);
    expect(text).toContain(
      "Contents of src/api/AGENTS.md (instructions for files under src/api/):\n\nREST only.",
    );
    expect(text).toContain(
      "Contents of web/.claude/CLAUDE.md (instructions for files under web/):\n\nUse hooks.",
    );
  });
});
