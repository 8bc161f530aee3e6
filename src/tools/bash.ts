// The Bash tool: runs a command with the user's bash in its own process group, in a working
// directory that persists across calls, with a timeout, bounded output and background jobs.

import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import * as z from "zod/mini";
import type { Prepared } from "../sandbox/index.ts";
import { bashLimits, type BashLimits } from "./bash-limits.ts";
import { exitCodeNote } from "./exit-status.ts";
import { createOutputBuffer, cutMiddle } from "./output-buffer.ts";
import { isWithin } from "./paths.ts";
import { groupAlive, killGroup, spawnInGroup, type GroupKill } from "./process-group.ts";
import type { ToolSession } from "./session.ts";
import { commandEnv, findShell } from "./shell-env.ts";
import { defineTool, type ToolContext, type ToolOutput } from "./tool.ts";

const input = z.object({
  command: z.string().check(z.minLength(1), z.describe("The command to run")),
  timeout: z
    .optional(
      // The maximum is checked in run: the user may raise or lower it (bash-limits.ts).
      z.number().check(z.int(), z.positive()),
    )
    .check(
      z.describe(
        "Milliseconds before the command is killed (default 120000, max 600000, unless the user changed them)",
      ),
    ),
  description: z
    .optional(z.string())
    .check(z.describe("What the command does, in a few words, shown to the user")),
  run_in_background: z
    .optional(z.boolean())
    .check(
      z.describe(
        "Start it in the background and return a shell id at once; read it with BashOutput",
      ),
    ),
});

type BashInput = z.infer<typeof input>;

export const bashTool = defineTool({
  name: "Bash",
  description:
    "Run a shell command with bash. The working directory persists between calls and stays " +
    "inside the workspace; environment variables and shell options set in one call do not carry " +
    "over to the next (each call is a new shell). stdin is closed: interactive commands fail " +
    "rather than wait. Returns stdout and stderr together, in the order they were written, and " +
    "the exit code; output over 30,000 characters (or the user's BASH_MAX_OUTPUT_LENGTH) is " +
    "cut in the middle and saved whole to a file. Processes left running with `&` are stopped " +
    "when the command ends; use run_in_background for servers and watchers. Prefer Read, Grep " +
    "and Glob to cat, grep and find.",
  input,
  readOnly: false,
  describeAccess: (call) => ({ kind: "command", command: call.command }),
  async run(call, ctx) {
    if (ctx.signal.aborted)
      return { content: "Interrupted before the command started.", isError: true };
    const limits = bashLimits(ctx.session.env);
    if (call.timeout !== undefined && call.timeout > limits.maxTimeoutMs) {
      return {
        content:
          `timeout is at most ${limits.maxTimeoutMs} ms (${inWords(limits.maxTimeoutMs)}); pass a smaller one, ` +
          "or use run_in_background for longer work.",
        isError: true,
      };
    }
    const env = commandEnv(ctx.session.env);
    const shell = await findShell(env);
    const notes: string[] = shell.note ? [shell.note] : [];
    notes.push(...onceASession(ctx.session, limits.notes));
    const cwd = await usableCwd(ctx.session, notes);
    const { workspace, executor } = ctx.session;
    const script = call.run_in_background ? mergeStderr(call.command) : wrapCommand(call.command);
    const spawn = await executor.prepare({
      argv: [shell.path, "-c", script],
      cwd,
      env,
      roots: [workspace.root, ...workspace.additionalDirs],
      tempDir: await ctx.session.tempDir(),
    });
    if (spawn.type === "refused") return { content: spawn.message, isError: true };
    const launch: Launch = { spawn, cwd, notes, limits };
    if (call.run_in_background) {
      try {
        return await startInBackground(call, ctx, launch);
      } catch (error) {
        // The job never started, so it will not release what the sandbox set up for it.
        await spawn.release();
        throw error;
      }
    }
    try {
      return await runInForeground(call, ctx, launch);
    } finally {
      await spawn.release();
    }
  },
});

interface Launch {
  /** What to spawn: the shell, or the sandbox around it (ctx.session.executor). */
  spawn: Extract<Prepared, { type: "ready" }>;
  cwd: string;
  /** Sentences for the model about what cairn did around the command. */
  notes: string[];
  limits: BashLimits;
}

async function startInBackground(
  call: BashInput,
  ctx: ToolContext,
  launch: Launch,
): Promise<ToolOutput> {
  const { spawn } = launch;
  const job = ctx.session.jobs.start({
    command: call.command,
    cwd: launch.cwd,
    env: spawn.env,
    program: spawn.program,
    args: spawn.args,
    release: spawn.release,
    logDir: await ctx.session.tempDir(),
  });
  const lines = [
    `Started in the background as ${job.id}. Read its new output with BashOutput ` +
      `(bash_id "${job.id}"); stop it with KillShell (shell_id "${job.id}").`,
  ];
  if (job.spill.type === "file")
    lines.push(`Its whole output is also written to ${job.spill.path}.`);
  if (call.timeout !== undefined) lines.push("The timeout does not apply to background commands.");
  lines.push(...launch.notes);
  return { content: lines.join("\n") };
}

type Ending =
  | { type: "exit"; code: number | null; signal: NodeJS.Signals | null }
  | { type: "spawn-error"; message: string };

async function runInForeground(
  call: BashInput,
  ctx: ToolContext,
  launch: Launch,
): Promise<ToolOutput> {
  const { limits } = launch;
  const timeoutMs = call.timeout ?? limits.defaultTimeoutMs;
  const output = createOutputBuffer({
    headChars: limits.outputChars,
    tailChars: limits.outputChars,
    spillAfter: limits.outputChars,
    spillPath: join(await ctx.session.tempDir(), `bash-${randomUUID().slice(0, 8)}.log`),
  });
  const { spawn } = launch;
  const child = spawnInGroup(spawn.program, spawn.args, {
    cwd: launch.cwd,
    env: spawn.env,
    // fd 3 is where the wrapper reports the final working directory.
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => output.append(chunk));
  }
  let reportedCwd = "";
  const cwdPipe = child.stdio[3] as Readable | null;
  cwdPipe?.setEncoding("utf8");
  cwdPipe?.on("data", (chunk: string) => (reportedCwd += chunk));
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

  let stopReason: "timeout" | "abort" | undefined;
  let killing: Promise<GroupKill> | undefined;
  const stop = (reason: "timeout" | "abort"): void => {
    if (killing || child.pid === undefined) return;
    stopReason = reason;
    killing = killGroup(child.pid);
  };
  const timer = setTimeout(() => stop("timeout"), timeoutMs);
  const onAbort = (): void => stop("abort");
  ctx.signal.addEventListener("abort", onAbort, { once: true });

  let ending: Ending;
  try {
    ending = await new Promise<Ending>((resolve) => {
      child.once("error", (error) => resolve({ type: "spawn-error", message: error.message }));
      child.once("exit", (code, signal) => resolve({ type: "exit", code, signal }));
    });
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener("abort", onAbort);
  }

  let leftoversStopped = false;
  if (killing) {
    await killing;
  } else if (child.pid !== undefined && ending.type === "exit" && !spawn.contained) {
    // (Contained: the sandbox's pid namespace ended with it and took any leftovers along.)
    // Output still flowing, or a process started with `&` holding the pipes: give it a moment.
    await within(closed, 250);
    if (await groupAlive(child.pid)) {
      leftoversStopped = true;
      await killGroup(child.pid);
    }
  }
  if (!(await within(closed, 1000))) {
    child.stdout?.destroy();
    child.stderr?.destroy();
    cwdPipe?.destroy();
  }
  output.close();

  if (ending.type === "spawn-error") {
    return {
      content: `Could not start ${spawn.program} in ${launch.cwd}: ${ending.message}`,
      isError: true,
    };
  }
  const notes = [...launch.notes];
  if (stopReason === undefined) updateCwd(ctx.session, reportedCwd, notes);
  // Sandboxed, the leftovers died with the pid namespace unseen; the shell's own list of running
  // jobs is how the model still learns that its `server &` is not running. Outside it, that list
  // also names jobs that then finished in the grace period, so only the group's state counts.
  const jobsLeft = spawn.contained && reportedCwd.includes(`${jobsLeftMarker}\n`);
  if (leftoversStopped || jobsLeft) {
    notes.push(
      "Processes the command left running in the background were stopped; " +
        "use run_in_background for commands that should keep running.",
    );
  }

  const shown = cutMiddle({
    head: output.head,
    tail: output.tail,
    totalChars: output.totalChars,
    totalNewlines: output.totalNewlines,
    maxChars: limits.outputChars,
    spill: output.spill,
  });
  const body = shown === "" ? "(no output)\n" : shown.endsWith("\n") ? shown : `${shown}\n`;
  if (stopReason === undefined) {
    const blocked = spawn.explain(shown, ending.signal === null ? ending.code : null);
    if (blocked) notes.push(blocked);
  }
  const status = describeEnding(ending, stopReason, timeoutMs, limits.maxTimeoutMs);
  return {
    content: [body, status, ...notes].join("\n"),
    ...(stopReason ? { isError: true } : {}),
  };
}

/**
 * Runs the command in the current shell (so `cd` takes effect), then reports the directory on
 * fd 3. fd 3 is closed inside the group so processes the command starts do not hold it open;
 * a command that calls `exit` ends the shell first, and the working directory then stays as it was.
 * Before the directory, a marker line says when jobs the command started with `&` are still
 * running. stderr goes into the stdout pipe (see mergeStderr).
 * The trailer first turns off `set -x`, silently, so cairn's own commands are not traced into
 * the output of a command that turned it on; the status is saved in that same silent group. It
 * is on the line of the group's closing brace because `set -v` echoes lines as bash reads them,
 * and that line was read before the command ran.
 */
function wrapCommand(command: string): string {
  return (
    `${group(command)} 2>&1 3>&-; { __cairn_status=$?; set +x; } 2>/dev/null; ` +
    `if [ -n "$(jobs -pr)" ]; then echo ${jobsLeftMarker} >&3; fi; ` +
    "pwd -P >&3; exit $__cairn_status\n"
  );
}

const jobsLeftMarker = "__cairn_jobs_left";

/**
 * Sends the command's stderr into its stdout pipe: two pipes are read whenever each has data, so
 * "echo out; echo err >&2; echo out2" came back as out, out2, err. One pipe keeps the order in
 * which the command wrote. Redirections inside the command (`2>/dev/null`) still apply.
 */
function mergeStderr(command: string): string {
  return `${group(command)} 2>&1\n`;
}

/**
 * The command as a brace group. It starts with `:` because bash rejects an empty group: a
 * command of only blanks or comments was a syntax error quoting cairn's wrapper. The command's
 * own last status is still the group's.
 */
function group(command: string): string {
  return `{ :\n${command}\n}`;
}

function describeEnding(
  ending: Extract<Ending, { type: "exit" }>,
  stopReason: "timeout" | "abort" | undefined,
  timeoutMs: number,
  maxTimeoutMs: number,
): string {
  if (stopReason === "timeout") {
    return (
      `Timed out after ${timeoutMs} ms: the command and every process it started were killed. ` +
      (timeoutMs < maxTimeoutMs
        ? `Pass a larger timeout (at most ${maxTimeoutMs}) or use run_in_background.`
        : "Use run_in_background for commands that take this long.")
    );
  }
  if (stopReason === "abort") return "Interrupted by the user: the command was killed.";
  if (ending.signal !== null) return `Killed by signal ${ending.signal}.`;
  const code = ending.code ?? 0;
  return `Exit code ${code}${exitCodeNote(code)}`;
}

/**
 * The notes not yet given in this session: a note about an unusable BASH_* value is worth
 * reading once, not after every command.
 */
function onceASession(session: ToolSession, notes: readonly string[]): string[] {
  const fresh = notes.filter((note) => !session.notesGiven.has(note));
  for (const note of fresh) session.notesGiven.add(note);
  return fresh;
}

/** The session's working directory if it still exists inside the workspace, else the root. */
async function usableCwd(session: ToolSession, notes: string[]): Promise<string> {
  const { workspace, shell } = session;
  const isDirectory = await stat(shell.cwd).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isDirectory) {
    notes.push(
      `The working directory ${shell.cwd} no longer exists; the command ran in the workspace root ${workspace.root}.`,
    );
    shell.cwd = workspace.root;
  }
  return shell.cwd;
}

/** Keeps the directory the command ended in, if it is inside the workspace. */
function updateCwd(session: ToolSession, reported: string, notes: string[]): void {
  const finalCwd = reported.trimEnd().split("\n").at(-1) ?? "";
  if (finalCwd === "") return; // the command exited early: the directory stays as it was
  const { workspace } = session;
  const roots = [workspace.root, ...workspace.additionalDirs];
  if (roots.some((root) => isWithin(root, finalCwd))) {
    session.shell.cwd = finalCwd;
    return;
  }
  session.shell.cwd = workspace.root;
  notes.push(
    `The command changed directory to ${finalCwd}, outside the workspace; the working directory ` +
      `was reset to the workspace root ${workspace.root}.`,
  );
}

/** A duration as a person says it: "10 minutes", "1 minute", "0.4 seconds". */
function inWords(ms: number): string {
  const [amount, unit] = ms >= 60_000 ? [ms / 60_000, "minute"] : [ms / 1000, "second"];
  const rounded = Math.round(amount * 10) / 10;
  return `${rounded} ${unit}${rounded === 1 ? "" : "s"}`;
}

/** True when `promise` settled within `ms`. */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
