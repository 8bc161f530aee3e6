// Registry of background shell jobs started with Bash's run_in_background: each runs in its own
// process group, its output is kept (bounded) and logged; every job dies when the session is disposed.

import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { exitCodeNote } from "./exit-status.ts";
import { createOutputBuffer, type OutputBuffer, type SpillState } from "./output-buffer.ts";
import { groupAlive, killGroup, spawnInGroup } from "./process-group.ts";

export type JobStatus =
  | { type: "running" }
  | { type: "exited"; code: number }
  /** Ended by a signal; `byKill` when KillShell or dispose sent it. */
  | { type: "killed"; signal: string; byKill: boolean }
  | { type: "failed"; message: string };

export interface JobInfo {
  id: string;
  command: string;
  cwd: string;
  status: JobStatus;
  /** The whole output is logged here (see `spill` for whether that worked). */
  spill: SpillState;
}

export interface JobStartOptions {
  /** The command as the model wrote it, for listings. */
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** What to spawn: the shell running `command`, or the sandbox wrapping it (see src/sandbox). */
  program: string;
  args: readonly string[];
  /** Called once the job's process has exited (the sandbox removes its placeholders); never rejects. */
  release?: () => Promise<void>;
  /** A folder for the job's log file. */
  logDir: string;
}

export interface JobRead {
  info: JobInfo;
  /** New output since the previous read (only matching lines when filtered). */
  text: string;
  /** New output that was no longer in memory (it is in the log file). */
  lostChars: number;
  /** With a filter: how many new lines were read and how many matched. */
  lines?: { read: number; matched: number };
}

/** Picks the lines a BashOutput filter keeps; throws to leave the output unread. */
export type LineFilter = (lines: string[]) => string[];

export interface JobRegistry {
  /** Starts `command` in the background and returns at once; see info.status for a failed start. */
  start(options: JobStartOptions): JobInfo;
  /** Output since the previous read; with a filter only complete lines are consumed. */
  read(id: string, filter?: LineFilter): JobRead | undefined;
  /** Kills the job's whole process group; undefined for an unknown id. */
  kill(id: string): Promise<JobInfo | undefined>;
  list(): JobInfo[];
  /** Kills every running job (its whole process group) and waits for them to exit. */
  dispose(): Promise<void>;
}

export interface JobRegistryOptions {
  /** Output kept in memory per job; older output is only in the log file. */
  memoryChars?: number;
  /** How long a job's processes get between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

interface Job {
  id: string;
  command: string;
  cwd: string;
  child: ChildProcess;
  output: OutputBuffer;
  cursor: number;
  status: JobStatus;
  killRequested: boolean;
  /** Resolves once the shell has exited (or failed to start). */
  ended: Promise<void>;
}

export function createJobRegistry(options: JobRegistryOptions = {}): JobRegistry {
  const memoryChars = options.memoryChars ?? 1024 * 1024;
  const killGraceMs = options.killGraceMs ?? 1000;
  const jobs = new Map<string, Job>();
  let nextNumber = 1;
  let disposed = false;

  const info = (job: Job): JobInfo => ({
    id: job.id,
    command: job.command,
    cwd: job.cwd,
    status: job.status,
    spill: job.output.spill,
  });

  const stop = async (job: Job): Promise<void> => {
    const pgid = job.child.pid;
    if (pgid === undefined) return;
    // The group can outlive its leader (a job that ran `server &` and exited), so check it too.
    if (job.status.type !== "running" && !(await groupAlive(pgid))) return;
    job.killRequested = true;
    await killGroup(pgid, { graceMs: killGraceMs });
    // The exit event follows the kill closely; bounded in case a process ignored SIGKILL (D state).
    await Promise.race([job.ended, delay(1000)]);
  };

  return {
    start(start) {
      if (disposed) throw new Error("the job registry was disposed; no more jobs can start");
      const id = `bash_${nextNumber++}`;
      const output = createOutputBuffer({
        headChars: 0,
        tailChars: memoryChars,
        spillAfter: 0,
        spillPath: join(start.logDir, `${id}.log`),
      });
      const child = spawnInGroup(start.program, start.args, {
        cwd: start.cwd,
        env: start.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let settle: () => void = () => undefined;
      const job: Job = {
        id,
        command: start.command,
        cwd: start.cwd,
        child,
        output,
        cursor: 0,
        status: { type: "running" },
        killRequested: false,
        ended: new Promise<void>((resolve) => (settle = resolve)),
      };
      jobs.set(id, job);
      for (const stream of [child.stdout, child.stderr]) {
        stream?.setEncoding("utf8");
        stream?.on("data", (chunk: string) => output.append(chunk));
      }
      const release = start.release ?? (() => Promise.resolve());
      child.on("error", (error) => {
        if (job.status.type === "running") job.status = { type: "failed", message: error.message };
        output.close();
        void release().then(settle);
      });
      child.on("exit", (code, signal) => {
        job.status =
          signal !== null
            ? { type: "killed", signal, byKill: job.killRequested }
            : { type: "exited", code: code ?? 0 };
        void release().then(settle);
      });
      child.on("close", () => output.close());
      return info(job);
    },

    read(id, filter) {
      const job = jobs.get(id);
      if (!job) return undefined;
      const { text, lostChars } = job.output.since(job.cursor);
      if (!filter) {
        job.cursor = job.output.totalChars;
        return { info: info(job), text, lostChars };
      }
      // A line still being written would be judged on its first half; leave it for the next read.
      const complete =
        job.status.type === "running" ? text.slice(0, text.lastIndexOf("\n") + 1) : text;
      const lines = complete === "" ? [] : complete.replace(/\n$/, "").split("\n");
      // Filtered before the cursor moves: a filter that fails leaves the output unread.
      const matched = filter(lines);
      job.cursor += lostChars + complete.length;
      return {
        info: info(job),
        text: matched.map((line) => `${line}\n`).join(""),
        lostChars,
        lines: { read: lines.length, matched: matched.length },
      };
    },

    async kill(id) {
      const job = jobs.get(id);
      if (!job) return undefined;
      await stop(job);
      return info(job);
    },

    list: () => [...jobs.values()].map(info),

    async dispose() {
      disposed = true;
      await Promise.all([...jobs.values()].map(stop));
      for (const job of jobs.values()) {
        job.child.stdout?.destroy();
        job.child.stderr?.destroy();
        job.output.close();
      }
    },
  };
}

/** A job's status in a few words, for the model. */
export function describeJobStatus(status: JobStatus): string {
  switch (status.type) {
    case "running":
      return "running";
    case "exited":
      return `exited with code ${status.code}${exitCodeNote(status.code)}`;
    case "killed":
      return status.byKill ? `killed (${status.signal})` : `ended by signal ${status.signal}`;
    case "failed":
      return `failed to start: ${status.message}`;
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

/** The answer to an unknown job id: which ids exist. */
export function unknownJobMessage(id: string, jobs: JobRegistry): string {
  const known = jobs.list().map((job) => `${job.id} (${describeJobStatus(job.status)})`);
  return known.length === 0
    ? `No background shell "${id}": none was started in this session (use Bash with run_in_background).`
    : `No background shell "${id}". Known shells: ${known.join(", ")}.`;
}
