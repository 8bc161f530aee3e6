// `/memory [n|project|user]`: lists the memory files in the session, or opens one in $EDITOR,
// creating AGENTS.md (at the repository root, or in cairn's home) when there is none yet.

import { lstat, mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CairnError, errorMessage } from "../../core/errors.ts";
import { isErrnoCode } from "../../fs/index.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { columns, shortPath } from "./format.ts";
import { usageError } from "./usage.ts";

/** What a new AGENTS.md starts with: an HTML comment, which memory loading leaves out of the prompt. */
export const newMemoryFileText = `# AGENTS.md

<!-- Instructions for coding agents working here: how to build, test and lint, how the code is
laid out, and the conventions a newcomer would get wrong. This comment is not sent to the model;
/init can draft the file from the repository. -->
`;

export const memoryCommand: SlashCommand = {
  name: "memory",
  description: "List the memory files (AGENTS.md, CLAUDE.md), or edit one in $EDITOR",
  argumentHint: "[number|project|user]",
  async run(args, context) {
    const wanted = args.trim();
    if (wanted === "") {
      context.notice(listing(context));
      return;
    }
    const path = await chooseFile(wanted, context);
    const created = await createIfMissing(path);
    if (created) context.notice(`Created ${displayOf(path, context)}.`);
    await context.openInEditor(path);
    if (context.reloadMemory) {
      await context.reloadMemory();
      context.notice(`Reloaded memory after editing ${displayOf(path, context)}.`);
    } else {
      context.notice(
        `Edited ${displayOf(path, context)}; memory is read at the start of a session, so the change applies from the next one.`,
      );
    }
  },
};

function listing(context: CommandContext): string {
  const files = context.info.memoryFiles;
  const hint = [
    "/memory <number> opens a file in $EDITOR; /memory project opens (or creates) AGENTS.md at the",
    "repository root, /memory user the one in cairn's home. /init has the agent write AGENTS.md.",
  ];
  if (files.length === 0)
    return ["No memory files are loaded in this session.", "", ...hint].join("\n");
  const rows = files.map((file, i) => [`  ${i + 1}`, displayOf(file, context)]);
  return [
    "Memory files in this session, broad to specific:",
    ...columns(rows, new Set([0])),
    "",
    ...hint,
  ].join("\n");
}

async function chooseFile(wanted: string, context: CommandContext): Promise<string> {
  const files = context.info.memoryFiles;
  if (/^[0-9]+$/.test(wanted)) {
    const file = files[Number(wanted) - 1];
    if (file === undefined) {
      throw usageError(
        memoryCommand,
        files.length === 0
          ? "no memory files are loaded; try /memory project"
          : `pick a number from 1 to ${files.length}`,
      );
    }
    return file;
  }
  switch (wanted.toLowerCase()) {
    case "project": {
      const root = context.info.repositoryRoot ?? context.info.workspaceRoot ?? context.info.cwd;
      return (
        (await firstExisting([join(root, "AGENTS.md"), join(root, "CLAUDE.md")])) ??
        join(root, "AGENTS.md")
      );
    }
    case "user": {
      const home = context.info.cairnHome;
      if (home === undefined)
        throw usageError(memoryCommand, "cairn's home folder is not known here");
      return (
        (await firstExisting([join(home, "AGENTS.md"), join(home, "CLAUDE.md")])) ??
        join(home, "AGENTS.md")
      );
    }
  }
  const byName = files.filter(
    (f) => f === wanted || displayOf(f, context) === wanted || basename(f) === wanted,
  );
  if (byName.length === 1 && byName[0] !== undefined) return byName[0];
  throw usageError(
    memoryCommand,
    byName.length > 1
      ? `"${wanted}" names ${byName.length} files; pick one by number (/memory lists them)`
      : `"${wanted}" is not a listed memory file`,
  );
}

async function firstExisting(paths: readonly string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await lstat(path);
      return path;
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) throw error;
    }
  }
  return undefined;
}

/** Creates the file with a starter comment unless something is already there; true if it did. */
async function createIfMissing(path: string): Promise<boolean> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, newMemoryFileText, { flag: "wx" });
    return true;
  } catch (error) {
    if (isErrnoCode(error, "EEXIST")) return false;
    throw new CairnError(
      "bad_input",
      `/memory: cannot create ${path}: ${errorMessage(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

function displayOf(path: string, context: CommandContext): string {
  return shortPath(
    path,
    context.info.repositoryRoot ?? context.info.workspaceRoot ?? context.info.cwd,
  );
}
