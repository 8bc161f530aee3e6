// The files and folders under the workspace that `@` completion offers: a bounded, breadth-first
// walk honouring `.gitignore` files (from the repository root down) and `.git/info/exclude`.
// Not a general walker (tools use their own); shallow paths come first so a cut-off list still
// holds what a person is most likely to name.

import type { Dirent } from "node:fs";
import { readFile, readdir, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { isErrnoCode } from "../../fs/index.ts";

export interface ListOptions {
  signal?: AbortSignal;
  /** Paths returned at most (files and folders together). Default 20,000. */
  limit?: number;
  /** Folder levels below the root entered at most. Default 12. */
  maxDepth?: number;
}

/** Never listed, whatever the ignore files say: version control, and dependency trees. */
const ALWAYS_SKIPPED = new Set([".git", "node_modules"]);

interface Matcher {
  /** The folder holding the ignore file, relative to the repository root ("" for the root). */
  base: string;
  rules: Ignore;
}

interface PendingFolder {
  absolute: string;
  /** Relative to the listing root, "/"-separated, "" for the root. */
  path: string;
  depth: number;
  matchers: readonly Matcher[];
}

/**
 * Paths relative to `root` with "/" separators; folders end in "/". Breadth-first, so a listing
 * cut short by `limit` holds the shallow paths. Throws the signal's reason on abort, and the file
 * system error when `root` cannot be read; unreadable folders below it are skipped.
 */
export async function listWorkspaceFiles(
  root: string,
  options: ListOptions = {},
): Promise<string[]> {
  const limit = options.limit ?? 20_000;
  const maxDepth = options.maxDepth ?? 12;
  const repoRoot = (await findRepositoryRoot(root)) ?? root;
  const rootFromRepo = toSlash(relative(repoRoot, root));
  const out: string[] = [];
  let queue: PendingFolder[] = [
    { absolute: root, path: "", depth: 0, matchers: await matchersAbove(repoRoot, root) },
  ];
  while (queue.length > 0 && out.length < limit) {
    const next: PendingFolder[] = [];
    for (const folder of queue) {
      options.signal?.throwIfAborted();
      const entries = await readFolder(folder.absolute, folder.path === "");
      const repoPath = joinPath(rootFromRepo, folder.path);
      const own = await ignoreFileOf(folder.absolute, entries, repoPath);
      const matchers = own ? [...folder.matchers, own] : folder.matchers;
      for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (ALWAYS_SKIPPED.has(entry.name)) continue;
        const isFolder = entry.isDirectory();
        if (!isFolder && !entry.isFile() && !entry.isSymbolicLink()) continue;
        const path = joinPath(folder.path, entry.name);
        if (isIgnored(matchers, joinPath(rootFromRepo, path), isFolder)) continue;
        out.push(isFolder ? path + "/" : path);
        if (out.length >= limit) return out;
        if (isFolder && folder.depth < maxDepth) {
          next.push({
            absolute: join(folder.absolute, entry.name),
            path,
            depth: folder.depth + 1,
            matchers,
          });
        }
      }
    }
    queue = next;
  }
  return out;
}

async function readFolder(absolute: string, isRoot: boolean): Promise<Dirent[]> {
  try {
    return await readdir(absolute, { withFileTypes: true });
  } catch (error) {
    if (isRoot) throw error;
    // A folder we may not read (permissions, removed meanwhile) has nothing to offer.
    return [];
  }
}

/** The folder holding `.git` at or above `folder`, if any. */
async function findRepositoryRoot(folder: string): Promise<string | undefined> {
  for (let current = folder; ; current = dirname(current)) {
    try {
      await stat(join(current, ".git"));
      return current;
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) throw error;
    }
    if (dirname(current) === current) return undefined;
  }
}

/** `.git/info/exclude`, and the `.gitignore` files between the repository root and `root`. */
async function matchersAbove(repoRoot: string, root: string): Promise<Matcher[]> {
  const matchers: Matcher[] = [];
  const exclude = await readRules(join(repoRoot, ".git", "info", "exclude"));
  if (exclude) matchers.push({ base: "", rules: exclude });
  const between = toSlash(relative(repoRoot, root));
  const folders = between === "" ? [] : between.split("/");
  for (let depth = 0; depth < folders.length; depth++) {
    const base = folders.slice(0, depth).join("/");
    const rules = await readRules(join(repoRoot, ...folders.slice(0, depth), ".gitignore"));
    if (rules) matchers.push({ base, rules });
  }
  return matchers;
}

async function ignoreFileOf(
  absolute: string,
  entries: readonly Dirent[],
  repoPath: string,
): Promise<Matcher | undefined> {
  if (!entries.some((entry) => entry.name === ".gitignore")) return undefined;
  const rules = await readRules(join(absolute, ".gitignore"));
  return rules && { base: repoPath, rules };
}

async function readRules(file: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await readFile(file, "utf8"));
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR", "EACCES", "EISDIR")) return undefined;
    throw error;
  }
}

/** A path is ignored when the nearest ignore file with a verdict on it says so. */
function isIgnored(matchers: readonly Matcher[], repoPath: string, isFolder: boolean): boolean {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const matcher = matchers[i];
    if (!matcher) continue;
    const local = matcher.base === "" ? repoPath : repoPath.slice(matcher.base.length + 1);
    const verdict = matcher.rules.test(isFolder ? local + "/" : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

function joinPath(a: string, b: string): string {
  return a === "" ? b : b === "" ? a : `${a}/${b}`;
}

function toSlash(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}
