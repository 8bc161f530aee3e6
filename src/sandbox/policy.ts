// What a sandboxed command may change, as plain data: the writable roots, the paths kept read-only
// inside them (also while they do not exist), the host sockets hidden from it, and the network
// (none, all, or only through cairn's filtering proxy).
// Pure: probe.ts fills a policy in from the disk right before each command.

import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";

export type SandboxNetwork = "none" | "all";

/** What is at a protected path at the moment the policy was probed. */
export type ProtectedState =
  | { type: "dir" }
  | { type: "file" }
  /**
   * Nothing there yet. A read-only placeholder of this kind is mounted on the path for the
   * command's lifetime, so the command cannot create it (`.claude/settings.json`,
   * `.git/hooks/pre-commit` in a repository without hooks).
   */
  | { type: "missing"; placeholder: "dir" | "file" }
  /**
   * A symbolic link. bubblewrap mounts follow links, so the link itself stays replaceable: the
   * bwrap backend refuses to run rather than pretend; Seatbelt denies both the link and `target`.
   */
  | { type: "symlink"; target: string };

export interface ProtectedPath {
  /** Absolute, with every directory above it real. */
  path: string;
  state: ProtectedState;
}

/** A host path the command must not reach (sockets of services that run commands on request). */
export interface HiddenPath {
  path: string;
  /** A folder is covered with an empty tmpfs, anything else with /dev/null. */
  type: "dir" | "other";
}

export interface SandboxPolicy {
  /** The workspace root and added folders, as the user named them (real paths). */
  workspaceRoots: readonly string[];
  /**
   * Real paths the command may write: the workspace roots, added folders, git folders (also
   * those a `.git` file points to). Everything else is read-only, cairn's session folder (with
   * the whole outputs and job logs cairn writes there) included: a command that could plant a
   * link there could make cairn, outside the sandbox, write through it.
   */
  writableRoots: readonly string[];
  /** cairn's session folder: visible at its own path, read-only (bubblewrap hides /tmp). */
  sessionDir: string;
  /** Read-only inside the writable roots; mounted after them so they win. */
  protectedPaths: readonly ProtectedPath[];
  hiddenPaths: readonly HiddenPath[];
  /** A host folder, private to the session, that is the command's /tmp (macOS: its TMPDIR). */
  privateTmp: string;
  /**
   * "none": no network at all, not even the host's localhost (except through `proxy`, when set).
   * "all": unrestricted.
   */
  network: SandboxNetwork;
  /**
   * With network "none": cairn's filtering proxy, the one way out, to the hosts
   * `sandbox.network.allowedDomains` allows (network-proxy.ts). Absent: no way out at all.
   */
  proxy?: ProxyEndpoint;
}

/** Where a sandboxed command finds cairn's proxy; HTTP(S)_PROXY name 127.0.0.1:`port`. */
export type ProxyEndpoint =
  /**
   * Linux: the proxy listens on a Unix socket, whose folder is bound read-only into the sandbox;
   * a forwarder inside relays the sandbox's own 127.0.0.1:`port` to it (forwarder.ts).
   */
  | {
      type: "unix";
      socketPath: string;
      port: number;
      /** The node binary the forwarder runs with; bound in when the private /tmp would hide it. */
      nodePath?: string;
    }
  /** macOS: the proxy listens on the host's 127.0.0.1:`port`, the one address the profile allows. */
  | { type: "tcp"; port: number };

/**
 * Protected in every workspace root and added folder, existing or not: config that tools read
 * and run things from without asking the user again (agent hooks and MCP servers, editor tasks,
 * git hook managers, direnv).
 */
export const protectedInRoot: readonly Candidate[] = [
  { name: ".cairn", kind: "dir" },
  { name: ".claude", kind: "dir" },
  { name: ".vscode", kind: "dir" },
  { name: ".husky", kind: "dir" },
  { name: ".mcp.json", kind: "file" },
  { name: ".envrc", kind: "file" },
  { name: ".pre-commit-config.yaml", kind: "file" },
];

/** Shell start-up files: only run from home, so in a project folder they are protected if present. */
export const shellStartupFiles: readonly string[] = [
  ".profile",
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".zshrc",
  ".zshenv",
  ".zprofile",
  ".zlogin",
  ".zlogout",
];

/** Protected, existing or not, when home itself lies inside a writable root. */
export const protectedInHome: readonly Candidate[] = [
  ...shellStartupFiles.map((name) => ({ name, kind: "file" as const })),
  { name: ".gitconfig", kind: "file" },
  { name: ".claude.json", kind: "file" },
  { name: ".claude", kind: "dir" },
  { name: ".cairn", kind: "dir" },
  { name: ".ssh", kind: "dir" },
  { name: join(".config", "git"), kind: "dir" },
];

/** Inside every git folder: what git runs (hooks) or obeys (config: aliases, fsmonitor, filters). */
export const protectedInGitDir: readonly Candidate[] = [
  { name: "hooks", kind: "dir" },
  { name: "config", kind: "file" },
  { name: "config.worktree", kind: "file" },
];

export interface Candidate {
  /** Relative to the folder it is protected in. */
  name: string;
  kind: "dir" | "file";
}

/**
 * The git folder a `.git` file points to (`gitdir: <path>`, relative to the file's folder), or
 * undefined when the text is not such a pointer.
 */
export function parseGitdirPointer(text: string, pointerPath: string): string | undefined {
  const match = /^gitdir: *(.+?)\s*$/m.exec(text);
  const target = match?.[1];
  if (target === undefined || target === "") return undefined;
  return isAbsolute(target) ? target : join(dirname(pointerPath), target);
}

/** True when `path` is `root` or below it, compared by components. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Whether the command may write `path` under this policy (ignoring file permissions). */
export function isWritable(policy: SandboxPolicy, path: string): boolean {
  if (!policy.writableRoots.some((root) => isInside(root, path))) return false;
  return !policy.protectedPaths.some((entry) => coveredBy(entry, path));
}

function coveredBy(entry: ProtectedPath, path: string): boolean {
  if (isInside(entry.path, path)) return true;
  return entry.state.type === "symlink" && isInside(entry.state.target, path);
}

/**
 * Names of protected paths for messages: relative to the workspace root that holds them,
 * absolute elsewhere (a worktree's common git folder); workspace ones first.
 */
export function protectedDisplayNames(policy: SandboxPolicy): string[] {
  const inside: string[] = [];
  const outside: string[] = [];
  for (const entry of policy.protectedPaths) {
    const root = policy.workspaceRoots.find((candidate) => isInside(candidate, entry.path));
    if (root === undefined) outside.push(entry.path);
    else inside.push(relative(root, entry.path) || basename(entry.path));
  }
  return [...new Set([...inside, ...outside])];
}
