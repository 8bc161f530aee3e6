// Replacing a file's content all at once: write a temp file beside it, fsync, rename over it.
// A reader (or a crash) sees the old bytes or the new ones, never half of each. Files whose
// identity a rename would break (hard links, another owner) are written in place instead.

import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { isErrnoCode, overwriteInPlace, replaceFile } from "../fs/index.ts";

/**
 * Writes `data` to `path` atomically. An existing file keeps its permission bits; a new one gets
 * the usual 0o666 minus umask. `path` should be a real path: renaming over a symlink would
 * replace the link, not its target. The folder must exist.
 */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const existing = await existingFile(path);
  if (existing) {
    // A rename would quietly "write" a file the user made read-only (even as root, who may
    // write anything): refuse, like an editor without a force flag.
    await access(path, constants.W_OK);
    if ((existing.mode & 0o200) === 0) {
      throw Object.assign(new Error(`${path} is read-only`), { code: "EACCES" });
    }
    // A rename would split a hard link (the other names keep the old bytes) or give the file
    // to whoever runs cairn: write those in place, durably, instead.
    if (existing.nlink > 1 || existing.uid !== process.getuid?.()) {
      await overwriteInPlace(path, data);
      return;
    }
  }
  // An existing file keeps its exact bits; a new one gets 0o666 minus the umask.
  await replaceFile(path, data, existing?.mode);
}

async function existingFile(
  path: string,
): Promise<{ mode: number; nlink: number; uid: number } | undefined> {
  try {
    const info = await stat(path);
    return { mode: info.mode & 0o7777, nlink: info.nlink, uid: info.uid };
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return undefined;
    throw error;
  }
}
