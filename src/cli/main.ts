// Dispatches a `cairn` command line: help, print mode, or (later) the interactive UI.
// Owns process concerns: signals, exit codes, and turning CairnErrors into message + hint.

import { CairnError, errorMessage } from "../core/errors.ts";
import { helpText, parseArgs } from "./args.ts";
import { runPrint } from "./print.ts";
import { resolveCwd } from "./setup.ts";
import { subcommands } from "./subcommands.ts";

export async function main(argv: readonly string[], version: string): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: "SIGINT" | "SIGTERM"): void => {
    signals++;
    // A second signal means "stop now": the first one is already winding the run down.
    if (signals > 1) process.exit(name === "SIGTERM" ? 143 : 130);
    controller.abort(name);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  // A reader that goes away (`cairn -p ... | head`) ends the run quietly, as a shell pipeline expects.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    controller.abort("EPIPE");
  });

  let code: number;
  try {
    code = await dispatch(argv, version, controller.signal);
  } catch (error) {
    code = report(error);
  }
  await flush(process.stdout);
  process.exit(code);
}

async function dispatch(
  argv: readonly string[],
  version: string,
  signal: AbortSignal,
): Promise<number> {
  const command = subcommands[argv[0] ?? ""];
  if (command) return command(argv.slice(1), signal);
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(helpText);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${version} (cairn)\n`);
    return 0;
  }
  if (!args.print) {
    if (process.stdin.isTTY || args.prompt === undefined) {
      throw new CairnError(
        "bad_flag",
        "the interactive interface is not available yet",
        'Use print mode: cairn -p "your prompt"',
      );
    }
    // A prompt with piped input and no TTY: behave like print mode, as scripts expect.
  }
  const cwd = await resolveCwd(args.cwd, process.cwd());
  return runPrint(args, cwd, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal,
    version,
  });
}

function report(error: unknown): number {
  if (error instanceof CairnError) {
    process.stderr.write(`cairn: ${error.message}\n`);
    if (error.hint) process.stderr.write(`${error.hint}\n`);
    return 1;
  }
  process.stderr.write(`cairn: unexpected error: ${errorMessage(error)}\n`);
  if (process.env.CAIRN_DEBUG === "1" && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  return 1;
}

function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0 || stream.destroyed) resolve();
    else stream.write("", () => resolve());
  });
}
