// `cairn init`: one print-mode run in which the model studies the repository and writes (or
// improves) AGENTS.md at its root. Only that file may be written without asking.

import { initPrompt } from "../memory/index.ts";
import { parseArgs } from "./args.ts";
import { runPrint } from "./print.ts";
import { resolveCwd } from "./setup.ts";
import type { CommandIo } from "./subcommands.ts";

declare const CAIRN_VERSION: string;

export async function initCommand(
  argv: readonly string[],
  io: CommandIo & { signal: AbortSignal },
): Promise<number> {
  // The user's other flags (--model, --cwd, --output-format…) apply; the prompt is ours.
  const args = parseArgs(["-p", ...argv]);
  if (args.prompt !== undefined) {
    io.stderr.write(
      `cairn init: unexpected argument "${args.prompt}"; it writes AGENTS.md from the repository itself\n`,
    );
    return 2;
  }
  const cwd = await resolveCwd(args.cwd, io.cwd);
  return runPrint(
    {
      ...args,
      prompt: initPrompt,
      allowedTools: [...args.allowedTools, "Write(/AGENTS.md)", "Edit(/AGENTS.md)"],
    },
    cwd,
    {
      stdin: process.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
      signal: io.signal,
      version: typeof CAIRN_VERSION === "string" ? CAIRN_VERSION : "dev",
    },
  );
}
