import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isWritable, type SandboxPolicy } from "./policy.ts";
import { hostPathsToHide, probeSandboxPolicy, type ProbeInput } from "./probe.ts";

let base: string;
let root: string;
let temp: string;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-probe-")));
  root = join(base, "ws");
  temp = join(base, "session-temp");
  await mkdir(root);
  await mkdir(temp);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

function probe(extra: Partial<ProbeInput> = {}): Promise<SandboxPolicy> {
  return probeSandboxPolicy({
    roots: [root],
    tempDir: temp,
    privateTmp: join(temp, "sandbox-tmp"),
    network: "none",
    home: join(base, "home"),
    hide: [],
    isPlaceholder: () => false,
    ...extra,
  });
}

async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** The minimum that makes a folder a git folder holding a repository: HEAD, objects/, refs/. */
async function gitDir(path: string): Promise<void> {
  await mkdir(join(path, "objects"), { recursive: true });
  await mkdir(join(path, "refs"), { recursive: true });
  await writeFile(join(path, "HEAD"), "ref: refs/heads/main\n");
}

function stateOf(policy: SandboxPolicy, path: string): string | undefined {
  const entry = policy.protectedPaths.find((p) => p.path === path);
  if (!entry) return undefined;
  return entry.state.type === "missing" ? `missing ${entry.state.placeholder}` : entry.state.type;
}

describe("probeSandboxPolicy", () => {
  it("keeps agent config read-only in the workspace, as empty folders while it does not exist", async () => {
    await files({ ".claude/settings.json": "{}" });
    const policy = await probe();
    expect(stateOf(policy, join(root, ".claude"))).toBe("dir");
    for (const name of [".cairn", ".vscode", ".husky", ".mcp.json", ".envrc"]) {
      expect(stateOf(policy, join(root, name))).toBe("missing dir");
    }
    expect(isWritable(policy, join(root, "src/a.ts"))).toBe(true);
    expect(isWritable(policy, join(root, ".claude/settings.local.json"))).toBe(false);
    expect(isWritable(policy, join(base, "elsewhere"))).toBe(false);
  });

  it("protects shell start-up files in a project only when present", async () => {
    await files({ ".bashrc": "alias x=y\n" });
    const policy = await probe();
    expect(stateOf(policy, join(root, ".bashrc"))).toBe("file");
    expect(stateOf(policy, join(root, ".zshrc"))).toBeUndefined();
  });

  it("protects home's start-up files, present or not, when the workspace contains home", async () => {
    const home = join(root, "home");
    await mkdir(home);
    const policy = await probe({ home });
    expect(stateOf(policy, join(home, ".bashrc"))).toBe("missing dir");
    expect(stateOf(policy, join(home, ".config"))).toBe("missing dir");
    expect(stateOf(policy, join(home, ".ssh"))).toBe("missing dir");
  });

  it("pins .git as a writable root and keeps its hooks and config read-only", async () => {
    await files({ ".git/HEAD": "ref: refs/heads/main\n", ".git/config": "[core]\n" });
    const policy = await probe();
    expect(policy.writableRoots).toContain(join(root, ".git"));
    expect(stateOf(policy, join(root, ".git/config"))).toBe("file");
    // Inside git folders a missing file is held by a file: git does not list it there.
    expect(stateOf(policy, join(root, ".git/hooks"))).toBe("missing dir");
    expect(stateOf(policy, join(root, ".git/config.worktree"))).toBe("missing file");
    expect(isWritable(policy, join(root, ".git/objects/ab/cdef"))).toBe(true);
    expect(isWritable(policy, join(root, ".git/hooks/pre-commit"))).toBe(false);
  });

  it("keeps .git from being created where there is no repository", async () => {
    const policy = await probe();
    expect(stateOf(policy, join(root, ".git"))).toBe("missing dir");
    expect(policy.writableRoots).toEqual([root]);
  });

  it("uses the repository above a workspace that has none, and still blocks a nested .git", async () => {
    const outer = join(base, "repo");
    await gitDir(join(outer, ".git"));
    await mkdir(join(outer, ".git", "hooks"));
    await writeFile(join(outer, ".git", "config"), "[core]\n");
    root = join(outer, "packages", "app");
    await mkdir(root, { recursive: true });
    const policy = await probe();
    expect(policy.writableRoots).toContain(join(outer, ".git"));
    expect(stateOf(policy, join(outer, ".git/hooks"))).toBe("dir");
    expect(stateOf(policy, join(outer, ".git/config"))).toBe("file");
    expect(stateOf(policy, join(root, ".git"))).toBe("missing dir");
  });

  it("follows a .git file to a linked worktree's git folder and its common folder", async () => {
    const main = join(base, "main");
    const common = join(main, ".git");
    const linked = join(common, "worktrees", "wt");
    await gitDir(common);
    await mkdir(join(common, "hooks"));
    await writeFile(join(common, "config"), "[core]\n");
    await mkdir(linked, { recursive: true });
    await writeFile(join(linked, "commondir"), "../..\n");
    await writeFile(join(linked, "HEAD"), "ref: refs/heads/wt\n");
    await writeFile(join(root, ".git"), `gitdir: ${linked}\n`);
    const policy = await probe();
    expect(stateOf(policy, join(root, ".git"))).toBe("file");
    expect(policy.writableRoots).toEqual(expect.arrayContaining([linked, common]));
    expect(stateOf(policy, join(common, "hooks"))).toBe("dir");
    expect(stateOf(policy, join(common, "config"))).toBe("file");
    expect(stateOf(policy, join(linked, "config.worktree"))).toBe("missing file");
    // The worktree's own folder has no hooks of its own to protect.
    expect(stateOf(policy, join(linked, "hooks"))).toBeUndefined();
  });

  it("follows a relative gitdir pointer and protects submodule git folders", async () => {
    await gitDir(join(root, ".git"));
    await gitDir(join(root, ".git/modules/lib"));
    await gitDir(join(root, ".git/modules/nested/deeper"));
    await files({
      ".git/modules/lib/config": "[core]\n",
      "lib/.git": "gitdir: ../.git/modules/lib\n",
    });
    const policy = await probe();
    expect(policy.writableRoots).toContain(join(root, ".git/modules/lib"));
    expect(stateOf(policy, join(root, ".git/modules/lib/config"))).toBe("file");
    expect(stateOf(policy, join(root, ".git/modules/lib/hooks"))).toBe("missing dir");
    expect(stateOf(policy, join(root, ".git/modules/nested/deeper/hooks"))).toBe("missing dir");
  });

  it("does not follow a .git file to a folder that is not a git folder", async () => {
    const home = join(base, "home");
    await mkdir(home);
    await writeFile(join(home, "HEAD"), "not really\n");
    await writeFile(join(root, ".git"), `gitdir: ${home}\n`);
    const policy = await probe();
    expect(policy.writableRoots).toEqual([root]);
    expect(isWritable(policy, join(home, ".bashrc"))).toBe(false);
    expect(stateOf(policy, join(root, ".git"))).toBe("file");
  });

  it("reports a protected path that is a symbolic link, with its target", async () => {
    await mkdir(join(root, "shared"));
    await symlink("shared", join(root, ".claude"));
    const policy = await probe();
    const entry = policy.protectedPaths.find((p) => p.path === join(root, ".claude"));
    expect(entry?.state).toEqual({ type: "symlink", target: join(root, "shared") });
  });

  it("also protects what links inside a protected folder point to in the workspace", async () => {
    await files({ ".git/HEAD": "x", "scripts/hook.sh": "#!/bin/sh\n" });
    await mkdir(join(root, ".git/hooks"));
    await symlink("../../scripts/hook.sh", join(root, ".git/hooks/pre-commit"));
    await symlink("../../scripts/not-yet.sh", join(root, ".git/hooks/pre-push"));
    await symlink("/etc/hostname", join(root, ".git/hooks/outside"));
    await symlink("loop", join(root, ".git/hooks/loop"));
    const policy = await probe();
    expect(stateOf(policy, join(root, "scripts/hook.sh"))).toBe("file");
    expect(stateOf(policy, join(root, "scripts/not-yet.sh"))).toBe("missing dir");
    expect(policy.protectedPaths.some((p) => p.path === "/etc/hostname")).toBe(false);
  });

  it("treats a placeholder it made earlier as missing, not as a real folder", async () => {
    await mkdir(join(root, ".claude"));
    const policy = await probe({ isPlaceholder: (path) => path === join(root, ".claude") });
    expect(stateOf(policy, join(root, ".claude"))).toBe("missing dir");
  });

  it("hides existing host sockets and folders, but never one that holds the workspace", async () => {
    const sockets = join(base, "run");
    await mkdir(sockets);
    await writeFile(join(sockets, "docker.sock"), "");
    const policy = await probe({
      hide: [join(sockets, "docker.sock"), join(base, "missing.sock"), base],
    });
    expect(policy.hiddenPaths).toEqual([{ path: join(sockets, "docker.sock"), type: "other" }]);
  });

  it("lists the ssh agent among host paths to hide only without network", () => {
    const env = { SSH_AUTH_SOCK: "/run/ssh.sock", XDG_RUNTIME_DIR: "/run/user/1000" };
    expect(hostPathsToHide(env, "none")).toEqual(
      expect.arrayContaining(["/run/ssh.sock", "/run/user/1000", "/run/docker.sock"]),
    );
    expect(hostPathsToHide(env, "all")).not.toContain("/run/ssh.sock");
  });
});
