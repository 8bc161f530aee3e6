// Finds the subagent definitions of a session: the built-ins, then `agents/*.md` in the user's
// and (when trusted) the project's folders, a later one replacing an earlier one of the same
// name. A file that cannot be used is skipped with a warning naming file and line.

import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode } from "../../fs/index.ts";
import type { ExtensionFolder } from "../locations.ts";
import { builtinAgents } from "./builtin.ts";
import type { AgentDefinition } from "./definition.ts";
import { byCodePoint } from "../../core/compare.ts";

// The parser pulls in the YAML library (tens of milliseconds): loaded only when a file is found.
const definitionModule = () => import("./definition.ts");

/** An agent file larger than this is not a prompt someone wrote; it is skipped. */
const maxFileBytes = 256 * 1024;
/** Subfolders are read (people group their agents), but not without end. */
const maxDepth = 3;

/**
 * The definitions from `folders` (lowest precedence first, see extensionFolders) over the
 * built-ins, sorted by name. A folder that does not exist costs one failed readdir.
 */
export async function loadAgentDefinitions(
  folders: readonly ExtensionFolder[],
  warn: (message: string) => void,
): Promise<AgentDefinition[]> {
  const byName = new Map<string, AgentDefinition>(builtinAgents.map((a) => [a.name, a]));
  // Folders are listed and files read concurrently; the results are applied in order.
  const perFolder = await Promise.all(
    folders.map(async (folder) => {
      const files = await markdownFiles(folder.path, warn);
      return Promise.all(files.map((file) => readDefinition(file, warn)));
    }),
  );
  for (const definitions of perFolder) {
    for (const definition of definitions) if (definition) byName.set(definition.name, definition);
  }
  return [...byName.values()].sort((a, b) => byCodePoint(a.name, b.name));
}

async function readDefinition(
  file: string,
  warn: (message: string) => void,
): Promise<AgentDefinition | undefined> {
  const { ExtensionFileError, parseAgentDefinition } = await definitionModule();
  try {
    const info = await stat(file);
    if (info.size > maxFileBytes) {
      warn(`agent skipped: ${file}:1: larger than ${maxFileBytes / 1024} KiB`);
      return undefined;
    }
    return parseAgentDefinition(await readFile(file, "utf8"), file);
  } catch (error) {
    if (error instanceof ExtensionFileError) {
      warn(`agent skipped: ${error.message}`);
      return undefined;
    }
    const code = errnoCode(error);
    if (code === undefined) throw error;
    warn(`agent skipped: ${file}: cannot read it (${code})`);
    return undefined;
  }
}

/** The `.md` files under `dir`, in a stable order; none when it does not exist. */
async function markdownFiles(
  dir: string,
  warn: (message: string) => void,
  depth = 0,
): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === undefined) throw error;
    if (code !== "ENOENT" && code !== "ENOTDIR") warn(`agents: cannot list ${dir} (${code})`);
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => byCodePoint(a.name, b.name))) {
    // A README beside the agents describes them; it is not one.
    if (entry.name.startsWith(".") || /^readme\.md$/i.test(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth < maxDepth) {
      files.push(...(await markdownFiles(path, warn, depth + 1)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith(".md")) {
      files.push(path);
    }
  }
  return files;
}
