// The few file-system primitives the checkpoint files share (errno tests, folder fsync, real
// paths of paths that may not exist). Not policy: what to save and restore lives elsewhere.

import { open, realpath } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export function isErrnoCode(error: unknown, ...codes: string[]): boolean {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    codes.includes(error.code)
  );
}

/** Makes a rename or unlink in `folder` durable. Some file systems cannot fsync a folder. */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch (error) {
    if (!isErrnoCode(error, "EINVAL", "EISDIR", "EPERM", "EACCES", "ENOTSUP")) throw error;
  } finally {
    await handle?.close();
  }
}

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
