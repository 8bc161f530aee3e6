// The text the agent shows the model: memory loaded at start (before the first prompt) and
// nested memory (next to the tool result that made it load). Loading is elsewhere.

import { basename, dirname } from "node:path";
import type { MemoryFile } from "./memory-file.ts";

/** Empty when no file has any text. */
export function formatMemory(files: readonly MemoryFile[]): string {
  const sections = sectionsOf(files);
  if (sections.length === 0) return "";
  const intro =
    "Below are instructions the user and this project keep in memory files (AGENTS.md, CLAUDE.md). " +
    "Follow them while you work. Where two disagree, the more specific one (later below) wins, " +
    "and what the user asks in the conversation wins over both.";
  return [intro, ...sections].join("\n\n");
}

/** Empty when no file has any text. */
export function formatNestedMemory(files: readonly MemoryFile[]): string {
  const sections = sectionsOf(files);
  if (sections.length === 0) return "";
  const intro =
    "A folder you just worked in has its own memory file. Its instructions apply to the files " +
    "in that folder, in addition to the ones given at the start:";
  return [intro, ...sections].join("\n\n");
}

function sectionsOf(files: readonly MemoryFile[]): string[] {
  return files
    .filter((file) => file.content.trim() !== "")
    .map((file) => `Contents of ${file.displayPath} (${describe(file)}):\n\n${file.content}`);
}

function describe(file: MemoryFile): string {
  const personal = /\.local\.md$/i.test(basename(file.path));
  switch (file.scope) {
    case "user":
      return "the user's own instructions, for all their projects";
    case "project":
      return personal ? "the user's private instructions for this project" : "project instructions";
    case "nested": {
      const where = `files under ${folderOf(file.displayPath)}/`;
      return personal
        ? `the user's private instructions for ${where}`
        : `instructions for ${where}`;
    }
    default: {
      const unhandled: never = file.scope;
      throw new Error(`unknown memory scope ${String(unhandled)}`);
    }
  }
}

/** The folder a memory file speaks for: `src/api` for both `src/api/AGENTS.md` and `src/api/.claude/CLAUDE.md`. */
function folderOf(displayPath: string): string {
  const folder = dirname(displayPath);
  return basename(folder) === ".claude" ? dirname(folder) : folder;
}
