// The empty files and folders that bubblewrap mounts read-only over protected paths that do not
// exist yet: created on the host right before a command, removed once the last command using them
// has ended (background jobs overlap), and only if they are still empty. Not for macOS, where
// Seatbelt denies by path and needs nothing on disk.

import { lstat, mkdir, rmdir, unlink, writeFile } from "node:fs/promises";

export interface Placeholder {
  path: string;
  type: "dir" | "file";
}

export interface PlaceholderRegistry {
  /** True while a placeholder this registry made sits at `path`: it stands for "missing". */
  isPlaceholder: (path: string) => boolean;
  /**
   * Makes sure each placeholder exists and counts this use; the returned function ends the use.
   * It never rejects: a placeholder that cannot be removed stays (empty and harmless).
   */
  acquire(wanted: readonly Placeholder[]): Promise<() => Promise<void>>;
}

interface Entry {
  type: "dir" | "file";
  users: number;
  /** False when something else created the path first; then it is never removed. */
  ours: boolean;
  /** Creation and removal of one path run one after the other, never interleaved. */
  queue: Promise<void>;
}

export function createPlaceholderRegistry(): PlaceholderRegistry {
  const entries = new Map<string, Entry>();

  const release = async (paths: readonly string[]): Promise<void> => {
    await Promise.all(
      paths.map((path) => {
        const entry = entries.get(path);
        if (!entry) return Promise.resolve();
        entry.users--;
        entry.queue = entry.queue.then(async () => {
          if (entry.users > 0) return;
          if (entry.ours) await removeIfEmpty(path, entry.type);
          entry.ours = false;
          if (entry.users === 0) entries.delete(path);
        });
        return entry.queue;
      }),
    );
  };

  return {
    isPlaceholder: (path) => entries.has(path),

    async acquire(wanted) {
      const taken: string[] = [];
      try {
        for (const { path, type } of wanted) {
          let entry = entries.get(path);
          if (!entry) {
            entry = { type, users: 0, ours: false, queue: Promise.resolve() };
            entries.set(path, entry);
          }
          entry.users++;
          taken.push(path);
          const current = entry;
          const created = current.queue.then(async () => {
            if (current.ours) return;
            current.ours = await create(path, current.type);
          });
          // The queue itself must stay usable after a failure; the failure is thrown below.
          current.queue = created.catch(() => undefined);
          await created;
        }
      } catch (error) {
        await release(taken);
        throw error;
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await release(taken);
      };
    },
  };
}

/** Creates an empty placeholder; false when something is already there (then it is not ours). */
async function create(path: string, type: "dir" | "file"): Promise<boolean> {
  try {
    if (type === "dir") await mkdir(path);
    else await writeFile(path, "", { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new Error(
      `could not create the placeholder ${path} that keeps it from being created: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

async function removeIfEmpty(path: string, type: "dir" | "file"): Promise<void> {
  try {
    if (type === "dir") {
      // rmdir refuses a folder that is not empty: then the user put something there; keep it.
      await rmdir(path);
      return;
    }
    const info = await lstat(path);
    if (info.isFile() && info.size === 0) await unlink(path);
  } catch {
    // Gone already, no longer empty, or not ours to remove: an empty leftover is harmless.
  }
}
