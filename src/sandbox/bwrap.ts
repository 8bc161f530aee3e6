// Linux: the bubblewrap command line for a SandboxPolicy, and finding a bwrap that works here.
// Not the policy itself (policy.ts, probe.ts) nor running the command (executor.ts).

import { execFile } from "node:child_process";
import { dirname, sep } from "node:path";
import { findOnPath, isExecutableFile } from "../config/index.ts";
import { isInside, type SandboxPolicy } from "./policy.ts";

/**
 * `bwrap` arguments that run `argv` in `cwd` under `policy`. Mount order matters: later mounts
 * cover earlier ones, so the read-only system comes first, writable roots (outer before inner)
 * next, then hidden sockets, then protected paths, which therefore win inside writable roots.
 *
 * - `--unshare-pid` with a fresh /proc: without it, `/proc/<pid>/root` of any process of the user
 *   outside the sandbox leads back to the host's writable filesystem. It also means that when
 *   bwrap dies (the process-group kill reaches it) the kernel kills everything inside, including
 *   processes that left the group with `setsid`.
 * - `--cap-drop ALL`: run as root, bwrap otherwise keeps every capability, and root could simply
 *   remount / read-write. /proc/sys is re-mounted read-only because sysctls check the uid, not
 *   capabilities, so uid 0 could still write e.g. kernel.core_pattern.
 * - No `--new-session`: cairn spawns bwrap detached, which already calls setsid(), so the command
 *   has no controlling terminal to inject keystrokes into (TIOCSTI); a second session would take
 *   the command out of the process group that timeouts and KillShell signal.
 * - /tmp is a private folder of the session, not a tmpfs: files survive from one command to the
 *   next, and the host's /tmp (with other programs' sockets: tmux, X11, ssh-agent) stays hidden.
 * - With a proxy, `--unshare-net` stays: the namespace has only its own loopback, where the
 *   forwarder `argv` starts with (forwarder.ts) listens, and the proxy's socket folder is bound in.
 */
export function bwrapArgs(policy: SandboxPolicy, argv: readonly string[], cwd: string): string[] {
  const args = ["--die-with-parent", "--cap-drop", "ALL", "--unshare-pid", "--unshare-ipc"];
  if (policy.network === "none") args.push("--unshare-net");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  args.push("--ro-bind", "/proc/sys", "/proc/sys");
  args.push("--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger");
  args.push("--bind", policy.privateTmp, "/tmp");
  // The session folder under the host's /tmp: readable where cairn's notes say its files are,
  // never writable (its private tmp, inside it, is writable as /tmp only).
  args.push("--ro-bind", policy.sessionDir, policy.sessionDir);
  for (const root of byDepth(policy.writableRoots)) args.push("--bind", root, root);
  for (const hidden of policy.hiddenPaths) {
    if (isInside("/tmp", hidden.path)) continue; // the private /tmp hides it already
    if (hidden.type === "dir") args.push("--tmpfs", hidden.path);
    else args.push("--ro-bind", "/dev/null", hidden.path);
  }
  for (const entry of byDepth(policy.protectedPaths.map((p) => p.path))) {
    const state = policy.protectedPaths.find((p) => p.path === entry)?.state;
    if (state?.type === "symlink") {
      // The executor refuses these; reaching here is a bug, and a silent skip would be a hole.
      throw new Error(`bwrapArgs: ${entry} is a symbolic link and cannot be kept read-only`);
    }
    args.push("--ro-bind", entry, entry);
  }
  if (policy.network === "none" && policy.proxy !== undefined) {
    if (policy.proxy.type !== "unix") {
      // The namespace's loopback is its own: a proxy on the host's TCP loopback is out of reach.
      throw new Error(
        "bwrapArgs: the proxy must listen on a Unix socket to be reached from inside",
      );
    }
    // Read-only: the folder is inside a writable root, and a command that could replace the
    // socket could cut the network of the commands after it.
    const folder = dirname(policy.proxy.socketPath);
    args.push("--ro-bind", folder, folder);
    // A node that lives under /tmp (a toolchain unpacked there) is hidden by the private /tmp:
    // the forwarder would not start. Bind that one file back, read-only.
    const node = policy.proxy.nodePath;
    if (node !== undefined && isInside("/tmp", node)) args.push("--ro-bind", node, node);
  }
  args.push("--chdir", cwd, "--", ...argv);
  return args;
}

/** Outer paths before inner ones, so an inner mount is not covered by its parent's. */
function byDepth(paths: readonly string[]): string[] {
  const depth = (path: string): number => path.split(sep).filter(Boolean).length;
  return [...paths].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export type BubblewrapProbe =
  | { type: "ready"; path: string }
  | { type: "missing" }
  /** Installed but cannot create the namespaces it needs (e.g. user namespaces are disabled). */
  | { type: "broken"; path: string; message: string };

/** How to install bubblewrap, for messages. */
export const bubblewrapInstallHint =
  "install it with `apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap` " +
  "(Fedora) or your distribution's bubblewrap package";

/**
 * Finds `bwrap` ($CAIRN_BWRAP, else PATH) and checks that it can set up the sandbox bwrapArgs
 * describes, by running `true` in one. Takes ~10 ms; callers keep the answer for the session.
 */
export async function detectBubblewrap(env: NodeJS.ProcessEnv): Promise<BubblewrapProbe> {
  const path = env.CAIRN_BWRAP
    ? isExecutableFile(env.CAIRN_BWRAP)
      ? env.CAIRN_BWRAP
      : undefined
    : findOnPath(["bwrap"], env);
  if (path === undefined) {
    if (env.CAIRN_BWRAP) {
      return {
        type: "broken",
        path: env.CAIRN_BWRAP,
        message: `CAIRN_BWRAP=${env.CAIRN_BWRAP} is not an executable file`,
      };
    }
    return { type: "missing" };
  }
  const probe = [
    "--die-with-parent",
    "--cap-drop",
    "ALL",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-net",
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--ro-bind",
    "/proc/sys",
    "/proc/sys",
    "--",
    "true",
  ];
  return new Promise((resolve) => {
    execFile(path, probe, { env, timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) {
        resolve({ type: "ready", path });
        return;
      }
      const said = stderr.trim().split("\n")[0] ?? "";
      resolve({ type: "broken", path, message: said || error.message });
    });
  });
}
