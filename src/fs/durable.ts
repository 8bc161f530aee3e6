// File-system primitives the services share: telling errno failures apart, durable folder
// entries, and replacing a file's content all at once. Policy (what, where) stays with callers.

import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** The code of a Node system error (`ENOENT`, `EACCES`…); undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/** True when `error` is a Node system error with one of these codes (`ENOENT`, `EEXIST`…). */
export function isErrnoCode(error: unknown, ...codes: string[]): boolean {
  const code = errnoCode(error);
  return code !== undefined && codes.includes(code);
}

/** Makes a rename, link or unlink in `folder` durable. Some file systems cannot fsync a folder. */
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
 * Replaces whatever is at `path` (a file, or a link, which is replaced rather than followed) with
 * `data`, all at once: a temp file beside it (exclusive create), fsync, rename, folder fsync. A
 * reader or a crash sees the old content or the new, never half of each. `mode` is applied
 * exactly (chmod ignores the umask); without it a new file gets 0o666 minus the umask.
 */
export async function replaceFile(
  path: string,
  data: string | Buffer,
  mode?: number,
): Promise<void> {
  // Shortened so a name near the 255-byte limit still leaves room for the suffix.
  const stem = basename(path).slice(0, 100);
  const temp = join(dirname(path), `.${stem}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", mode ?? 0o666);
    try {
      await handle.writeFile(data);
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

/**
 * Rewrites an existing regular file's bytes in place, durably, never through a final symlink: for
 * files a rename would change the identity of (hard links, another owner's file).
 */
export async function overwriteInPlace(path: string, data: Buffer, mode?: number): Promise<void> {
  const handle = await open(path, constants.O_WRONLY | constants.O_NOFOLLOW);
  try {
    await handle.truncate(0);
    await handle.write(data, 0, data.length, 0);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
