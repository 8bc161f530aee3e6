import { chmod, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import { createGrepTool, type GrepDisplay } from "./grep.ts";
import { findRipgrep, ripgrepIgnoreMode } from "./ripgrep.ts";
import { createToolSession } from "./session.ts";

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function tempRoot(): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-rg-")));
  roots.push(root);
  return root;
}

async function script(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

async function runGrep(
  rg: string,
  root: string,
  input: Record<string, unknown>,
  signal = new AbortController().signal,
) {
  const tool = createGrepTool({ findRipgrep: () => rg });
  const session = createToolSession({ root, additionalDirs: [] });
  try {
    return await tool.run(tool.input.parse(input), { cwd: root, signal, session });
  } finally {
    await session.dispose();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("findRipgrep", () => {
  test("uses CAIRN_RIPGREP when it is an executable file", async () => {
    const root = await tempRoot();
    const rg = await script(join(root, "my-rg"), "exit 1");
    expect(findRipgrep({ CAIRN_RIPGREP: rg, PATH: "" })).toBe(rg);
  });

  test("gives up (no PATH search) when CAIRN_RIPGREP is missing or not executable", async () => {
    const root = await tempRoot();
    const bin = join(root, "bin");
    await mkdir(bin);
    await script(join(bin, "rg"), "exit 1");
    const plain = join(root, "not-executable");
    await writeFile(plain, "");
    expect(findRipgrep({ CAIRN_RIPGREP: join(root, "missing"), PATH: bin })).toBeUndefined();
    expect(findRipgrep({ CAIRN_RIPGREP: plain, PATH: bin })).toBeUndefined();
  });

  test("finds rg on PATH, and nothing when PATH has none", async () => {
    const root = await tempRoot();
    const empty = join(root, "empty");
    const bin = join(root, "bin");
    await mkdir(empty);
    await mkdir(bin);
    const rg = await script(join(bin, "rg"), "exit 1");
    expect(findRipgrep({ PATH: `${empty}:${bin}` }, "linux")).toBe(rg);
    expect(findRipgrep({ PATH: empty }, "linux")).toBeUndefined();
    expect(findRipgrep({}, "linux")).toBeUndefined();
  });
});

describe("ripgrepIgnoreMode", () => {
  test("keeps rg from the ignore files above the repository that its version reads", async () => {
    const base = await tempRoot();
    const rg14 = await script(join(base, "rg14"), 'echo "ripgrep 14.1.1"');
    const rg13 = await script(join(base, "rg13"), 'echo "ripgrep 13.0.0 (rev af6b6c543b)"');
    const repo = join(base, "home", "proj");
    await mkdir(join(repo, ".git"), { recursive: true });
    await mkdir(join(repo, "src"));
    await mkdir(join(base, "other", "sub"), { recursive: true });
    // Only comments: nothing rg could apply.
    await writeFile(join(base, "home", ".gitignore"), "# nothing\n\n");
    expect(await ripgrepIgnoreMode(repo, repo, rg14)).toBe("as-is");
    // A ~/.gitignore with rules: rg 14 (--no-require-git) reads it even above a repository,
    // rg 13 does not.
    await writeFile(join(base, "home", ".gitignore"), "*.secret\n");
    expect(await ripgrepIgnoreMode(repo, repo, rg14)).toBe("no-parent");
    expect(await ripgrepIgnoreMode(join(repo, "src"), repo, rg14)).toBe("walker");
    expect(await ripgrepIgnoreMode(join(repo, "src"), repo, rg13)).toBe("as-is");
    // Outside a repository, every rg reads it.
    expect(await ripgrepIgnoreMode(join(base, "other", "sub"), join(base, "other"), rg13)).toBe(
      "as-is",
    );
    await writeFile(join(base, ".gitignore"), "*.tmp\n");
    expect(await ripgrepIgnoreMode(join(base, "other", "sub"), join(base, "other"), rg13)).toBe(
      "walker",
    );
    // A .ignore above a repository: read by both.
    await writeFile(join(base, "home", ".ignore"), "*.bak\n");
    expect(await ripgrepIgnoreMode(join(repo, "src"), repo, rg13)).toBe("walker");
    // A "ripgrep" that never answers counts as an unknown version (the safe side), in time.
    const stuck = await script(join(base, "rg-stuck"), "trap '' TERM; sleep 30 & wait");
    const started = Date.now();
    expect(await ripgrepIgnoreMode(join(repo, "src"), repo, stuck)).toBe("walker");
    expect(Date.now() - started).toBeLessThan(15_000);
    // An added folder outside the workspace is judged from itself.
    expect(await ripgrepIgnoreMode(join(base, "other"), repo, rg14)).toBe("no-parent");
    expect(await ripgrepIgnoreMode(repo, undefined, rg14)).toBe("as-is");
  });
});

describe("running ripgrep", () => {
  test("exit code 2 without results returns rg's message as an error", async () => {
    const root = await tempRoot();
    const rg = await script(join(root, "rg"), 'echo "rg: something broke" >&2\nexit 2');
    const result = await runGrep(rg, root, { pattern: "x" });
    expect(result).toMatchObject({ isError: true, content: "Grep failed: rg: something broke" });
  });

  test("exit code 2 with results keeps them and adds rg's complaint as a warning", async () => {
    const root = await tempRoot();
    await writeFile(join(root, "a.txt"), "x\n");
    const rg = await script(
      join(root, "rg"),
      `printf '%s\\0' "${join(root, "a.txt")}"\necho "rg: ./locked: Permission denied (os error 13)" >&2\nexit 2`,
    );
    const result = await runGrep(rg, root, { pattern: "x" });
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toBe(
      "Found 1 file\na.txt\nWarning: rg: ./locked: Permission denied (os error 13)",
    );
  });

  test("unreadable paths without results are warnings, not an error", async () => {
    const root = await tempRoot();
    const rg = await script(
      join(root, "rg"),
      'echo "rg: ./locked: Permission denied (os error 13)" >&2\nexit 2',
    );
    const result = await runGrep(rg, root, { pattern: "x" });
    expect(result.isError ?? false).toBe(false);
    expect(result.content).toBe(
      "No matches found\nWarning: rg: ./locked: Permission denied (os error 13)",
    );
  });

  test("a binary that cannot be started falls back to the JS search", async () => {
    const root = await tempRoot();
    await writeFile(join(root, "a.txt"), "needle\n");
    const rg = await script(join(root, "rg"), "");
    await writeFile(rg, "#!/no/such/interpreter\n");
    const result = await runGrep(rg, root, { pattern: "needle" });
    expect(result.content).toBe("Found 1 file\na.txt");
    expect((result.display as GrepDisplay).backend).toBe("js");
  });

  test("abort kills ripgrep and returns promptly", async () => {
    const root = await tempRoot();
    const pidFile = join(root, "pid");
    const rg = await script(join(root, "rg"), `echo $$ > "${pidFile}"\nexec sleep 30`);
    const controller = new AbortController();
    const started = Date.now();
    const pending = runGrep(rg, root, { pattern: "x" }, controller.signal);
    let pid: number | undefined;
    while (pid === undefined && Date.now() - started < 5000) {
      await delay(20);
      const text = await readFile(pidFile, "utf8").catch(() => "");
      if (text.trim() !== "") pid = Number(text.trim());
    }
    expect(pid).toBeDefined();
    controller.abort();
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ isError: true, content: "The search was cancelled." });
    expect(isAlive(pid ?? 0)).toBe(false);
  });
});
