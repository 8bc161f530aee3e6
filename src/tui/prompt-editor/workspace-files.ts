// The files and folders under the workspace that `@` completion offers, from the tools' own
// ignore-aware walker (`.gitignore` at every level, `.ignore`, `.git/info/exclude`). What is
// added here is the editor's wish: shallow paths first, so a list cut at its cap still holds what
// a person is most likely to name, and the folders the files are in.

import { walkFiles } from "../../tools/index.ts";

export interface ListOptions {
  signal?: AbortSignal;
  /** Paths returned at most (files and folders together). Default 20,000. */
  limit?: number;
  /** Folder levels below the root listed at most. Default 12. */
  maxDepth?: number;
  /** Files read from the walk at most before the shallowest are kept. Default 100,000. */
  scanLimit?: number;
}

/** Never offered, whatever the ignore files say: dependency trees (`.git` the walker skips). */
const skippedFolder = /(^|\/)node_modules$/;

/**
 * Paths relative to `root` with "/" separators; folders end in "/". Ordered by depth, then by
 * path, so a listing cut short by `limit` holds the shallow paths. Throws the signal's reason on
 * abort, and the file system error when `root` cannot be read.
 */
export async function listWorkspaceFiles(
  root: string,
  options: ListOptions = {},
): Promise<string[]> {
  const limit = options.limit ?? 20_000;
  const maxDepth = options.maxDepth ?? 12;
  const files: string[] = [];
  for await (const file of walkFiles({
    root,
    includeHidden: true,
    limit: options.scanLimit ?? 100_000,
    // Skipped before they are read: a file's depth is that of the folder it is in.
    skipDir: (path, depth) => depth > maxDepth || skippedFolder.test(path),
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    files.push(file.path);
  }
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file);
    for (let slash = file.indexOf("/"); slash >= 0; slash = file.indexOf("/", slash + 1)) {
      paths.add(file.slice(0, slash + 1));
    }
  }
  return [...paths].sort(shallowFirst).slice(0, limit);
}

/** Folders above the path ("src/a.ts" is 1, "src/" is 0). */
function depthOf(path: string): number {
  let depth = 0;
  for (let i = path.indexOf("/"); i >= 0 && i < path.length - 1; i = path.indexOf("/", i + 1)) {
    depth++;
  }
  return depth;
}

function shallowFirst(a: string, b: string): number {
  return depthOf(a) - depthOf(b) || (a < b ? -1 : a > b ? 1 : 0);
}
