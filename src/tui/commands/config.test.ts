import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

let base: string;
let root: string;
let cairnHome: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-config-cmd-")));
  root = join(base, "repo");
  cairnHome = join(base, "cairn-home");
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const context = (extra: Parameters<typeof fakeContext>[0] = {}) =>
  fakeContext({ cwd: root, workspaceRoot: root, cairnHome, ...extra });

describe("/config", () => {
  it("lists the settings files in effect, cairn's files by scope, and the commands that edit them", async () => {
    const ctx = context({ settingsFiles: [join(root, ".claude", "settings.json")] });
    await runSlashCommand("/config", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toContain("Settings files in effect:\n  .claude/settings.json\n");
    expect(text).toMatch(/^ {2}local\s+\.cairn\/settings\.local\.json\s+personal/m);
    expect(text).toMatch(/^ {2}project\s+\.cairn\/settings\.json\s+shared/m);
    expect(text).toContain(join(cairnHome, "settings.json"));
    expect(text).toContain("cairn config set [--scope local|project|user] <key> <value>");
    expect(text).toContain("next session");
  });

  it("says when no settings file is in effect", async () => {
    const ctx = context();
    await runSlashCommand("/config", builtinCommands, ctx);
    expect(ctx.output()).toContain("No settings files are in effect.");
  });

  it("opens a scope's file in the editor, creating it as an empty object", async () => {
    const ctx = context();
    await runSlashCommand("/config edit project", builtinCommands, ctx);
    const file = join(root, ".cairn", "settings.json");
    expect(ctx.calls).toEqual([{ method: "openInEditor", args: [file] }]);
    expect(await readFile(file, "utf8")).toBe("{}\n");
    expect(ctx.output()).toContain(".cairn/settings.json is valid");
  });

  it("reports a file the edit left invalid", async () => {
    const file = join(root, ".cairn", "settings.local.json");
    const ctx = context();
    ctx.openInEditor = (path) => writeFile(path, '{ "model": 3 }');
    await runSlashCommand("/config edit", builtinCommands, ctx);
    expect(ctx.notices).toHaveLength(1);
    expect(ctx.notices[0]?.level).toBe("error");
    expect(ctx.notices[0]?.text).toContain(file);
  });

  it("refuses an unknown scope or action with the usage", async () => {
    const ctx = context();
    await runSlashCommand("/config edit team", builtinCommands, ctx);
    await runSlashCommand("/config edit local please", builtinCommands, ctx);
    expect(ctx.calls).toEqual([]);
    expect(ctx.notices.map((n) => n.level)).toEqual(["error", "error"]);
    expect(ctx.notices[0]?.text).toContain('unknown scope "team"');
    expect(ctx.notices[1]?.text).toContain("Usage: /config [edit local|project|user]");
  });

  it("points the shell's config commands to the shell", async () => {
    const ctx = context();
    await runSlashCommand("/config set model openai/gpt-5", builtinCommands, ctx);
    expect(ctx.calls).toEqual([]);
    expect(ctx.output()).toContain("cairn config set model openai/gpt-5");
  });
});
