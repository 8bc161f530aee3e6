// Reads what is at a path right now, without following a symlink at its last component: a file's
// bytes and mode, a link's target, absence, or why the content cannot be kept.

import { constants } from "node:fs";
import { lstat, open, readlink } from "node:fs/promises";
import { dirname } from "node:path";
import { sha256 } from "./blob-store.ts";
import type { PathState } from "./entries.ts";
import { isErrnoCode } from "../fs/index.ts";

export interface Observation {
  state: PathState;
  /** The file's bytes, when `state` is a file. */
  data?: Buffer;
}

export async function observe(path: string, maxBytes: number): Promise<Observation> {
  const info = await lstatOrMissing(path);
  if (!info) return { state: { kind: "missing", existingParent: await existingAncestor(path) } };
  if (info.isSymbolicLink()) return { state: { kind: "symlink", target: await readlink(path) } };
  if (info.isDirectory()) return { state: { kind: "unsaved", reason: "it is a folder" } };
  if (!info.isFile()) {
    return { state: { kind: "unsaved", reason: "it is not a regular file" } };
  }
  if (info.size > maxBytes) return { state: tooLarge(maxBytes) };
  let handle;
  try {
    // O_NOFOLLOW: if the file was replaced by a link since lstat, fail rather than read through it.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if (isErrnoCode(error, "ELOOP", "ENOENT")) return observe(path, maxBytes);
    throw error;
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || opened.ino !== info.ino) return await observe(path, maxBytes);
    const data = await handle.readFile();
    // The file may have grown between the size check and the read.
    if (data.length > maxBytes) return { state: tooLarge(maxBytes) };
    return {
      state: { kind: "file", hash: sha256(data), size: data.length, mode: opened.mode & 0o7777 },
      data,
    };
  } finally {
    await handle.close();
  }
}

function tooLarge(maxBytes: number): PathState {
  return { kind: "unsaved", reason: `it is larger than ${formatBytes(maxBytes)}` };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

async function lstatOrMissing(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return undefined;
    throw error;
  }
}

/** The nearest folder above `path` that exists. */
async function existingAncestor(path: string): Promise<string> {
  let folder = dirname(path);
  for (;;) {
    const info = await lstatOrMissing(folder);
    if (info?.isDirectory()) return folder;
    const parent = dirname(folder);
    if (parent === folder) return folder;
    folder = parent;
  }
}
