// Fills in a SandboxPolicy from the disk as it is right now: which git folders the workspace uses
// (following `.git` files and looking above the root), what exists at each protected path, links
// that lead from a protected folder back into writable space, and which host sockets to hide.
// Run before every command: a `git init` or a new `.claude/` changes the answer.

import { lstat, readdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import {
  isInside,
  parseGitdirPointer,
  protectedInGitDir,
  protectedInHome,
  protectedInRoot,
  shellStartupFiles,
  type Candidate,
  type HiddenPath,
  type ProtectedPath,
  type SandboxNetwork,
  type SandboxPolicy,
} from "./policy.ts";

export interface ProbeInput {
  /** The workspace root and added folders. */
  roots: readonly string[];
  /** cairn's session temp folder: read-only to the command, holds `privateTmp`. */
  tempDir: string;
  privateTmp: string;
  network: SandboxNetwork;
  /** The user's home; its start-up files are protected when it lies inside a writable root. */
  home: string | undefined;
  /** Host paths to hide when they exist (see hostPathsToHide). */
  hide: readonly string[];
  /** Placeholders the executor mounted earlier: they count as missing, not as real folders. */
  isPlaceholder: (path: string) => boolean;
}

/** How far to look inside protected folders for links and inside `.git/modules` for git folders. */
const walkLimits = { depth: 4, entries: 2000 };

export async function probeSandboxPolicy(input: ProbeInput): Promise<SandboxPolicy> {
  const roots = unique(await Promise.all(input.roots.map(realOrSelf)));
  const tempDir = await realpath(input.tempDir);
  const home = input.home === undefined ? undefined : await realOrSelf(input.home);

  const gitDirs: GitDir[] = [];
  const wanted: Wanted[] = [];
  for (const root of roots) {
    for (const candidate of protectedInRoot) wanted.push({ base: root, ...candidate });
    for (const name of shellStartupFiles) {
      if (await exists(join(root, name))) wanted.push({ base: root, name, kind: "file" });
    }
    const git = await gitLayout(root);
    wanted.push(...git.wanted);
    gitDirs.push(...git.dirs);
  }
  if (home !== undefined && roots.some((root) => isInside(root, home))) {
    for (const candidate of protectedInHome) wanted.push({ base: home, ...candidate });
  }
  const allGitDirs = await withSubmodules(gitDirs);
  for (const gitDir of allGitDirs) {
    const names = gitDir.role === "common" ? protectedInGitDir : [configWorktree];
    for (const candidate of names) {
      wanted.push({ base: gitDir.path, ...candidate, filePlaceholder: true });
    }
  }

  const writableRoots = unique([...roots, ...allGitDirs.map((dir) => dir.path)]);
  let protectedPaths = await Promise.all(
    wanted.map((entry) => probeEntry(entry, input.isPlaceholder)),
  );
  protectedPaths = protectedPaths.concat(
    await linkedTargets(protectedPaths, writableRoots, input.isPlaceholder),
  );

  return {
    workspaceRoots: roots,
    writableRoots,
    protectedPaths: prune(protectedPaths, writableRoots),
    hiddenPaths: await hiddenPaths(input.hide, writableRoots),
    privateTmp: input.privateTmp,
    sessionDir: tempDir,
    network: input.network,
  };
}

/**
 * Sockets of services that would run a command for whoever connects: the user's runtime folder
 * (systemd user manager, session D-Bus, Wayland), container engines, the system bus, and the SSH
 * agent when the network is off. Filesystem sockets are reachable through read-only mounts and
 * across network namespaces, so they are covered instead.
 */
export function hostPathsToHide(env: NodeJS.ProcessEnv, network: SandboxNetwork): string[] {
  const paths = [
    "/run/user",
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/run/podman/podman.sock",
    "/run/dbus/system_bus_socket",
    "/var/run/dbus/system_bus_socket",
    "/run/snapd.socket",
    "/run/snapd-snap.socket",
    "/run/systemd/private",
  ];
  if (env.XDG_RUNTIME_DIR) paths.push(env.XDG_RUNTIME_DIR);
  if (env.HOME) paths.push(join(env.HOME, ".docker", "run", "docker.sock"));
  const dockerHost = /^unix:\/\/(\/.+)$/.exec(env.DOCKER_HOST ?? "")?.[1];
  if (dockerHost) paths.push(dockerHost);
  if (network === "none" && env.SSH_AUTH_SOCK) paths.push(env.SSH_AUTH_SOCK);
  return paths;
}

interface Wanted extends Candidate {
  /** A real folder; `name` may have several components below it. */
  base: string;
  /**
   * Whether a missing file gets a file placeholder. Outside git folders it gets an empty folder
   * instead: git does not list empty folders, so `git status` and `git add -A` in the sandbox do
   * not pick placeholders up and commit them.
   */
  filePlaceholder?: boolean;
}

interface GitDir {
  path: string;
  /** "common" holds hooks and config; a linked worktree's own folder only its config.worktree. */
  role: "common" | "worktree";
}

const configWorktree: Candidate = { name: "config.worktree", kind: "file" };

/**
 * The git folders a root uses, and what to protect about `.git` itself. A `.git` folder is
 * writable (commits) but pinned as a writable root so it cannot be renamed and replaced with a
 * copy carrying other hooks; a `.git` file is kept read-only and followed; without either, the
 * repository above (if any) is used and `<root>/.git` is kept from being created, which would
 * start a repository whose hooks nothing protected.
 */
async function gitLayout(root: string): Promise<{ dirs: GitDir[]; wanted: Wanted[] }> {
  const dotGit = join(root, ".git");
  const info = await lstat(dotGit).catch(ignoreMissing);
  if (info?.isDirectory()) return { dirs: [{ path: dotGit, role: "common" }], wanted: [] };
  if (info?.isFile()) {
    return {
      dirs: await followPointer(dotGit),
      wanted: [{ base: root, name: ".git", kind: "file" }],
    };
  }
  // Missing, or a link (probeEntry reports the link, which bwrap then refuses).
  const wanted: Wanted[] = [{ base: root, name: ".git", kind: "dir" }];
  if (info) return { dirs: [], wanted };
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    const above = join(dir, ".git");
    // Outside the roots a link is harmless (read-only anyway), so follow it as git does.
    const found = await stat(above).catch(ignoreMissing);
    if (found?.isDirectory() && (await isGitDir(above, "common"))) {
      return { dirs: [{ path: await realpath(above), role: "common" }], wanted };
    }
    if (found?.isFile()) return { dirs: await followPointer(above), wanted };
    if (dirname(dir) === dir) return { dirs: [], wanted };
  }
}

/**
 * The folders a `.git` file leads to: its git folder and, for a linked worktree, the common one.
 * These become writable, and the `.git` file may come with a hostile repository, so a target
 * counts only if it is a git folder (`gitdir: /home/me` must not make home writable).
 */
async function followPointer(pointer: string): Promise<GitDir[]> {
  const text = await readFile(pointer, "utf8").catch(ignoreMissing);
  const target = text === undefined ? undefined : parseGitdirPointer(text, pointer);
  if (target === undefined) return [];
  const gitDir = await realpath(target).catch(ignoreMissing);
  if (gitDir === undefined) return [];
  const common = await readFile(join(gitDir, "commondir"), "utf8").catch(ignoreMissing);
  if (common === undefined) {
    return (await isGitDir(gitDir, "common")) ? [{ path: gitDir, role: "common" }] : [];
  }
  if (!(await isGitDir(gitDir, "worktree"))) return [];
  const commonDir = await realpath(resolve(gitDir, common.trim())).catch(ignoreMissing);
  const dirs: GitDir[] = [{ path: gitDir, role: "worktree" }];
  if (commonDir !== undefined && (await isGitDir(commonDir, "common"))) {
    dirs.push({ path: commonDir, role: "common" });
  }
  return dirs;
}

/** A git folder has HEAD; one that holds the repository also has objects/ and refs/. */
async function isGitDir(path: string, role: GitDir["role"]): Promise<boolean> {
  if (!(await isDirectory(path)) || !(await exists(join(path, "HEAD")))) return false;
  if (role === "worktree") return true;
  return (await isDirectory(join(path, "objects"))) && (await isDirectory(join(path, "refs")));
}

/**
 * Adds the git folders of submodules (`modules/…`, nested) and of linked worktrees
 * (`worktrees/*`) inside each git folder: each has hooks or config of its own.
 */
async function withSubmodules(gitDirs: readonly GitDir[]): Promise<GitDir[]> {
  const all = new Map<string, GitDir>();
  const budget = { entries: walkLimits.entries };
  const visit = async (dir: GitDir, depth: number): Promise<void> => {
    if (all.has(dir.path)) return;
    all.set(dir.path, dir);
    if (depth > walkLimits.depth) return;
    for (const worktree of await subfolders(join(dir.path, "worktrees"), budget)) {
      all.set(worktree, all.get(worktree) ?? { path: worktree, role: "worktree" });
    }
    for (const module of await gitDirsBelow(join(dir.path, "modules"), depth, budget)) {
      await visit({ path: module, role: "common" }, depth + 1);
    }
  };
  for (const dir of gitDirs) await visit(dir, 0);
  return [...all.values()];
}

/** Git folders under `modules/` (a submodule name may contain slashes, so folders nest). */
async function gitDirsBelow(
  dir: string,
  depth: number,
  budget: { entries: number },
): Promise<string[]> {
  if (depth > walkLimits.depth) return [];
  const found: string[] = [];
  for (const sub of await subfolders(dir, budget)) {
    if (await exists(join(sub, "HEAD"))) found.push(sub);
    else found.push(...(await gitDirsBelow(sub, depth + 1, budget)));
  }
  return found;
}

async function subfolders(dir: string, budget: { entries: number }): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(ignoreMissing);
  if (entries === undefined) return [];
  const folders: string[] = [];
  for (const entry of entries) {
    if (budget.entries-- <= 0) break;
    if (entry.isDirectory()) folders.push(join(dir, entry.name));
  }
  return folders;
}

/**
 * Walks `name` below `base` one component at a time. The first component that is missing, is a
 * link, or is not a folder where one is needed decides: that component is what gets protected,
 * because a mount can only sit on something that exists and a replaceable link protects nothing.
 */
async function probeEntry(
  entry: Wanted,
  isPlaceholder: (path: string) => boolean,
): Promise<ProtectedPath> {
  const parts = entry.name.split(sep).filter(Boolean);
  let path = entry.base;
  for (const [index, part] of parts.entries()) {
    path = join(path, part);
    const last = index === parts.length - 1;
    const kind = last && entry.kind === "file" && entry.filePlaceholder === true ? "file" : "dir";
    if (isPlaceholder(path)) return { path, state: { type: "missing", placeholder: kind } };
    const info = await lstat(path).catch(ignoreMissing);
    if (info === undefined) return { path, state: { type: "missing", placeholder: kind } };
    if (info.isSymbolicLink()) {
      return { path, state: { type: "symlink", target: await realpathOfNearest(path) } };
    }
    if (!info.isDirectory()) return { path, state: { type: "file" } };
    if (last) return { path, state: { type: "dir" } };
  }
  return { path, state: { type: "dir" } };
}

/**
 * Links inside protected folders that point into writable space (`.git/hooks/pre-commit ->
 * ../../scripts/hook.sh`): their targets are protected too, or editing the target would edit the
 * hook.
 */
async function linkedTargets(
  entries: readonly ProtectedPath[],
  writableRoots: readonly string[],
  isPlaceholder: (path: string) => boolean,
): Promise<ProtectedPath[]> {
  const budget = { entries: walkLimits.entries };
  const targets: ProtectedPath[] = [];
  for (const entry of entries) {
    if (entry.state.type !== "dir") continue;
    for (const link of await linksBelow(entry.path, 0, budget)) {
      const target = await realpathOfNearest(link);
      const root = writableRoots
        .filter((candidate) => isInside(candidate, target))
        .sort((a, b) => b.length - a.length)[0];
      if (root === undefined || root === target) continue;
      const name = relative(root, target);
      const kind = (await isDirectory(target)) ? "dir" : "file";
      targets.push(await probeEntry({ base: root, name, kind }, isPlaceholder));
    }
  }
  return targets;
}

async function linksBelow(
  dir: string,
  depth: number,
  budget: { entries: number },
): Promise<string[]> {
  if (depth > walkLimits.depth) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(ignoreMissing);
  if (entries === undefined) return [];
  const links: string[] = [];
  for (const entry of entries) {
    if (budget.entries-- <= 0) break;
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) links.push(path);
    else if (entry.isDirectory()) links.push(...(await linksBelow(path, depth + 1, budget)));
  }
  return links;
}

/**
 * Keeps entries inside a writable root (anything else is read-only already), one per path, and
 * drops those already covered by a protected folder or placeholder above them.
 */
function prune(
  entries: readonly ProtectedPath[],
  writableRoots: readonly string[],
): ProtectedPath[] {
  const byPath = new Map<string, ProtectedPath>();
  for (const entry of entries) {
    if (!writableRoots.some((root) => isInside(root, entry.path))) continue;
    if (!byPath.has(entry.path)) byPath.set(entry.path, entry);
  }
  const kept = [...byPath.values()];
  const covers = (outer: ProtectedPath, inner: ProtectedPath): boolean =>
    outer !== inner && outer.state.type !== "symlink" && isInside(outer.path, inner.path);
  return kept
    .filter((entry) => !kept.some((outer) => covers(outer, entry)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function hiddenPaths(
  candidates: readonly string[],
  writableRoots: readonly string[],
): Promise<HiddenPath[]> {
  const hidden = new Map<string, HiddenPath>();
  for (const candidate of candidates) {
    const path = await realpath(candidate).catch(ignoreMissing);
    if (path === undefined || hidden.has(path)) continue;
    // Covering a folder that holds the workspace would hide the workspace.
    if (writableRoots.some((root) => isInside(path, root))) continue;
    const info = await lstat(path);
    hidden.set(path, { path, type: info.isDirectory() ? "dir" : "other" });
  }
  const all = [...hidden.values()];
  // A socket inside a hidden folder is hidden with it.
  return all.filter(
    (entry) => !all.some((outer) => outer !== entry && isInside(outer.path, entry.path)),
  );
}

/**
 * realpath of the path, or of its nearest existing ancestor with the rest appended; a dangling
 * link is followed by hand. A loop of links ends after `hops` and yields the path as it is.
 */
async function realpathOfNearest(path: string, hops = 40): Promise<string> {
  const real = await realpath(path).catch(ignoreUnresolvable);
  if (real !== undefined || hops === 0) return real ?? path;
  const info = await lstat(path).catch(ignoreMissing);
  if (info?.isSymbolicLink()) {
    return realpathOfNearest(resolve(dirname(path), await readlink(path)), hops - 1);
  }
  const parent = dirname(path);
  if (parent === path) return path;
  return join(await realpathOfNearest(parent, hops - 1), basename(path));
}

async function realOrSelf(path: string): Promise<string> {
  return (await realpath(path).catch(ignoreMissing)) ?? path;
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(ignoreMissing)) !== undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await lstat(path).catch(ignoreMissing))?.isDirectory() === true;
}

function unique(paths: readonly string[]): string[] {
  return [...new Set(paths)];
}

/** For fs calls where "not there" is an answer: undefined for ENOENT/ENOTDIR, rethrow the rest. */
function ignoreMissing(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return undefined;
  throw error;
}

/** As ignoreMissing, and a loop of links is also "cannot be resolved". */
function ignoreUnresolvable(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === "ELOOP") return undefined;
  return ignoreMissing(error);
}
