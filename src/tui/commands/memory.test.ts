import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadMemory } from "../../memory/index.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

let base: string;
let root: string;
let cairnHome: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-memory-cmd-")));
  root = join(base, "repo");
  cairnHome = join(base, "home", ".cairn");
  await mkdir(join(root, ".git"), { recursive: true });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const context = (extra: Parameters<typeof fakeContext>[0] = {}) =>
  fakeContext({ cwd: root, workspaceRoot: root, repositoryRoot: root, cairnHome, ...extra });

const opened = (ctx: ReturnType<typeof fakeContext>) =>
  ctx.calls.filter((c) => c.method === "openInEditor").map((c) => c.args[0]);

describe("/memory", () => {
  it("lists the loaded memory files, numbered, relative to the repository", async () => {
    const ctx = context({ memoryFiles: [join(root, "AGENTS.md"), join(root, "src", "CLAUDE.md")] });
    await runSlashCommand("/memory", builtinCommands, ctx);
    expect(ctx.output()).toMatch(/^ {2}1 {2}AGENTS\.md\n {2}2 {2}src\/CLAUDE\.md$/m);
  });

  it("says how to start one when none is loaded", async () => {
    const ctx = context();
    await runSlashCommand("/memory", builtinCommands, ctx);
    expect(ctx.output()).toContain("No memory files are loaded");
    expect(ctx.output()).toContain("/memory project");
  });

  it("opens a listed file by number", async () => {
    const file = join(root, "src", "CLAUDE.md");
    const ctx = context({ memoryFiles: [join(root, "AGENTS.md"), file] });
    await runSlashCommand("/memory 2", builtinCommands, ctx);
    expect(opened(ctx)).toEqual([file]);
    expect(ctx.output()).toContain("applies from the next one");
  });

  it("creates AGENTS.md at the repository root for /memory project, with nothing the model would see", async () => {
    const ctx = context();
    await runSlashCommand("/memory project", builtinCommands, ctx);
    const created = join(root, "AGENTS.md");
    expect(opened(ctx)).toEqual([created]);
    expect(ctx.output()).toContain("Created AGENTS.md.");
    expect(await readFile(created, "utf8")).toContain("# AGENTS.md");
    // The starter guidance is an HTML comment, which memory loading drops.
    const memory = await loadMemory({ cwd: root, home: join(base, "home"), cairnHome });
    expect(memory.files.map((f) => f.content.trim())).toEqual(["# AGENTS.md"]);
  });

  it("opens an existing root file without touching it", async () => {
    await writeFile(join(root, "CLAUDE.md"), "Use pnpm.\n");
    const ctx = context();
    await runSlashCommand("/memory project", builtinCommands, ctx);
    expect(opened(ctx)).toEqual([join(root, "CLAUDE.md")]);
    expect(await readFile(join(root, "CLAUDE.md"), "utf8")).toBe("Use pnpm.\n");
    expect(ctx.output()).not.toContain("Created");
  });

  it("creates the user's AGENTS.md in cairn's home for /memory user", async () => {
    const ctx = context();
    await runSlashCommand("/memory user", builtinCommands, ctx);
    expect(opened(ctx)).toEqual([join(cairnHome, "AGENTS.md")]);
    expect(await readFile(join(cairnHome, "AGENTS.md"), "utf8")).toContain("# AGENTS.md");
  });

  it("reloads memory after editing when the session can", async () => {
    let reloads = 0;
    const ctx = context({ context: { reloadMemory: () => Promise.resolve(void reloads++) } });
    await runSlashCommand("/memory project", builtinCommands, ctx);
    expect(reloads).toBe(1);
    expect(ctx.output()).toContain("Reloaded memory");
  });

  it("refuses a number out of range or an unknown name, opening nothing", async () => {
    const ctx = context({ memoryFiles: [join(root, "AGENTS.md")] });
    await runSlashCommand("/memory 3", builtinCommands, ctx);
    await runSlashCommand("/memory notes.txt", builtinCommands, ctx);
    expect(opened(ctx)).toEqual([]);
    expect(ctx.notices.map((n) => n.level)).toEqual(["error", "error"]);
    expect(ctx.notices[0]?.text).toContain("pick a number from 1 to 1");
    expect(ctx.notices[1]?.text).toContain("Usage: /memory [number|project|user]");
  });
});
