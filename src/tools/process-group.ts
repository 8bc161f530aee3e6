// Child processes in their own process group, so a shell and everything it started can be
// signalled together: spawn detached, kill the group (SIGTERM, then SIGKILL after a grace).

import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

export interface GroupSpawnOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
}

/** Spawns `file` as the leader of a new process group (its pid is the group id). */
export function spawnInGroup(
  file: string,
  args: readonly string[],
  options: GroupSpawnOptions,
): ChildProcess {
  return spawn(file, args, { ...options, detached: true });
}

export interface GroupKill {
  /** The last signal sent, or null when the group was already gone. */
  signal: "SIGTERM" | "SIGKILL" | null;
  /** False when members were still alive after the bounded wait. */
  gone: boolean;
}

export interface KillOptions {
  /** How long members get to exit after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** How long to wait for the group to vanish after SIGKILL. */
  waitMs?: number;
}

/** Kills every process in the group `pgid`: SIGTERM, then SIGKILL for whatever outlives the grace. */
export async function killGroup(pgid: number, options: KillOptions = {}): Promise<GroupKill> {
  const { graceMs = 1000, waitMs = 2000 } = options;
  if (!(await groupAlive(pgid))) return { signal: null, gone: true };
  signalGroup(pgid, "SIGTERM");
  // A stopped process only acts on SIGTERM once continued.
  signalGroup(pgid, "SIGCONT");
  if (await waitUntilGone(pgid, graceMs)) return { signal: "SIGTERM", gone: true };
  signalGroup(pgid, "SIGKILL");
  return { signal: "SIGKILL", gone: await waitUntilGone(pgid, waitMs) };
}

/**
 * Whether any process of the group is still running. Zombies do not count: in a container whose
 * init does not reap orphans, a killed child can stay a zombie in the group indefinitely.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== "linux") return true;
  return (await livingMembers(pgid)).length > 0;
}

/** Sends `signal` to the group; false when no process of the group exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH") return false;
    // EPERM: the group exists but belongs to someone else now; it is not ours to signal.
    if (code === "EPERM") return false;
    throw error;
  }
}

async function waitUntilGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!(await groupAlive(pgid))) return true;
    if (Date.now() >= deadline) return false;
    await delay(20);
  }
}

/** Linux: pids in group `pgid` that are not zombies, from /proc/<pid>/stat. */
async function livingMembers(pgid: number): Promise<number[]> {
  const entries = await readdir("/proc");
  const members: number[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      if (!/^\d+$/.test(entry)) return;
      const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => undefined);
      if (stat === undefined) return; // exited while we looked
      // Fields after the command name, which is in parentheses and may contain anything.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const state = fields[0];
      const group = Number(fields[2]);
      if (group === pgid && state !== "Z" && state !== "X") members.push(Number(entry));
    }),
  );
  return members;
}
