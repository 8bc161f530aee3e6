// `cairn <command> ...`: the commands that are not a conversation (settings, sessions, rewind,
// init, trust). Each loads its module only when run, so print mode's start-up does not pay for them.

import type { Env } from "../providers/index.ts";

export type Subcommand = (argv: readonly string[], signal: AbortSignal) => Promise<number>;

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
  cwd: string;
}

function io(): CommandIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

export const subcommands: Readonly<Record<string, Subcommand>> = {
  config: async (argv) => (await import("./config-command.ts")).runConfigCommand(argv, io()),
  sessions: async (argv) => (await import("./sessions-command.ts")).runSessionsCommand(argv, io()),
  rewind: async (argv) => (await import("./rewind-session.ts")).rewindSessionCommand(argv, io()),
  trust: async (argv) => (await import("./trust-command.ts")).trustCommand(argv, io()),
  mcp: async (argv, signal) =>
    (await import("./mcp-command.ts")).runMcpCommand(argv, { ...io(), signal }),
  init: async (argv, signal) =>
    (await import("./init-command.ts")).initCommand(argv, { ...io(), signal }),
};
