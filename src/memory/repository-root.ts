// Finds the repository root memory discovery starts from: the nearest folder at or above the
// working directory holding a `.git` (a folder, or the file of a worktree or submodule).

import { lstat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { errnoCode } from "../fs/index.ts";

/** The nearest ancestor-or-self of `cwd` with a `.git`, else `cwd` itself. */
export async function findRepositoryRoot(cwd: string): Promise<string> {
  for (let folder = cwd; ; folder = dirname(folder)) {
    if (await exists(join(folder, ".git"))) return folder;
    if (dirname(folder) === folder) return cwd;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    // An unreadable folder on the way up cannot be a repository we may read memory from either.
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EACCES" || code === "EPERM") {
      return false;
    }
    throw error;
  }
}
