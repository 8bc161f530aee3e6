// `cairn trust [dir]`: lets a repository's own settings (allow rules, env, hooks, MCP servers,
// apiKeyHelper…) take effect. `--remove` takes trust back; `--list` shows trusted folders.

import { resolve } from "node:path";
import { CairnError } from "../core/errors.ts";
import {
  cairnHome,
  trustedBy,
  trustedFolders,
  trustFolder,
  untrustFolder,
} from "../config/index.ts";
import type { CommandIo } from "./subcommands.ts";

export const trustHelp = `Usage: cairn trust [dir]            trust dir (default: the current folder) and its subfolders
       cairn trust --remove [dir]   stop trusting it
       cairn trust --list           list trusted folders

Until a folder is trusted, cairn reads only the restrictive parts of its .cairn/ and .claude/
settings (deny and ask rules); allow rules, env, hooks, apiKeyHelper, providers and sandbox
changes from the repository's own files are ignored, with a warning.
`;

export async function trustCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const flags = argv.filter((a) => a.startsWith("-"));
  const dirs = argv.filter((a) => !a.startsWith("-"));
  const unknown = flags.filter((f) => !["--remove", "--list", "-h", "--help"].includes(f));
  if (unknown.length > 0 || dirs.length > 1) {
    io.stderr.write(
      `cairn trust: ${unknown[0] ? `unknown option ${unknown[0]}` : "one folder at a time"}\n${trustHelp}`,
    );
    return 2;
  }
  if (flags.includes("-h") || flags.includes("--help")) {
    io.stdout.write(trustHelp);
    return 0;
  }
  const home = cairnHome(io.env);
  if (flags.includes("--list")) {
    for (const folder of await trustedFolders(home))
      io.stdout.write(`${folder.folder}  (since ${folder.trustedAt})\n`);
    return 0;
  }
  const folder = resolve(io.cwd, dirs[0] ?? ".");
  try {
    if (flags.includes("--remove")) {
      const { removed, stillTrustedBy } = await untrustFolder(folder, home);
      io.stdout.write(
        removed ? `No longer trusted: ${folder}\n` : `${folder} was not trusted itself\n`,
      );
      if (stillTrustedBy !== undefined) {
        io.stdout.write(
          `It is still trusted through ${stillTrustedBy}; run cairn trust --remove ${stillTrustedBy}\n`,
        );
      }
      return 0;
    }
    const already = await trustedBy(folder, home);
    if (already !== undefined) {
      io.stdout.write(`Already trusted (through ${already})\n`);
      return 0;
    }
    const real = await trustFolder(folder, home);
    io.stdout.write(
      `Trusted: ${real}\nIts settings, hooks and MCP servers now take effect in cairn.\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    io.stderr.write(`cairn: ${error.message}\n${error.hint ? `${error.hint}\n` : ""}`);
    return 1;
  }
}
