// Removes old sessions (`cleanupPeriodDays`): transcripts not written for longer than the period,
// with their side folders, across every project. A session another process is writing is kept.

import { readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { CairnError, errorMessage } from "../core/errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { acquireLock } from "./lock.ts";
import { isValidSessionId, projectsDir, sessionPaths } from "./paths.ts";

export interface CleanupResult {
  /** Transcripts removed (their side folders and stale locks went with them). */
  removed: string[];
  /** Sessions that could not be removed and why; the rest of the sweep went on. */
  problems: string[];
}

/**
 * Removes every transcript whose last write is more than `days` days before `now`.
 * `days` must be positive: 0, a negative or a non-number removes nothing. Claude Code documents
 * `cleanupPeriodDays: 0` as "disable cleanup" (keep everything), and a sweep that deletes every
 * session must never follow from a typo.
 */
export async function cleanupSessions(
  cairnHome: string,
  days: number,
  now: Date = new Date(),
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], problems: [] };
  if (!Number.isFinite(days) || days <= 0) return result;
  const cutoff = now.getTime() - days * 24 * 60 * 60 * 1000;
  const base = projectsDir(cairnHome);
  for (const folder of await namesIn(base)) {
    const dir = join(base, folder);
    for (const name of await namesIn(dir)) {
      if (/\.lock\.[0-9a-f]+\.(tmp|stale)$/.test(name)) {
        // Left by a cairn killed while taking or taking over a lock.
        await removeLeftover(join(dir, name), cutoff, result);
        continue;
      }
      const id = name.endsWith(".jsonl") ? name.slice(0, -".jsonl".length) : "";
      if (!isValidSessionId(id)) continue;
      try {
        if (await removeIfOld(dir, id, cutoff)) result.removed.push(join(dir, name));
      } catch (error) {
        result.problems.push(`${join(dir, name)}: ${errorMessage(error)}`);
      }
    }
    try {
      // Only succeeds once the project has nothing left.
      await rmdir(dir);
    } catch (error) {
      if (!isErrnoCode(error, "ENOTEMPTY", "EEXIST", "ENOENT", "ENOTDIR")) {
        result.problems.push(`${dir}: ${errorMessage(error)}`);
      }
    }
  }
  return result;
}

async function removeIfOld(dir: string, id: string, cutoff: number): Promise<boolean> {
  const paths = sessionPaths(dir, id);
  const info = await stat(paths.transcript);
  if (!info.isFile() || info.mtimeMs >= cutoff) return false;
  // Holding the lock while removing: a cairn resuming this session right now either gets it
  // first (and the session is kept) or finds it gone, never writes into a deleted file.
  let lock;
  try {
    lock = await acquireLock(paths.lock, id);
  } catch (error) {
    if (error instanceof CairnError && error.code === "session_busy") return false;
    throw error;
  }
  try {
    await rm(paths.dataDir, { recursive: true, force: true });
    await rm(paths.transcript, { force: true });
  } finally {
    await lock.release();
  }
  return true;
}

async function removeLeftover(path: string, cutoff: number, result: CleanupResult): Promise<void> {
  try {
    if ((await stat(path)).mtimeMs < cutoff) await rm(path, { force: true });
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) result.problems.push(`${path}: ${errorMessage(error)}`);
  }
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return [];
    throw error;
  }
}
