// Dispatches a `cairn` command line: help, subcommands, print mode, or the interactive UI.
// Owns process concerns: signals, exit codes, and turning CairnErrors into message + hint.

import { CairnError, errorMessage } from "../core/errors.ts";
import { helpText, parseArgs } from "./args.ts";
import { runPrint } from "./print.ts";
import { resolveCwd } from "./setup.ts";
import { subcommands } from "./subcommands.ts";

/** Where signals go: the default (abort the run; a second one exits), or the interactive UI. */
type SignalRoute = (handler: ((signal: NodeJS.Signals) => void) | undefined) => void;

export async function main(argv: readonly string[], version: string): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals++;
    // A second signal means "stop now": the first one is already winding the run down.
    if (signals > 1) process.exit(signalExitCode(name));
    controller.abort(name);
  };
  let routed: ((signal: NodeJS.Signals) => void) | undefined;
  const route: SignalRoute = (handler) => {
    routed = handler;
  };
  // SIGHUP too (a closed terminal, a parent going away): winding down kills the commands and
  // background jobs cairn started, which exiting at once would leave running without a sandbox.
  for (const name of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(name, () => (routed ?? onSignal)(name));
  }
  // A reader that goes away (`cairn -p ... | head`) ends the run quietly, as a shell pipeline expects.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // The interactive UI handles its terminal going away itself (see run-interactive.ts).
    if (routed) return;
    // EIO: the terminal closed under the run, as a SIGHUP says (and exits 129 for).
    if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
    controller.abort(error.code === "EIO" ? "SIGHUP" : "EPIPE");
  });

  let code: number;
  try {
    code = await dispatch(argv, version, controller.signal, route);
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
  route: SignalRoute,
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
  const cwd = await resolveCwd(args.cwd, process.cwd());
  if (!args.print) {
    if (process.stdin.isTTY && process.stdout.isTTY) {
      // Loaded only here: print mode never pays for React and Ink.
      const { favourSmallHeap } = await import("../tui/memory-profile.ts");
      favourSmallHeap();
      // Until the UI routes signals to itself (after the trust question and session set-up),
      // a signal ends cairn at once: there is no run to wind down yet.
      route((name) => process.exit(signalExitCode(name)));
      const { runInteractive } = await import("../tui/run-interactive.ts");
      return runInteractive(args, cwd, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        version,
        routeSignals: route,
      });
    }
    if (process.stdin.isTTY && args.prompt === undefined) {
      throw new CairnError(
        "bad_flag",
        "stdout is not a terminal, so the interactive interface cannot run",
        'Use print mode: cairn -p "your prompt" > output.txt',
      );
    }
    // Scripts pipe into cairn: behave like print mode, and say so once.
    process.stderr.write(
      `cairn: ${process.stdin.isTTY ? "stdout" : "stdin"} is not a terminal, so this runs in print mode (add -p to say so)\n`,
    );
  }
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

/** The exit code of a process ended by `signal`: 128 plus its number, as shells report it. */
function signalExitCode(signal: NodeJS.Signals): number {
  return signal === "SIGTERM" ? 143 : signal === "SIGHUP" ? 129 : 130;
}
