// Replacing a file's content all at once: write a temp file beside it, fsync, rename over it.
// A reader (or a crash) sees the old bytes or the new ones, never half of each.

import { randomBytes } from "node:crypto";
import { open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isErrnoCode } from "./fs-errors.ts";

/**
 * Writes `data` to `path` atomically. An existing file keeps its permission bits; a new one gets
 * the usual 0o666 minus umask. `path` should be a real path: renaming over a symlink would
 * replace the link, not its target. The folder must exist.
 */
export async function writeFileAtomic(path: string, data: Buffer): Promise<void> {
  const mode = await existingMode(path);
  // Shortened so a name near the 255-byte limit still leaves room for the suffix.
  const stem = basename(path).slice(0, 100);
  const temp = join(dirname(path), `.${stem}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", mode ?? 0o666);
    try {
      await handle.writeFile(data);
      // open() applies the umask; chmod does not, so this restores the exact original bits.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return undefined;
    throw error;
  }
}

/** Makes the rename durable. Some file systems cannot fsync a folder; the rename still happened. */
async function syncFolder(folder: string): Promise<void> {
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
