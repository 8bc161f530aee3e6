// Path helpers the checkpoint files share: real paths of paths that may not exist, and a
// link's own path. Not policy: what to save and restore lives elsewhere.

import { realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isErrnoCode } from "../fs/index.ts";

/**
 * realpath of the path, or of its nearest existing ancestor with the rest appended: the same
 * answer the tools' path resolution gives, so a checkpoint names the file a tool writes.
 */
export async function realpathOfNearest(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT", "ENOTDIR", "ELOOP")) throw error;
    const parent = dirname(path);
    if (parent === path) return path;
    return join(await realpathOfNearest(parent), basename(path));
  }
}

/** The path with its folder resolved but its last component kept: a symlink stays a symlink. */
export async function linkPath(path: string): Promise<string> {
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realpathOfNearest(parent), basename(path));
}
