// Turns a tool's access description into the query decide judges: paths resolved (symlinks
// followed), a command parsed and its file operands resolved, and the git folders that `.git`
// files point to. The I/O before the pure decision; the orchestrator calls it for every tool call.

import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { isWithin, resolvePath, type Access, type Workspace } from "../tools/index.ts";
import { gatherCommandFacts, type CommandFacts } from "./command-facts.ts";
import type { DecisionContext, PermissionQuery, ResolvedAccess } from "./decide.ts";
import type { CommandAnalysis } from "./shell/types.ts";

export interface QuerySetting {
  workspace: Workspace;
  /** Bash's working directory (commands' relative paths resolve from here). */
  shellCwd: string;
  home: string;
  platform: NodeJS.Platform;
  /** Parses and analyses a command (the session's shell parser, created on first use). */
  analyze: (command: string) => Promise<CommandAnalysis>;
  /** Folders outside the workspace the read tools may open without asking (cairn's own output). */
  readable?: readonly string[];
}

export async function prepareQuery(
  tool: { name: string; readOnly: boolean },
  access: Access,
  setting: QuerySetting,
): Promise<PermissionQuery> {
  const { workspace } = setting;
  const home = await realpath(setting.home).catch(() => setting.home);
  const roots = [workspace.root, ...workspace.additionalDirs];
  let resolved: ResolvedAccess;
  let written: string[] = [];
  switch (access.kind) {
    case "none":
    case "network":
    case "mcp":
      resolved = access;
      break;
    case "read":
    case "write": {
      const paths = await Promise.all(access.paths.map((path) => resolvePath(workspace, path)));
      resolved = { kind: access.kind, paths };
      if (access.kind === "write") written = paths.map((p) => p.real);
      break;
    }
    case "command": {
      const facts = await commandFacts(access.command, setting, home);
      resolved = { kind: "command", command: access.command, facts };
      written = facts.commands.flatMap((c) =>
        c.operands.flatMap((o) => o.resolved.map((p) => p.real)),
      );
      break;
    }
    default: {
      const never: never = access;
      return never;
    }
  }
  const context: DecisionContext = {
    cwd: workspace.root,
    home,
    platform: setting.platform,
    roots,
    ...(setting.readable ? { readable: setting.readable } : {}),
    gitDirs: written.length === 0 ? [] : await gitDirsNear(written, roots),
  };
  return { toolName: tool.name, readOnly: tool.readOnly, access: resolved, context };
}

async function commandFacts(
  command: string,
  setting: QuerySetting,
  home: string,
): Promise<CommandFacts> {
  let analysis: CommandAnalysis;
  try {
    analysis = await setting.analyze(command);
  } catch (error) {
    // A parser that failed to load judges nothing: the command is asked about, never allowed.
    analysis = {
      kind: "unparsable",
      reason: `the shell parser failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  return gatherCommandFacts(analysis, {
    workspace: setting.workspace,
    cwd: setting.shellCwd,
    home,
  });
}

/**
 * The real git folders behind `.git` entries in the workspace roots and in the folders above the
 * written paths (up to their root): a `.git` file's `gitdir:` target, or a `.git` symlink's.
 * Writing into one is as dangerous as writing into `.git/` itself.
 */
async function gitDirsNear(paths: readonly string[], roots: readonly string[]): Promise<string[]> {
  const folders = new Set<string>(roots);
  for (const path of paths) {
    const root = roots.find((r) => isWithin(r, path));
    if (root === undefined) continue;
    for (let folder = dirname(path); isWithin(root, folder); folder = dirname(folder)) {
      folders.add(folder);
      if (folder === root) break;
    }
  }
  const found = await Promise.all([...folders].map((folder) => gitDirOf(folder)));
  return [...new Set(found.filter((dir): dir is string => dir !== undefined))];
}

async function gitDirOf(folder: string): Promise<string | undefined> {
  const dotGit = join(folder, ".git");
  try {
    const info = await stat(dotGit);
    if (info.isDirectory()) {
      const real = await realpath(dotGit);
      return real === dotGit ? undefined : real; // a plain .git folder is protected by name
    }
    if (!info.isFile()) return undefined;
    const text = await readFile(dotGit, "utf8");
    const target = /^gitdir:\s*(.+?)\s*$/m.exec(text)?.[1];
    if (target === undefined) return undefined;
    const absolute = resolve(folder, target);
    return await realpath(absolute).catch(() => absolute);
  } catch {
    return undefined; // no .git here, or unreadable
  }
}
