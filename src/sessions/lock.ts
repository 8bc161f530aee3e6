// The `<id>.lock` file that makes one process at a time the writer of a transcript. A lock
// whose process is gone (same host, pid dead or reused) is stale and taken over.
// Not a read lock: listing, loading and forking never take it.

import { randomBytes } from "node:crypto";
import { link, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { hostname as osHostname } from "node:os";
import * as z from "zod/mini";
import { CairnError } from "../core/errors.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";
import { isErrnoCode } from "../fs/index.ts";

useEnglishValidationMessages();

const lockSchema = z.object({
  pid: z.int(),
  hostname: z.string(),
  startedAt: z.string(),
  /** Tells our lock from a later one at the same path, so we never remove another's lock. */
  token: z.string(),
  /** Linux: the process's start time (/proc/<pid>/stat), which exposes a reused pid. */
  processStart: z.optional(z.string()),
});

export type LockInfo = z.infer<typeof lockSchema>;

export interface HeldLock {
  readonly path: string;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export type LockStatus =
  | { state: "free" }
  | { state: "live"; info: LockInfo }
  | { state: "stale"; info: LockInfo | undefined };

/** Whether a lock is held, by whom, and whether that holder still runs. */
export async function lockStatus(path: string): Promise<LockStatus> {
  const info = await readLock(path);
  if (info === "missing") return { state: "free" };
  if (info === "unreadable") return { state: "stale", info: undefined };
  return (await holderAlive(info)) ? { state: "live", info } : { state: "stale", info };
}

/**
 * Makes this process the writer of `sessionId`, or throws `session_busy` naming the process that
 * is. A lock left by a process that died is taken over.
 */
export async function acquireLock(path: string, sessionId: string): Promise<HeldLock> {
  const info: LockInfo = {
    pid: process.pid,
    hostname: osHostname(),
    startedAt: new Date().toISOString(),
    token: randomBytes(8).toString("hex"),
  };
  const start = await processStart(process.pid);
  if (start !== undefined) info.processStart = start;

  // Written whole under a private name, then linked into place: link fails if the lock exists,
  // and a reader never sees a half-written lock.
  const temp = `${path}.${info.token}.tmp`;
  await writeFile(temp, `${JSON.stringify(info)}\n`, { mode: 0o600, flag: "wx" });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await link(temp, path);
        return { path, release: () => releaseLock(path, info.token) };
      } catch (error) {
        if (!isErrnoCode(error, "EEXIST")) throw error;
      }
      const status = await lockStatus(path);
      if (status.state === "live") throw busyError(sessionId, path, status.info);
      if (status.state === "stale") await removeStale(path, status.info);
    }
    throw new CairnError(
      "session_busy",
      `session ${sessionId}: could not take its lock ${path} (other processes keep taking it)`,
      "Try again, or resume with --fork-session to continue in a copy.",
    );
  } finally {
    await unlink(temp);
  }
}

function busyError(sessionId: string, path: string, holder: LockInfo): CairnError {
  const where = holder.hostname === osHostname() ? "" : ` on ${holder.hostname}`;
  return new CairnError(
    "session_busy",
    `session ${sessionId} is being written by another cairn (pid ${holder.pid}${where}, since ${holder.startedAt})`,
    `Resume it with --fork-session to continue in a copy, or wait until that cairn ends. ` +
      `If no cairn is running there, delete ${path}.`,
  );
}

/**
 * Moves a stale lock aside, then checks that what moved is the stale lock we judged: if another
 * process took it over in between, its fresh lock is put back.
 */
async function removeStale(path: string, judged: LockInfo | undefined): Promise<void> {
  const aside = `${path}.${randomBytes(8).toString("hex")}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return; // someone else removed it first
    throw error;
  }
  const moved = await readLock(aside);
  const same =
    judged === undefined
      ? moved === "unreadable"
      : typeof moved === "object" && moved.token === judged.token;
  if (!same) {
    try {
      await link(aside, path);
    } catch (error) {
      // EEXIST: yet another process holds a newer lock; the one moved aside is superseded.
      if (!isErrnoCode(error, "EEXIST")) throw error;
    }
  }
  await unlink(aside);
}

async function releaseLock(path: string, token: string): Promise<void> {
  const current = await readLock(path);
  // A lock that is no longer ours (taken over as stale while we hung) belongs to its new holder.
  if (typeof current === "object" && current.token === token) {
    try {
      await unlink(path);
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT")) throw error;
    }
  }
}

async function readLock(path: string): Promise<LockInfo | "missing" | "unreadable"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return "missing";
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Locks are written whole, so a damaged one was not written by a running cairn.
    return "unreadable";
  }
  const parsed = z.safeParse(lockSchema, value);
  return parsed.success ? parsed.data : "unreadable";
}

async function holderAlive(info: LockInfo): Promise<boolean> {
  // Another host's processes cannot be checked from here: assume it still runs.
  if (info.hostname !== osHostname()) return true;
  // kill(0) or kill(-n) would signal a process group, not test one process.
  if (info.pid <= 0) return false;
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if (isErrnoCode(error, "ESRCH")) return false;
    if (!isErrnoCode(error, "EPERM")) throw error;
  }
  if (info.processStart === undefined) return true;
  const now = await processStart(info.pid);
  // A different start time means the pid was reused by an unrelated process.
  return now === undefined || now === info.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined off Linux. */
async function processStart(pid: number): Promise<string | undefined> {
  if (process.platform !== "linux") return undefined;
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "EACCES", "ESRCH")) return undefined;
    throw error;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19];
}
