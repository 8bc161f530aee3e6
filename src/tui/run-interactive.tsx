// `cairn` with a terminal: picks a session when `--resume` names none, opens the session, draws
// the screen with Ink and waits until the user leaves. Signals are keys here (SIGINT is Ctrl+C),
// except SIGTERM and SIGHUP, which end the session cleanly; the terminal is restored on any exit.

import { format } from "node:util";
import { render } from "ink";
import { errorMessage } from "../core/errors.ts";
import { cairnHome } from "../config/index.ts";
import type { Env } from "../providers/index.ts";
import { listSessions } from "../sessions/index.ts";
import type { CliArgs } from "../cli/args.ts";
import { App } from "./app.tsx";
import { builtinCommands, parseSlashCommand, runSlashCommand } from "./commands/index.ts";
import { createController, type Controller } from "./controller.ts";
import { createRenderSettings } from "./render/index.ts";
import { SessionPicker } from "./session-picker.tsx";
import { guardTerminal, restoreTerminal } from "./terminal.ts";

export interface InteractiveIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: Env;
  version: string;
  /** Sends SIGINT, SIGTERM and SIGHUP to `handler` instead of the default handling (undefined restores it). */
  routeSignals: (handler: ((signal: NodeJS.Signals) => void) | undefined) => void;
}

/** How long closing the session may take after a crash before the process exits anyway. */
const crashCloseMs = 2_000;

const signalExitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGTERM: 143, SIGHUP: 129 };

/** Runs the interactive UI until the user leaves; returns the process exit code. */
export async function runInteractive(
  args: CliArgs,
  cwd: string,
  io: InteractiveIo,
): Promise<number> {
  const renderOptions = {
    stdin: io.stdin,
    stdout: io.stdout,
    stderr: io.stderr,
    maxFps: 30,
    incrementalRendering: io.env.CAIRN_TEST_FULL_RENDER !== "1",
    patchConsole: false,
    exitOnCtrlC: false,
    // Ink calls an environment with CI=true non-interactive; a real terminal is interactive.
    interactive: io.stdout.isTTY,
  };
  const chosen = args.resume === true ? await pickSession(args, cwd, io, renderOptions) : args;
  const controller = await createController({
    args: chosen,
    cwd,
    env: io.env,
    version: io.version,
    commands: builtinCommands,
    runCommand: runSlashCommand,
    isCommand: (input) => parseSlashCommand(input) !== undefined,
  });

  // Libraries write to the console (the Anthropic SDK warns about deprecated models); written
  // straight to the terminal it would tear the live region, so it becomes a notice instead.
  const restoreConsole = redirectConsole((text) => controller.context.notice(text, "warning"));
  const interrupts = new Set<() => void>();
  let exitCode = 0;
  const app = render(
    <App
      controller={controller}
      settings={createRenderSettings(io.env)}
      onExternalInterrupt={(handler) => {
        interrupts.add(handler);
        return () => interrupts.delete(handler);
      }}
    />,
    renderOptions,
  );
  const unguard = guardTerminal({
    stdin: io.stdin,
    stdout: io.stdout,
    onCrash: (error) => crash(error, app.unmount, controller, io),
  });
  io.routeSignals((signal) => {
    if (signal === "SIGINT") {
      for (const handler of interrupts) handler();
      return;
    }
    exitCode = signalExitCodes[signal] ?? 1;
    // Through the app, which draws its last frame without the live region, then unmounts.
    controller.context.exit();
  });

  try {
    if (chosen.prompt !== undefined && chosen.prompt.trim() !== "")
      controller.submit(chosen.prompt);
    await app.waitUntilExit();
  } finally {
    await controller.close();
    io.routeSignals(undefined);
    restoreConsole();
    unguard();
    restoreTerminal(io.stdin, io.stdout);
  }
  return exitCode;
}

/** The picker for `--resume` without an id; no sessions, or Esc, means a new session. */
async function pickSession(
  args: CliArgs,
  cwd: string,
  io: InteractiveIo,
  renderOptions: Parameters<typeof render>[1],
): Promise<CliArgs> {
  const warnings: string[] = [];
  const sessions = await listSessions(cairnHome(io.env), cwd, { warn: (w) => warnings.push(w) });
  for (const warning of warnings) io.stderr.write(`cairn: ${warning}\n`);
  let picked: string | undefined;
  if (sessions.length === 0) {
    io.stderr.write("cairn: no earlier sessions in this folder; starting a new one\n");
  } else {
    const picker = render(
      <SessionPicker sessions={sessions} now={new Date()} onPick={(id) => (picked = id)} />,
      renderOptions,
    );
    await picker.waitUntilExit();
  }
  return { ...args, resume: picked };
}

const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;

/** Sends console output to `write` until the returned function puts the console back. */
function redirectConsole(write: (text: string) => void): () => void {
  // Saved as they are and put back as they were; never called detached from the console.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const saved = consoleMethods.map((name) => [name, console[name]] as const);
  // A warning repeated on every request (a deprecated model) is worth reading once.
  const seen = new Set<string>();
  for (const name of consoleMethods) {
    console[name] = (...parts: unknown[]) => {
      const text = format(...parts).trimEnd();
      if (seen.has(text)) return;
      seen.add(text);
      write(text);
    };
  }
  return () => {
    for (const [name, method] of saved) console[name] = method;
  };
}

/** An uncaught error: the screen goes, the terminal comes back, then the error is shown. */
function crash(
  error: unknown,
  unmount: () => void,
  controller: Controller,
  io: InteractiveIo,
): void {
  try {
    unmount();
  } finally {
    restoreTerminal(io.stdin, io.stdout);
    io.stderr.write(`cairn: unexpected error: ${errorMessage(error)}\n`);
    if (io.env.CAIRN_DEBUG === "1" && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
    // Background jobs die with the session; give that a moment, not forever.
    const timer = setTimeout(() => process.exit(1), crashCloseMs);
    timer.unref();
    void controller.close().finally(() => process.exit(1));
  }
}
