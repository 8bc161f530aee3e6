// Replacing a file's content all at once: write a temp file beside it, fsync, rename over it.
// A reader (or a crash) sees the old bytes or the new ones, never half of each. Files whose
// identity a rename would break (hard links, another owner) are written in place instead.

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isErrnoCode } from "./fs-errors.ts";

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
      await writeInPlace(path, data);
      return;
    }
  }
  const mode = existing?.mode;
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

async function writeInPlace(path: string, data: Buffer): Promise<void> {
  const handle = await open(path, "r+");
  try {
    await handle.truncate(0);
    await handle.write(data, 0, data.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
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
