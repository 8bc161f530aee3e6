import { describe, expect, it } from "vitest";
import { bwrapArgs } from "./bwrap.ts";
import type { SandboxPolicy } from "./policy.ts";

const policy: SandboxPolicy = {
  workspaceRoots: ["/ws"],
  writableRoots: ["/ws/.git", "/ws"],
  protectedPaths: [
    { path: "/ws/.git/hooks", state: { type: "dir" } },
    { path: "/ws/.claude", state: { type: "missing", placeholder: "dir" } },
    { path: "/ws/.git/config", state: { type: "file" } },
  ],
  hiddenPaths: [
    { path: "/run/user", type: "dir" },
    { path: "/run/docker.sock", type: "other" },
    { path: "/tmp/.X11-unix/X0", type: "other" },
  ],
  privateTmp: "/tmp/cairn-1/sandbox-tmp",
  sessionDir: "/tmp/cairn-1",
  network: "none",
};

/** The mount operations in order, as [flag, destination] pairs. */
function mounts(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === "--") break;
    if (flag === "--bind" || flag === "--ro-bind" || flag === "--ro-bind-try") {
      out.push(`${flag} ${args[i + 2]}`);
      i += 2;
    } else if (flag === "--tmpfs" || flag === "--dev" || flag === "--proc") {
      out.push(`${flag} ${args[i + 1]}`);
      i += 1;
    }
  }
  return out;
}

describe("bwrapArgs", () => {
  it("mounts the system read-only, then writable roots outer-first, then protected paths", () => {
    expect(mounts(bwrapArgs(policy, ["/bin/bash", "-c", "true"], "/ws"))).toEqual([
      "--ro-bind /",
      "--dev /dev",
      "--proc /proc",
      "--ro-bind /proc/sys",
      "--ro-bind-try /proc/sysrq-trigger",
      "--bind /tmp",
      "--ro-bind /tmp/cairn-1",
      "--bind /ws",
      "--bind /ws/.git",
      "--tmpfs /run/user",
      "--ro-bind /run/docker.sock",
      "--ro-bind /ws/.claude",
      "--ro-bind /ws/.git/config",
      "--ro-bind /ws/.git/hooks",
    ]);
  });

  it("binds each protected path over itself and the private tmp over /tmp", () => {
    const args = bwrapArgs(policy, ["true"], "/ws");
    const at = args.indexOf("/ws/.git/hooks");
    expect(args.slice(at - 1, at + 2)).toEqual(["--ro-bind", "/ws/.git/hooks", "/ws/.git/hooks"]);
    const tmp = args.indexOf("/tmp/cairn-1/sandbox-tmp");
    expect(args.slice(tmp - 1, tmp + 2)).toEqual(["--bind", "/tmp/cairn-1/sandbox-tmp", "/tmp"]);
    // A socket under /tmp is already hidden by the private /tmp.
    expect(args).not.toContain("/tmp/.X11-unix/X0");
  });

  it("drops capabilities, unshares pid, ipc and (without network) net, and dies with cairn", () => {
    const args = bwrapArgs(policy, ["true"], "/ws");
    expect(args.slice(0, 5)).toEqual([
      "--die-with-parent",
      "--cap-drop",
      "ALL",
      "--unshare-pid",
      "--unshare-ipc",
    ]);
    expect(args).toContain("--unshare-net");
    expect(args).not.toContain("--new-session");
    expect(bwrapArgs({ ...policy, network: "all" }, ["true"], "/ws")).not.toContain(
      "--unshare-net",
    );
  });

  it("keeps the network unshared with a proxy, and binds its socket folder in read-only, last", () => {
    const proxied: SandboxPolicy = {
      ...policy,
      proxy: { type: "unix", socketPath: "/tmp/cairn-1/network/proxy.sock", port: 3128 },
    };
    const args = bwrapArgs(proxied, ["true"], "/ws");
    expect(args).toContain("--unshare-net");
    expect(mounts(args).at(-1)).toBe("--ro-bind /tmp/cairn-1/network");
    const at = args.lastIndexOf("/tmp/cairn-1/network");
    expect(args.slice(at - 2, at + 1)).toEqual([
      "--ro-bind",
      "/tmp/cairn-1/network",
      "/tmp/cairn-1/network",
    ]);
    expect(() =>
      bwrapArgs({ ...policy, proxy: { type: "tcp", port: 1 } }, ["true"], "/ws"),
    ).toThrow(/Unix socket/);
  });

  it("ends with the working directory and the command after --", () => {
    const argv = ["/bin/bash", "-c", "echo '--bind / /'"];
    const args = bwrapArgs(policy, argv, "/ws/sub dir");
    expect(args.slice(-6)).toEqual(["--chdir", "/ws/sub dir", "--", ...argv]);
  });

  it("refuses a protected symbolic link rather than skip it", () => {
    const linked: SandboxPolicy = {
      ...policy,
      protectedPaths: [{ path: "/ws/.claude", state: { type: "symlink", target: "/ws/real" } }],
    };
    expect(() => bwrapArgs(linked, ["true"], "/ws")).toThrow(/symbolic link/);
  });
});
