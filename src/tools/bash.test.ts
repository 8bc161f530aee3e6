import { mkdir, mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bashOutputTool } from "./bash-output.ts";
import { bashTool } from "./bash.ts";
import { killShellTool } from "./kill-shell.ts";
import { createToolSession, type ToolSession } from "./session.ts";
import type { Tool, ToolContext } from "./tool.ts";

let root: string;
let session: ToolSession;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-bash-")));
  session = createToolSession({ root, additionalDirs: [] });
});

afterEach(async () => {
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

function context(signal = new AbortController().signal): ToolContext {
  return { cwd: root, signal, session };
}

async function call(
  tool: Tool,
  input: unknown,
  ctx = context(),
): Promise<{ text: string; isError: boolean }> {
  const output = await tool.run(tool.input.parse(input), ctx);
  if (typeof output.content !== "string") throw new Error("expected text content");
  return { text: output.content, isError: output.isError === true };
}

const bash = (input: Record<string, unknown>, ctx?: ToolContext) => call(bashTool, input, ctx);

/** Running means present and not a zombie (this container's init may not reap orphans). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return false;
  return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

async function pidsIn(file: string): Promise<number[]> {
  for (let tries = 0; tries < 100; tries++) {
    const text = await readFile(join(root, file), "utf8").catch(() => "");
    if (text.trim() !== "") return text.trim().split("\n").map(Number);
    await delay(20);
  }
  throw new Error(`${file} was never written`);
}

/** Waits until no background job of the session is running (a loaded machine may take a while). */
async function jobsFinished(deadlineMs = 10_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (session.jobs.list().some((job) => job.status.type === "running")) {
    if (Date.now() > deadline)
      throw new Error(`background jobs still running after ${deadlineMs} ms`);
    await delay(20);
  }
}

describe("Bash", () => {
  it("reports the exit code, and a non-zero exit is not a tool error", async () => {
    expect(await bash({ command: "echo hello" })).toEqual({
      text: "hello\n\nExit code 0",
      isError: false,
    });
    const failed = await bash({ command: "echo oops >&2; exit 3" });
    expect(failed).toEqual({ text: "oops\n\nExit code 3", isError: false });
  });

  it("interleaves stdout and stderr in arrival order", async () => {
    const result = await bash({
      command: "echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three",
    });
    expect(result.text).toBe("one\ntwo\nthree\n\nExit code 0");
  });

  it("keeps stdout and stderr in write order even when written back to back", async () => {
    const result = await bash({ command: "for i in 1 2 3; do echo o$i; echo e$i >&2; done" });
    expect(result.text).toBe("o1\ne1\no2\ne2\no3\ne3\n\nExit code 0");
  });

  it("names the signal behind an exit code above 128", async () => {
    expect((await bash({ command: "sleep 5 & kill -KILL $!; wait $!" })).text).toMatch(
      /Killed +sleep 5\n\nExit code 137 \(128 \+ 9: how a shell reports a process killed by SIGKILL\)$/,
    );
    expect((await bash({ command: "exit 2" })).text).toBe("(no output)\n\nExit code 2");
  });

  it("runs a command of only blanks or comments without exposing its wrapper", async () => {
    for (const command of ["   ", "# just a note", "true\n# trailing comment"]) {
      expect(await bash({ command })).toEqual({
        text: "(no output)\n\nExit code 0",
        isError: false,
      });
      expect(await bash({ command, run_in_background: true })).toMatchObject({ isError: false });
    }
    await jobsFinished();
    for (const id of ["bash_1", "bash_2", "bash_3"]) {
      expect((await call(bashOutputTool, { bash_id: id })).text).toBe(
        "(no new output)\nStatus: exited with code 0",
      );
    }
  });

  it("says when there was no output", async () => {
    expect((await bash({ command: "true" })).text).toBe("(no output)\n\nExit code 0");
  });

  it("keeps the working directory across calls", async () => {
    await mkdir(join(root, "sub", "deeper"), { recursive: true });
    await bash({ command: "cd sub" });
    expect(session.shell.cwd).toBe(join(root, "sub"));
    expect((await bash({ command: "pwd" })).text).toBe(`${join(root, "sub")}\n\nExit code 0`);
    await bash({ command: "cd deeper && echo moved" });
    expect((await bash({ command: "pwd" })).text).toBe(
      `${join(root, "sub", "deeper")}\n\nExit code 0`,
    );
  });

  it("resets the working directory to the root when a command cd's outside the workspace", async () => {
    await mkdir(join(root, "sub"));
    await bash({ command: "cd sub" });
    const result = await bash({ command: "cd / && echo left" });
    expect(result.text).toContain("left\n\nExit code 0");
    expect(result.text).toContain(
      `changed directory to /, outside the workspace; the working directory was reset to the workspace root ${root}`,
    );
    expect(session.shell.cwd).toBe(root);
    expect((await bash({ command: "pwd" })).text).toBe(`${root}\n\nExit code 0`);
  });

  it("leaves the working directory unchanged when the command exits early", async () => {
    await mkdir(join(root, "sub"));
    expect((await bash({ command: "cd sub; exit 4" })).text).toBe("(no output)\n\nExit code 4");
    expect(session.shell.cwd).toBe(root);
  });

  it("falls back to the root when the working directory was deleted", async () => {
    await mkdir(join(root, "gone"));
    await bash({ command: "cd gone" });
    await rm(join(root, "gone"), { recursive: true });
    const result = await bash({ command: "pwd" });
    expect(result.text).toContain(`${root}\n\nExit code 0`);
    expect(result.text).toContain("no longer exists");
  });

  it("runs with stdin closed, so a command reading it returns at once", async () => {
    const started = Date.now();
    expect(await bash({ command: "cat; read line; echo read=$?" })).toEqual({
      text: "read=1\n\nExit code 0",
      isError: false,
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("sets variables that keep pagers and editors from waiting", async () => {
    const result = await bash({ command: 'echo "$CAIRN $PAGER $GIT_PAGER $GIT_EDITOR $TERM"' });
    expect(result.text).toBe("1 cat cat true dumb\n\nExit code 0");
  });

  it("kills the whole process group on timeout and says so", async () => {
    const started = Date.now();
    const result = await bash({
      command: "sleep 100 & echo $! > pids; sh -c 'echo $$ >> pids; exec sleep 100'; wait",
      timeout: 500,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.isError).toBe(true);
    expect(result.text).toContain("Timed out after 500 ms");
    const pids = await pidsIn("pids");
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(await alive(pid)).toBe(false);
  });

  it("kills the process group when the call is aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await bash(
      { command: "sleep 100 & echo $! > pids; wait" },
      context(controller.signal),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toEqual({
      text: "(no output)\n\nInterrupted by the user: the command was killed.",
      isError: true,
    });
    const [pid] = await pidsIn("pids");
    expect(await alive(pid ?? 0)).toBe(false);
  });

  it("stops processes a command left running with & instead of hanging on them", async () => {
    const started = Date.now();
    const result = await bash({ command: "sleep 100 & echo $! > pids; echo started" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.text).toContain("started\n\nExit code 0");
    expect(result.text).toContain("left running in the background were stopped");
    const [pid] = await pidsIn("pids");
    expect(await alive(pid ?? 0)).toBe(false);
  });

  it("says nothing of background processes that had already finished", async () => {
    const result = await bash({ command: "true & sleep 0.3; echo done" });
    expect(result.text).toBe("done\n\nExit code 0");
  });

  it("says nothing of a background process that finished while its output was awaited", async () => {
    // Still running when the command ended, done within the grace period: nothing was stopped.
    const result = await bash({ command: "(sleep 0.05; echo late) & echo now" });
    expect(result.text).toBe("now\nlate\n\nExit code 0");
  });

  it("keeps its own commands out of the trace of a command that turned on set -x or -v", async () => {
    await mkdir(join(root, "sub"));
    expect(await bash({ command: "set -x; echo hi" })).toEqual({
      text: "+ echo hi\nhi\n\nExit code 0",
      isError: false,
    });
    expect((await bash({ command: "set -v; echo hi" })).text).toBe("hi\n\nExit code 0");
    // The exit status survives, and so do set -e and set -u.
    expect((await bash({ command: "set -x; (exit 5)" })).text).toBe("+ exit 5\n\nExit code 5");
    expect((await bash({ command: "set -xe; false; echo not-here" })).text).toBe(
      "+ false\n\nExit code 1",
    );
    expect((await bash({ command: "set -xu; cd sub" })).text).toBe("+ cd sub\n\nExit code 0");
    expect(session.shell.cwd).toBe(join(root, "sub"));
    // Whether or not the `&` process got to trace itself before it was stopped.
    const left = await bash({ command: "set -x; sleep 100 & true" });
    expect(left.text).toContain("+ true\n");
    expect(left.text).not.toMatch(/jobs|__cairn|pwd|\[ -n/);
    expect(left.text).toContain("left running in the background were stopped");
  });

  it("cuts output over 30,000 characters in the middle and keeps the whole in a file", async () => {
    const result = await bash({ command: "seq 1 20000" });
    const full = Array.from({ length: 20000 }, (_, i) => `${i + 1}\n`).join("");
    expect(result.text.length).toBeLessThanOrEqual(30_100);
    expect(result.text.startsWith("1\n2\n3\n")).toBe(true);
    expect(result.text).toContain("19999\n20000\n\nExit code 0");
    const marker =
      /\n\[\.\.\. ([\d,]+) characters \(lines (\d+)-(\d+)\) cut from the middle of the output; the full output is in (\S+) .*\]\n/.exec(
        result.text,
      );
    expect(marker).not.toBeNull();
    const [, chars, first, last, path] = marker ?? [];
    const [head = "", tail = ""] = result.text.split(marker?.[0] ?? "?");
    expect(head.length).toBeGreaterThan(10_000);
    expect(Number(chars?.replace(/,/g, ""))).toBe(
      full.length - (head.length + 1) - (tail.length - "\nExit code 0".length),
    );
    // The marker's line numbers are the lines of the saved file that were not shown.
    expect(head.endsWith(`${Number(first) - 1}`)).toBe(true);
    expect(tail.startsWith(`${Number(last) + 1}\n`)).toBe(true);
    expect(await readFile(path ?? "", "utf8")).toBe(full);
  });

  it("says in its description that BASH_MAX_OUTPUT_LENGTH changes where output is cut", () => {
    expect(bashTool.description).toContain(
      "output over 30,000 characters (or the user's BASH_MAX_OUTPUT_LENGTH) is cut in the middle",
    );
  });

  it("refuses a timeout over ten minutes with a clear message", async () => {
    expect(await bash({ command: "touch ran", timeout: 600_001 })).toEqual({
      text: "timeout is at most 600000 ms (10 minutes); pass a smaller one, or use run_in_background for longer work.",
      isError: true,
    });
    await expect(readFile(join(root, "ran"))).rejects.toThrow();
  });

  it("takes its limits from Claude Code's BASH_* variables in the session environment", async () => {
    const limited = createToolSession(
      { root, additionalDirs: [] },
      {
        env: {
          ...process.env,
          BASH_DEFAULT_TIMEOUT_MS: "300",
          BASH_MAX_TIMEOUT_MS: "900000",
          BASH_MAX_OUTPUT_LENGTH: "2000",
        },
      },
    );
    try {
      const ctx: ToolContext = {
        cwd: root,
        signal: new AbortController().signal,
        session: limited,
      };
      const slow = await bash({ command: "sleep 5" }, ctx);
      expect(slow.isError).toBe(true);
      expect(slow.text).toContain("Timed out after 300 ms");
      expect((await bash({ command: "echo long", timeout: 900_000 }, ctx)).text).toBe(
        "long\n\nExit code 0",
      );
      const big = await bash({ command: "seq 1 5000" }, ctx);
      expect(big.text.length).toBeLessThan(2100);
      expect(big.text).toMatch(/^1\n2\n[\s\S]*cut from the middle[\s\S]*\n5000\n\nExit code 0$/);
    } finally {
      await limited.dispose();
    }
  });

  it("lowers the default timeout to a BASH_MAX_TIMEOUT_MS below it, and refuses more", async () => {
    const short = createToolSession(
      { root, additionalDirs: [] },
      { env: { ...process.env, BASH_MAX_TIMEOUT_MS: "400" } },
    );
    try {
      const ctx: ToolContext = { cwd: root, signal: new AbortController().signal, session: short };
      const slow = await bash({ command: "sleep 5" }, ctx);
      expect(slow.isError).toBe(true);
      expect(slow.text).toContain("Timed out after 400 ms");
      expect(await bash({ command: "touch ran", timeout: 1000 }, ctx)).toEqual({
        text: "timeout is at most 400 ms (0.4 seconds); pass a smaller one, or use run_in_background for longer work.",
        isError: true,
      });
    } finally {
      await short.dispose();
    }
  });

  it("says which BASH_* variable it could not use and keeps the standard limit", async () => {
    const odd = createToolSession(
      { root, additionalDirs: [] },
      { env: { ...process.env, BASH_DEFAULT_TIMEOUT_MS: "2m", BASH_MAX_OUTPUT_LENGTH: "999999" } },
    );
    try {
      const ctx: ToolContext = { cwd: root, signal: new AbortController().signal, session: odd };
      expect((await bash({ command: "echo hi" }, ctx)).text).toBe(
        "hi\n\nExit code 0\n" +
          "BASH_DEFAULT_TIMEOUT_MS=2m is not a positive whole number; 120000 was used.\n" +
          "BASH_MAX_OUTPUT_LENGTH=999999 is outside 1000-150000; 150000 was used.",
      );
      // Said once a session, not after every command.
      expect((await bash({ command: "echo again" }, ctx)).text).toBe("again\n\nExit code 0");
      expect((await bash({ command: "true", run_in_background: true }, ctx)).text).not.toContain(
        "BASH_",
      );
    } finally {
      await odd.dispose();
    }
  });

  it("describes its access as the command", () => {
    expect(bashTool.describeAccess({ command: "ls -la" })).toEqual({
      kind: "command",
      command: "ls -la",
    });
  });
});

describe("Bash background jobs", () => {
  it("starts a job, returns its id at once, and BashOutput returns only new output", async () => {
    const started = await bash({
      command: "echo first; sleep 0.3; echo second; sleep 100",
      run_in_background: true,
    });
    expect(started.text).toContain("Started in the background as bash_1.");
    await delay(150);
    const first = await call(bashOutputTool, { bash_id: "bash_1" });
    expect(first.text).toBe("first\nStatus: running");
    await delay(400);
    const second = await call(bashOutputTool, { bash_id: "bash_1" });
    expect(second.text).toBe("second\nStatus: running");
    const third = await call(bashOutputTool, { bash_id: "bash_1" });
    expect(third.text).toBe("(no new output)\nStatus: running");
  });

  it("reports the exit code of a finished job and logs its whole output", async () => {
    const started = await bash({ command: "echo done; exit 7", run_in_background: true });
    const log = /written to (\S+)\.$/m.exec(started.text)?.[1];
    await jobsFinished();
    expect((await call(bashOutputTool, { bash_id: "bash_1" })).text).toBe(
      "done\nStatus: exited with code 7",
    );
    expect(await readFile(log ?? "", "utf8")).toBe("done\n");
  });

  it("filters new lines with a regular expression", async () => {
    await bash({
      command: "printf 'ok 1\\nfail 2\\nok 3\\n'; sleep 100",
      run_in_background: true,
    });
    await delay(200);
    const result = await call(bashOutputTool, { bash_id: "bash_1", filter: "^ok" });
    expect(result.text).toBe(
      "ok 1\nok 3\n[filter /^ok/: 2 of 3 new lines matched]\nStatus: running",
    );
  });

  it("rejects an invalid filter with the reason", async () => {
    await bash({ command: "sleep 100", run_in_background: true });
    const result = await call(bashOutputTool, { bash_id: "bash_1", filter: "(" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("filter is not a valid JavaScript regular expression");
  });

  it("KillShell stops the job and everything it started", async () => {
    await bash({ command: "sleep 100 & echo $! > pids; wait", run_in_background: true });
    const [pid] = await pidsIn("pids");
    const killed = await call(killShellTool, { shell_id: "bash_1" });
    expect(killed).toEqual({ text: "bash_1 was stopped: killed (SIGTERM).", isError: false });
    expect(await alive(pid ?? 0)).toBe(false);
    expect((await call(bashOutputTool, { bash_id: "bash_1" })).text).toBe(
      "(no new output)\nStatus: killed (SIGTERM)",
    );
  });

  it("names the known shells for an unknown id", async () => {
    expect(await call(killShellTool, { shell_id: "bash_9" })).toEqual({
      text: 'No background shell "bash_9": none was started in this session (use Bash with run_in_background).',
      isError: true,
    });
    await bash({ command: "sleep 100", run_in_background: true });
    const result = await call(bashOutputTool, { bash_id: "bash_9" });
    expect(result).toEqual({
      text: 'No background shell "bash_9". Known shells: bash_1 (running).',
      isError: true,
    });
  });

  it("kills every background job when the session is disposed", async () => {
    await bash({ command: "sleep 100 & echo $! > pids; wait", run_in_background: true });
    await bash({ command: "echo $$ > pids2; exec sleep 100", run_in_background: true });
    const [first] = await pidsIn("pids");
    const [second] = await pidsIn("pids2");
    await session.dispose();
    expect(await alive(first ?? 0)).toBe(false);
    expect(await alive(second ?? 0)).toBe(false);
    expect(session.jobs.list().map((job) => job.status.type)).toEqual(["killed", "killed"]);
  });
});
