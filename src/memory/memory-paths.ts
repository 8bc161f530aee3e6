// Path helpers for memory files: the names looked for in a folder, containment by components,
// real paths that tolerate missing files, and the short form shown to the model.

import { realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { errnoCode } from "../fs/index.ts";
import { describeFailure } from "./fs-errors.ts";

/**
 * The memory files of one folder, broad → specific. AGENTS.md comes first so that the common
 * CLAUDE.md consisting of `@AGENTS.md` finds it already included; the personal CLAUDE.local.md
 * comes last so it can refine the shared files.
 */
export const folderMemoryNames = ["AGENTS.md", "CLAUDE.md", ".claude/CLAUDE.md", "CLAUDE.local.md"];

/** True when `path` is `root` or below it; compares path components, never string prefixes. */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export type RealPath =
  { type: "found"; path: string } | { type: "missing" } | { type: "failed"; reason: string };

export async function realPathOf(path: string): Promise<RealPath> {
  try {
    return { type: "found", path: await realpath(path) };
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { type: "missing" };
    return { type: "failed", reason: describeFailure(error) };
  }
}

/** realpath of the path, or of its nearest existing ancestor with the rest appended. */
export async function realPathOfNearest(path: string): Promise<string> {
  const found = await realPathOf(path);
  if (found.type === "found") return found.path;
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realPathOfNearest(parent), basename(path));
}

/** The folders from `top` down to `bottom`, both included; empty when `bottom` is not below `top`. */
export function foldersBetween(top: string, bottom: string): string[] {
  if (!isWithin(top, bottom)) return [];
  const folders = [top];
  const rel = relative(top, bottom);
  if (rel === "") return folders;
  let current = top;
  for (const part of rel.split(sep)) {
    current = join(current, part);
    folders.push(current);
  }
  return folders;
}

/** Where an `@spec` written in a file inside `folder` points. */
export function resolveImportSpec(spec: string, folder: string, home: string): string {
  if (spec === "~") return home;
  if (spec.startsWith("~/")) return join(home, spec.slice(2));
  return resolve(folder, spec);
}

/** Relative to the root when inside it, `~/…` when under home, else absolute. */
export function displayPath(
  path: string,
  places: { root: string; home: string },
  preferHome = false,
): string {
  const underHome = isWithin(places.home, path) && places.home !== dirname(places.home);
  const homeForm = () => (path === places.home ? "~" : `~/${relative(places.home, path)}`);
  if (preferHome && underHome) return homeForm();
  if (isWithin(places.root, path)) return relative(places.root, path) || ".";
  if (underHome) return homeForm();
  return path;
}
