// Which files in a folder configure what cairn does there: what the trust question names.
// Reading them is the settings loader's job (src/config).

import { stat } from "node:fs/promises";
import { join } from "node:path";

/** The files in `root` that configure what cairn does there, relative to it. */
export async function repositoryConfiguration(root: string): Promise<string[]> {
  const candidates = [
    ".cairn/settings.json",
    ".cairn/settings.local.json",
    ".claude/settings.json",
    ".claude/settings.local.json",
    ".mcp.json",
    // Folders (ending in "/"): custom commands and skills, whose `!` lines run commands.
    ".claude/commands/",
    ".cairn/commands/",
    ".claude/skills/",
    ".cairn/skills/",
  ];
  const present = await Promise.all(
    candidates.map(async (file) =>
      (await stat(join(root, file)).then(
        (s) => (file.endsWith("/") ? s.isDirectory() : s.isFile()),
        () => false,
      ))
        ? file
        : undefined,
    ),
  );
  return present.filter((file): file is string => file !== undefined);
}
