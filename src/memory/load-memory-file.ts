// Loads one discovered memory file (a start-up file or a nested one) into a MemoryFile: read,
// cut to size with a marker, imports expanded. Deciding which files to look for is elsewhere.

import { basename } from "node:path";
import { expandImports, kib } from "./expand-imports.ts";
import type { MemoryContext, MemoryFile, MemoryScope } from "./memory-file.ts";
import { displayPath, realPathOf } from "./memory-paths.ts";
import { readMemoryFile } from "./read-memory-file.ts";

/**
 * The file at `path`, or undefined when it does not exist, is already in the session's memory
 * (the same real file reached twice, e.g. AGENTS.md linked to CLAUDE.md), or cannot be read
 * (with a warning).
 */
export async function loadMemoryFile(
  path: string,
  scope: MemoryScope,
  ctx: MemoryContext,
): Promise<MemoryFile | undefined> {
  const shown = displayPath(path, ctx, scope === "user");
  const real = await realPathOf(path);
  if (real.type === "missing") return undefined;
  if (real.type === "failed") {
    ctx.warn(`memory: ${shown} not loaded: ${real.reason}`);
    return undefined;
  }
  if (ctx.included.has(real.path)) return undefined;
  const read = await readMemoryFile(real.path, ctx.maxFileBytes);
  if (read.type === "missing") return undefined;
  if (read.type === "refused") {
    ctx.warn(`memory: ${shown} not loaded: ${read.reason}`);
    return undefined;
  }
  ctx.included.add(real.path);
  let note: string | undefined;
  if (read.truncated) {
    const limit = kib(ctx.maxFileBytes);
    note = `[cairn: ${shown} is ${kib(read.size)}; only its first ${limit} were loaded]`;
    ctx.warn(`memory: ${shown} is ${kib(read.size)}; only its first ${limit} were loaded`);
  }
  const trust = scope === "user" || /\.local\.md$/i.test(basename(path)) ? "personal" : "shared";
  const expanded = await expandImports(
    { path, realPath: real.path, text: read.text, trust, note },
    ctx,
  );
  return {
    path,
    realPath: real.path,
    displayPath: shown,
    scope,
    content: expanded.content,
    imports: expanded.imports,
  };
}
