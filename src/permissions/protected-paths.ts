// Paths whose change could make code run later or change how tools behave: git metadata and
// hooks, agent and editor config, shell start-up files. A write to one is never approved by an
// allow rule or acceptEdits (it asks); only bypassPermissions lets it through. Pure.

import { pathBelow, pathFolding } from "./path-rules.ts";

/** Folders protected with everything in them, wherever they appear in the workspace or home. */
const protectedFolders = [".git", ".cairn", ".claude", ".vscode", ".idea", ".husky"];

/** Files protected wherever they appear in the workspace or home. */
const protectedFiles = [
  ".mcp.json",
  ".claude.json",
  ".gitconfig",
  ".gitmodules",
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".envrc",
  ".pre-commit-config.yaml",
  ".ripgreprc",
  // Shell start-up files.
  ".profile",
  ".login",
  ".logout",
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".zshrc",
  ".zshenv",
  ".zprofile",
  ".zlogin",
  ".zlogout",
  ".kshrc",
  ".cshrc",
  ".tcshrc",
  ".inputrc",
];

/** Folder sequences protected with what they hold: git's and fish's config under XDG. */
const protectedSubpaths: readonly (readonly string[])[] = [
  [".config", "git"],
  [".config", "fish"],
];

export interface ProtectionScope {
  /** The workspace roots (real paths). */
  roots: readonly string[];
  home: string;
  /** Real git folders that `.git` files (`gitdir: …`) point to; protected whole, wherever they are. */
  gitDirs: readonly string[];
  platform: NodeJS.Platform;
}

/**
 * Why writing this absolute path is protected, or undefined. Judged on the path's components
 * below the workspace root that holds it (or, outside the workspace, below home), so it holds for
 * files that do not exist yet. Pass every spelling (as written, and real).
 */
export function protectedReason(path: string, scope: ProtectionScope): string | undefined {
  const fold = pathFolding(scope.platform);
  const target = fold(path);
  for (const gitDir of scope.gitDirs) {
    if (pathBelow(fold(gitDir), target) !== undefined) return `${gitDir} is a git folder`;
  }
  const bases = scope.roots.map(fold).filter((root) => pathBelow(root, target) !== undefined);
  // A workspace root decides for what it holds, even when it lies inside home's `.cairn/` etc.
  if (bases.length === 0 && pathBelow(fold(scope.home), target) !== undefined) {
    bases.push(fold(scope.home));
  }
  for (const base of bases) {
    const rel = pathBelow(base, target) ?? "";
    const parts = rel === "" ? [] : rel.split("/");
    const folderAt = parts.findIndex((part) => protectedFolders.includes(part));
    if (folderAt !== -1) return `${parts.slice(0, folderAt + 1).join("/")}/ is protected`;
    const name = parts.at(-1);
    if (name !== undefined && protectedFiles.includes(name)) return `${rel} is protected`;
    for (const sequence of protectedSubpaths) {
      const at = indexOfSequence(parts, sequence);
      if (at !== -1) return `${parts.slice(0, at + sequence.length).join("/")}/ is protected`;
    }
  }
  return undefined;
}

function indexOfSequence(parts: readonly string[], sequence: readonly string[]): number {
  for (let at = 0; at + sequence.length <= parts.length; at++) {
    if (sequence.every((part, offset) => parts[at + offset] === part)) return at;
  }
  return -1;
}
