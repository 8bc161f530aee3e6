// Runs one command hook: the user's shell in its own process group, the event JSON on stdin,
// stdout and stderr collected (bounded). On timeout or abort the whole group is killed.

import type { ChildProcess } from "node:child_process";
import { killGroup, spawnInGroup } from "../tools/index.ts";
import type { CommandHandler } from "./hook-table.ts";

export interface HandlerRun {
  /** null when the process did not exit by itself (killed, or it never started). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the shell could not be started at all. */
  spawnError?: string;
}

export interface Shell {
  file: string;
  args: readonly string[];
}

/**
 * bash with its start-up files off: Node's stdio pipes are sockets, which bash takes for an rsh
 * connection and would source ~/.bashrc for (slow, noisy, and not what a hook script expects).
 */
export function hookShell(bash: string | undefined): Shell {
  return bash !== undefined
    ? { file: bash, args: ["--norc", "--noprofile", "-c"] }
    : { file: "/bin/sh", args: ["-c"] };
}

export interface RunHandlerOptions {
  /** The shell and its arguments before the command (`-c` last). */
  shell: Shell;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** More than any hook has reason to print; the rest is dropped rather than held in memory. */
const maxOutputChars = 1_000_000;

export async function runHandler(
  handler: CommandHandler,
  input: string,
  options: RunHandlerOptions,
): Promise<HandlerRun> {
  if (options.signal.aborted) {
    return { exitCode: null, stdout: "", stderr: "", timedOut: false, aborted: true };
  }
  let child: ChildProcess;
  try {
    child = spawnInGroup(options.shell.file, [...options.shell.args, handler.command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (error) {
    return failedToStart(error);
  }
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    if (stdout.length < maxOutputChars) stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    if (stderr.length < maxOutputChars) stderr += chunk;
  });
  // A hook that never reads its stdin closes the pipe early: that is not a failure.
  child.stdin?.on("error", () => undefined);
  child.stdin?.end(input);

  let timedOut = false;
  let aborted = false;
  let killing: Promise<unknown> | undefined;
  const kill = (): void => {
    if (child.pid !== undefined) killing ??= killGroup(child.pid, { graceMs: 500 });
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, handler.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  options.signal.addEventListener("abort", onAbort, { once: true });
  const ended = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  });
  clearTimeout(timer);
  options.signal.removeEventListener("abort", onAbort);
  // Background children of the hook may hold the group alive after the shell exited.
  if (killing) await killing;
  if (ended.error !== undefined && child.pid === undefined) return failedToStart(ended.error);
  return {
    exitCode: timedOut || aborted ? null : ended.code,
    stdout,
    stderr,
    timedOut,
    aborted,
  };
}

function failedToStart(error: unknown): HandlerRun {
  return {
    exitCode: null,
    stdout: "",
    stderr: "",
    timedOut: false,
    aborted: false,
    spawnError: error instanceof Error ? error.message : String(error),
  };
}
