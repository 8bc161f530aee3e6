// Loads the memory files that apply from the start of a session: the user's (cairn's home, then
// Claude Code's) and those of each folder from the repository root down to the working
// directory. Files below the working directory join later (nested-memory.ts).

import { join } from "node:path";
import { loadMemoryFile } from "./load-memory-file.ts";
import {
  defaultMaxFileBytes,
  type MemoryContext,
  type MemoryFile,
  type MemoryScope,
} from "./memory-file.ts";
import { folderMemoryNames, foldersBetween, realPathOfNearest } from "./memory-paths.ts";
import { findRepositoryRoot } from "./repository-root.ts";

export interface LoadMemoryOptions {
  cwd: string;
  home: string;
  /** `$CAIRN_HOME` or `~/.cairn`. */
  cairnHome: string;
  /** Defaults to `<home>/.claude`. */
  claudeHome?: string;
  /** Per file; a larger memory file is cut, a larger import refused. Defaults to 256 KiB. */
  maxFileBytes?: number;
}

export interface LoadedMemory {
  /** Broad → specific: user files, then root → cwd. */
  files: MemoryFile[];
  /** One line each, for stderr. */
  warnings: string[];
  /** The repository root (real path), for `createNestedMemory`. */
  root: string;
  /** The working directory as a real path, for `createNestedMemory`. */
  cwd: string;
  /** Real paths of every file included, imports too, for `createNestedMemory`'s `loaded`. */
  loadedPaths: string[];
}

export async function loadMemory(options: LoadMemoryOptions): Promise<LoadedMemory> {
  const cwd = await realPathOfNearest(options.cwd);
  const root = await findRepositoryRoot(cwd);
  const warnings: string[] = [];
  const ctx: MemoryContext = {
    root,
    home: await realPathOfNearest(options.home),
    maxFileBytes: options.maxFileBytes ?? defaultMaxFileBytes,
    included: new Set(),
    warn: (message) => warnings.push(message),
  };
  const claudeHome = options.claudeHome ?? join(options.home, ".claude");
  const candidates: Array<{ path: string; scope: MemoryScope }> = [
    ...[options.cairnHome, claudeHome].flatMap((folder) =>
      ["AGENTS.md", "CLAUDE.md"].map((name) => ({
        path: join(folder, name),
        scope: "user" as const,
      })),
    ),
    ...foldersBetween(root, cwd).flatMap((folder) =>
      folderMemoryNames.map((name) => ({ path: join(folder, name), scope: "project" as const })),
    ),
  ];
  const files: MemoryFile[] = [];
  // One at a time: which file includes a shared import first depends on the order.
  for (const candidate of candidates) {
    const file = await loadMemoryFile(candidate.path, candidate.scope, ctx);
    if (file) files.push(file);
  }
  return { files, warnings, root, cwd, loadedPaths: [...ctx.included] };
}
