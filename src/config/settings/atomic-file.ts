// Replacing a small configuration file all at once (temp file beside it, fsync, rename), so a
// crash or a concurrent reader sees the old content or the new, never half of each.

import { mkdir, realpath, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { isErrnoCode, replaceFile } from "../../fs/index.ts";

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
    if (isErrnoCode(error, "ENOENT")) return path;
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
      if (isErrnoCode(error, "ENOENT")) return undefined;
      throw error;
    },
  );
  const mode = options.keepMode === false ? options.mode : (existingMode ?? options.mode);
  await replaceFile(target, text, mode);
}
