// Resolving the paths a model passes to tools: relative to the workspace, symlinks followed,
// with the answer to "is this inside the workspace?" computed on real paths, by components.

import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export interface ResolvedPath {
  /** What the model asked for, made absolute (relative paths are against the base). */
  absolute: string;
  /** `absolute` with every existing symlink resolved; for a missing file, its nearest existing parent resolved. */
  real: string;
  /** Whether the real path lies in one of the workspace roots. */
  inside: boolean;
  /** A short form for messages: relative to the root when inside, absolute otherwise. */
  display: string;
}

export interface Workspace {
  /** The workspace root (already a real path). */
  root: string;
  /** Extra directories the user allowed (real paths). */
  additionalDirs: readonly string[];
}

export async function resolvePath(
  workspace: Workspace,
  input: string,
  base = workspace.root,
): Promise<ResolvedPath> {
  const expanded =
    input.startsWith("~/") && process.env.HOME ? join(process.env.HOME, input.slice(2)) : input;
  const absolute = resolve(base, expanded);
  const real = await realpathOfNearest(absolute);
  const roots = [workspace.root, ...workspace.additionalDirs];
  const inside = roots.some((root) => isWithin(root, real));
  const display = isWithin(workspace.root, real) ? relative(workspace.root, real) || "." : absolute;
  return { absolute, real, inside, display };
}

/** True when `path` is `root` or below it; compares path components, never string prefixes. */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** realpath of the path, or of its nearest existing ancestor with the rest appended. */
async function realpathOfNearest(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(await realpathOfNearest(parent), basename(path));
  }
}
