// Memory files below the working directory's chain, which join the session when a tool first
// touches their folder: `src/api/AGENTS.md` loads when the model reads `src/api/routes.ts`.

import { stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { loadMemoryFile } from "./load-memory-file.ts";
import { defaultMaxFileBytes, type MemoryContext, type MemoryFile } from "./memory-file.ts";
import { folderMemoryNames, foldersBetween, isWithin, realPathOfNearest } from "./memory-paths.ts";

export interface NestedMemoryOptions {
  /** The repository root (`LoadedMemory.root`). */
  root: string;
  /** The user's home folder, for `~/` imports and display. */
  home: string;
  /** The working directory (`LoadedMemory.cwd`); the folders from the root to it were loaded at start. */
  cwd?: string;
  /** Real paths already in the session's memory (`LoadedMemory.loadedPaths`). */
  loaded: Iterable<string>;
  maxFileBytes?: number;
  onWarning?: (message: string) => void;
}

export interface NestedMemory {
  /**
   * Given absolute paths a tool touched (files or folders, existing or not), the memory files of
   * the folders between the root and each path that the session has not seen yet, broad →
   * specific. Each folder is looked at once per session, so a file appears at most once.
   */
  touch(paths: readonly string[]): Promise<MemoryFile[]>;
}

// Folders whose memory files come from someone else's package, not from this project.
const foreignFolders = new Set(["node_modules", ".git"]);

export function createNestedMemory(options: NestedMemoryOptions): NestedMemory {
  const included = new Set(options.loaded);
  const looked = new Set<string>();
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const warn = options.onWarning ?? (() => undefined);
  let places: Promise<{ root: string; home: string; cwd: string }> | undefined;
  // Calls run one after another, so two concurrent reads in one folder cannot both claim its file.
  let queue: Promise<unknown> = Promise.resolve();

  const resolvePlaces = async () => {
    const root = await realPathOfNearest(options.root);
    const home = await realPathOfNearest(options.home);
    const cwd = options.cwd === undefined ? root : await realPathOfNearest(options.cwd);
    return { root, home, cwd };
  };

  const touchNow = async (paths: readonly string[]): Promise<MemoryFile[]> => {
    places ??= resolvePlaces();
    const { root, home, cwd } = await places;
    const ctx: MemoryContext = { root, home, maxFileBytes, included, warn };
    const found: MemoryFile[] = [];
    for (const path of paths) {
      const real = await realPathOfNearest(resolve(root, path));
      if (!isWithin(root, real)) continue;
      const folder = (await isFolder(real)) ? real : dirname(real);
      for (const dir of foldersBetween(root, folder)) {
        if (isWithin(dir, cwd) || looked.has(dir)) continue;
        if (
          relative(root, dir)
            .split(sep)
            .some((part) => foreignFolders.has(part))
        )
          break;
        looked.add(dir);
        for (const name of folderMemoryNames) {
          const file = await loadMemoryFile(join(dir, name), "nested", ctx);
          if (file) found.push(file);
        }
      }
    }
    return found;
  };

  return {
    touch(paths) {
      const run = queue.then(() => touchNow(paths));
      // The caller gets this call's failure through `run`; the queue only has to move on.
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // Missing (a file about to be written) or unreadable: its parent is the folder to look in.
    return false;
  }
}
