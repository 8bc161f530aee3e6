// `cairn` with a terminal: picks a session when `--resume` names none, opens the session while
// React and Ink load (screen.tsx), draws the screen and waits until the user leaves. Signals are
// keys here (SIGINT is Ctrl+C), except SIGTERM and SIGHUP, which end the session cleanly; the
// terminal is restored on any exit.

import { format } from "node:util";
import { errorMessage } from "../core/errors.ts";
import { cairnHome, isTrusted, trustFolder } from "../config/index.ts";
import { listSessions } from "../sessions/index.ts";
import type { CliArgs } from "../cli/args.ts";
import { builtinCommands, parseSlashCommand, runSlashCommand } from "./commands/index.ts";
import { createController, type Controller } from "./controller.ts";
import type { ScreenIo } from "./screen.tsx";
import { guardTerminal, restoreTerminal } from "./terminal.ts";
import { repositoryConfiguration } from "./repository-config.ts";

export interface InteractiveIo extends ScreenIo {
  version: string;
  /** Sends SIGINT, SIGTERM and SIGHUP to `handler` instead of the default handling (undefined restores it). */
  routeSignals: (handler: ((signal: NodeJS.Signals) => void) | undefined) => void;
}

/** How long closing the session may take, after a crash or a hangup, before the process exits. */
const closeTimeoutMs = 2_000;

const signalExitCodes: Partial<Record<NodeJS.Signals, number>> = { SIGTERM: 143 };

/** Runs the interactive UI until the user leaves; returns the process exit code. */
export async function runInteractive(
  args: CliArgs,
  cwd: string,
  io: InteractiveIo,
): Promise<number> {
  // The screen's modules load while the session opens; both take about as long.
  const screen = import("./screen.tsx");
  screen.catch(() => undefined);
  await offerTrust(args, cwd, io, screen);
  const chosen = args.resume === true ? await chooseSession(args, cwd, io, screen) : args;
  const controller = await createController({
    args: chosen,
    cwd,
    env: io.env,
    version: io.version,
    commands: builtinCommands,
    runCommand: runSlashCommand,
    isCommand: (input) => parseSlashCommand(input) !== undefined,
  });
  let mountApp: Awaited<typeof screen>["mountApp"];
  try {
    ({ mountApp } = await screen);
  } catch (error) {
    await controller.close();
    throw error;
  }

  // Libraries write to the console (the Anthropic SDK warns about deprecated models); written
  // straight to the terminal it would tear the live region, so it becomes a notice instead.
  const restoreConsole = redirectConsole((text) => controller.context.notice(text, "warning"));
  const interrupts = new Set<() => void>();
  let exitCode = 0;
  const app = mountApp(controller, io, (handler) => {
    interrupts.add(handler);
    return () => interrupts.delete(handler);
  });
  const unguard = guardTerminal({
    stdin: io.stdin,
    stdout: io.stdout,
    onCrash: (error) => crash(error, () => app.unmount(), controller, io),
  });
  // A closed terminal (SIGHUP, or a write that fails) can show nothing more: the session is
  // closed (runs stopped, background jobs killed, transcript unlocked) and the process ends.
  let gone = false;
  const terminalGone = (code: number): void => {
    if (gone) return;
    gone = true;
    const timer = setTimeout(() => process.exit(code), closeTimeoutMs);
    timer.unref();
    void controller.close().finally(() => process.exit(code));
  };
  const onOutputError = (): void => terminalGone(129);
  io.stdout.on("error", onOutputError);
  io.routeSignals((signal) => {
    if (signal === "SIGINT") {
      for (const handler of interrupts) handler();
      return;
    }
    if (signal === "SIGHUP") {
      terminalGone(129);
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
    io.stdout.off("error", onOutputError);
    restoreConsole();
    unguard();
    restoreTerminal(io.stdin, io.stdout);
  }
  return exitCode;
}

/**
 * The first run in a folder whose own files configure cairn asks whether to trust it (as
 * `cairn trust` would); a no means its settings stay limited to deny and ask rules.
 */
async function offerTrust(
  args: CliArgs,
  cwd: string,
  io: InteractiveIo,
  screen: Promise<typeof import("./screen.tsx")>,
): Promise<void> {
  const home = cairnHome(io.env);
  if (args.trust || (await isTrusted(cwd, home))) return;
  const files = await repositoryConfiguration(cwd);
  if (files.length === 0) return;
  const { askTrust } = await screen;
  if (await askTrust(cwd, files, io)) {
    const real = await trustFolder(cwd, home);
    io.stderr.write(`cairn: trusted ${real}\n`);
  }
}

/** The picker for `--resume` without an id; no sessions, or Esc, means a new session. */
async function chooseSession(
  args: CliArgs,
  cwd: string,
  io: InteractiveIo,
  screen: Promise<typeof import("./screen.tsx")>,
): Promise<CliArgs> {
  const warnings: string[] = [];
  const sessions = await listSessions(cairnHome(io.env), cwd, { warn: (w) => warnings.push(w) });
  for (const warning of warnings) io.stderr.write(`cairn: ${warning}\n`);
  if (sessions.length === 0) {
    io.stderr.write("cairn: no earlier sessions in this folder; starting a new one\n");
    return { ...args, resume: undefined };
  }
  const { pickSession } = await screen;
  return { ...args, resume: await pickSession(sessions, io) };
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
  // Each step on its own: the terminal may be what failed, and the process must end regardless.
  const timer = setTimeout(() => process.exit(1), closeTimeoutMs);
  timer.unref();
  attempt(unmount);
  attempt(() => restoreTerminal(io.stdin, io.stdout));
  attempt(() => {
    io.stderr.write(`cairn: unexpected error: ${errorMessage(error)}\n`);
    if (io.env.CAIRN_DEBUG === "1" && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
  });
  // Background jobs die with the session; give that a moment, not forever.
  void controller.close().finally(() => process.exit(1));
}

/** Runs a step of an emergency exit; its failure must not stop the next step. */
function attempt(step: () => void): void {
  try {
    step();
  } catch {
    // Nothing to do: the terminal is gone, and the process is on its way out.
  }
}
