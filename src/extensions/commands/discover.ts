// Finds the custom commands: `*.md` files under each `commands` folder (extensionFolders), a
// subfolder being a namespace (`frontend/component.md` is `/component`, "(project:frontend)",
// also `/frontend:component`). A later folder's command of the same name wins. A file that cannot
// be read is skipped with a warning naming file and line; nothing here is fatal.

import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { errnoCode } from "../../fs/index.ts";
import type { ExtensionFolder } from "../locations.ts";
import { ExtensionFileError, readPromptFile, type PromptFile } from "../prompt-file.ts";
import { byCodePoint } from "../../core/compare.ts";

export interface CustomCommand extends PromptFile {
  /** What `/name` calls it: the file name, or `namespace:name` when two namespaces share one. */
  name: string;
  /** `frontend:component` for `frontend/component.md`; "" at the top of the folder. */
  namespace: string;
  /** The namespaced name (`frontend:component`), always accepted. */
  qualifiedName: string;
  scope: ExtensionFolder["scope"];
}

/** Folders deeper than this are not searched (a link loop, a vendored tree). */
const maxDepth = 4;

export async function discoverCommands(
  folders: readonly ExtensionFolder[],
  ruleRoot: string,
  warn: (message: string) => void,
): Promise<CustomCommand[]> {
  const byQualified = new Map<string, CustomCommand>();
  for (const folder of folders) {
    for (const file of await markdownFiles(folder.path, 0, warn)) {
      const rel = relative(folder.path, file).slice(0, -".md".length).split(sep);
      const base = rel.pop() ?? "";
      const namespace = rel.join(":");
      let read: PromptFile;
      try {
        read = await readPromptFile(file, ruleRoot);
      } catch (error) {
        if (error instanceof ExtensionFileError) {
          warn(`command skipped: ${error.message}`);
          continue;
        }
        const code = errnoCode(error);
        if (code === undefined) throw error;
        warn(`command skipped: ${file}: cannot read it (${code})`);
        continue;
      }
      const qualifiedName = namespace === "" ? base : `${namespace}:${base}`;
      const label = namespace === "" ? folder.scope : `${folder.scope}:${namespace}`;
      byQualified.set(qualifiedName.toLowerCase(), {
        ...read,
        name: base,
        namespace,
        qualifiedName,
        scope: folder.scope,
        description: read.description === "" ? `(${label})` : `${read.description} (${label})`,
      });
    }
  }
  // A bare name shared by several namespaces would be ambiguous: those go by their full name.
  const commands = [...byQualified.values()];
  const counts = new Map<string, number>();
  for (const c of commands)
    counts.set(c.name.toLowerCase(), (counts.get(c.name.toLowerCase()) ?? 0) + 1);
  return commands
    .map((c) =>
      (counts.get(c.name.toLowerCase()) ?? 0) > 1 && c.namespace !== ""
        ? { ...c, name: c.qualifiedName }
        : c,
    )
    .sort((a, b) => byCodePoint(a.name, b.name));
}

async function markdownFiles(
  folder: string,
  depth: number,
  warn: (message: string) => void,
): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    if (code === undefined) throw error;
    if (code !== "ENOENT" && code !== "ENOTDIR") warn(`commands: cannot list ${folder} (${code})`);
    return [];
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => byCodePoint(a.name, b.name))) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory() && depth < maxDepth) {
      files.push(...(await markdownFiles(path, depth + 1, warn)));
    } else if ((entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith(".md")) {
      files.push(path);
    }
  }
  return files;
}
