// Finds the skills: each folder holding a `SKILL.md` under a `skills` folder (extensionFolders).
// The name is the frontmatter's `name`, else the folder's; a later folder's skill of the same
// name wins. A skill that cannot be read is skipped with a warning naming file and line.

import { readdir, realpath } from "node:fs/promises";
import { join } from "node:path";
import { errnoCode } from "../../fs/index.ts";
import type { ExtensionFolder } from "../locations.ts";
import { ExtensionFileError, readPromptFile, type PromptFile } from "../prompt-file.ts";
import { byCodePoint } from "../../core/compare.ts";

export interface Skill extends PromptFile {
  name: string;
  /** The skill's folder (a real path): its other files are readable once it is used. */
  folder: string;
  scope: ExtensionFolder["scope"];
}

const validName = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export async function discoverSkills(
  folders: readonly ExtensionFolder[],
  ruleRoot: string,
  warn: (message: string) => void,
): Promise<Skill[]> {
  const byName = new Map<string, Skill>();
  for (const folder of folders) {
    let entries;
    try {
      entries = await readdir(folder.path, { withFileTypes: true });
    } catch (error) {
      const code = errnoCode(error);
      if (code === undefined) throw error;
      if (code !== "ENOENT" && code !== "ENOTDIR")
        warn(`skills: cannot list ${folder.path} (${code})`);
      continue;
    }
    for (const entry of entries.sort((a, b) => byCodePoint(a.name, b.name))) {
      if (entry.name.startsWith(".") || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
      const file = join(folder.path, entry.name, "SKILL.md");
      let read: PromptFile;
      let real: string;
      try {
        read = await readPromptFile(file, ruleRoot);
        real = await realpath(join(folder.path, entry.name));
      } catch (error) {
        if (error instanceof ExtensionFileError) {
          warn(`skill skipped: ${error.message}`);
          continue;
        }
        const code = errnoCode(error);
        if (code === undefined) throw error;
        // A folder without SKILL.md is not a skill (a shared scripts folder, say).
        if (code !== "ENOENT" && code !== "ENOTDIR")
          warn(`skill skipped: ${file}: cannot read it (${code})`);
        continue;
      }
      const name = read.name ?? entry.name;
      if (!validName.test(name)) {
        warn(
          `skill skipped: ${file}:2: name: expected letters, digits and - _ . : (got "${name}")`,
        );
        continue;
      }
      byName.set(name.toLowerCase(), {
        ...read,
        name,
        folder: real,
        scope: folder.scope,
        description: read.description === "" ? `(${folder.scope} skill)` : read.description,
      });
    }
  }
  return [...byName.values()].sort((a, b) => byCodePoint(a.name, b.name));
}
