// Replacing a small configuration file all at once (temp file beside it, fsync, rename), so a
// crash or a concurrent reader sees the old content or the new, never half of each.

import { randomBytes } from "node:crypto";
import { mkdir, open, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes `text` to `path`. A symbolic link is written through (its target is replaced, the link
 * stays). An existing file keeps its permission bits unless `keepMode` is false; a new one gets
 * `mode` (exactly, not minus the umask). Missing folders are created with `folderMode`.
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: { mode: number; folderMode?: number; keepMode?: boolean },
): Promise<void> {
  const target = await realpath(path).catch((error: unknown) => {
    if (isCode(error, "ENOENT")) return path;
    throw error;
  });
  const folder = dirname(target);
  await mkdir(folder, {
    recursive: true,
    ...(options.folderMode ? { mode: options.folderMode } : {}),
  });
  const existingMode = await stat(target).then(
    (info) => info.mode & 0o7777,
    (error: unknown) => {
      if (isCode(error, "ENOENT")) return undefined;
      throw error;
    },
  );
  const mode = options.keepMode === false ? options.mode : (existingMode ?? options.mode);
  const temp = join(
    folder,
    `.${basename(target).slice(0, 100)}.${randomBytes(6).toString("hex")}.tmp`,
  );
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(text, "utf8");
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(folder);
}

/** Makes the rename durable where the file system allows fsync on a folder. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch (error) {
    if (!isCode(error, "EINVAL", "EISDIR", "EPERM", "EACCES", "ENOTSUP")) throw error;
  } finally {
    await handle?.close();
  }
}

export function isCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    codes.includes(error.code)
  );
}
