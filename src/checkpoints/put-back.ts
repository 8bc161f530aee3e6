// Puts one saved state back at a path: a file's exact bytes and mode, a symlink as a symlink, or
// absence. Never writes through a symlink; each change is atomic for its own path.

import { randomBytes } from "node:crypto";
import { lstat, mkdir, realpath, rename, rm, rmdir, symlink, unlink } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import { isErrnoCode, overwriteInPlace, replaceFile, syncFolder } from "../fs/index.ts";

/** Writes `data` with `mode` at `path`, replacing whatever is there (a link is replaced, not followed). */
export async function putFile(path: string, data: Buffer, mode: number): Promise<void> {
  await ensureFolder(path);
  const current = await lstatOrMissing(path);
  // A rename would split a hard link (the other names keep the newer bytes) or hand the file to
  // whoever runs cairn; the tools write those in place, so a rewind does too.
  if (
    current?.isFile() &&
    (current.nlink > 1 || (process.getuid !== undefined && current.uid !== process.getuid()))
  ) {
    await overwriteInPlace(path, data, mode);
    return;
  }
  await replaceFile(path, data, mode);
}

/** Makes `path` a symlink to `target`, replacing whatever is there. */
export async function putSymlink(path: string, target: string): Promise<void> {
  await ensureFolder(path);
  const temp = tempBeside(path);
  try {
    await symlink(target, temp);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

/**
 * Removes the file or link at `path`, then the folders above it, up to `keep`, that were created
 * for it and are now empty. A folder at `path` is left alone: cairn's tools never made one.
 */
export async function removePath(path: string, keep: string | undefined): Promise<void> {
  await ensureFolder(path, { create: false });
  const current = await lstatOrMissing(path);
  if (current?.isDirectory()) {
    throw new Error("it is now a folder, which a rewind does not remove");
  }
  if (current) {
    await unlink(path);
    await syncFolder(dirname(path));
  }
  if (keep === undefined) return;
  let folder = dirname(path);
  while (isStrictlyBelow(keep, folder)) {
    try {
      await rmdir(folder);
    } catch (error) {
      if (isErrnoCode(error, "ENOTEMPTY", "EEXIST", "ENOENT", "ENOTDIR")) return;
      throw error;
    }
    folder = dirname(folder);
  }
}

/**
 * Checks that the folder holding `path` is still the real folder it was when the path was saved
 * (not a symlink leading elsewhere), creating it if it has gone.
 */
async function ensureFolder(path: string, options = { create: true }): Promise<void> {
  const folder = dirname(path);
  let real: string;
  try {
    real = await realpath(folder);
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) throw error;
    if (!options.create) return;
    await mkdir(folder, { recursive: true });
    real = await realpath(folder);
  }
  if (real !== folder) {
    throw new Error(`its folder now leads to ${real} through a symbolic link; not following it`);
  }
}

function tempBeside(path: string): string {
  // Shortened so a name near the 255-byte limit still leaves room for the suffix.
  const stem = basename(path).slice(0, 100);
  return join(dirname(path), `.${stem}.${randomBytes(6).toString("hex")}.cairn-rewind`);
}

function isStrictlyBelow(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function lstatOrMissing(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return undefined;
    throw error;
  }
}
