import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFixture, type MemoryFixture } from "./memory-fixture.ts";

let fx: MemoryFixture;
beforeEach(async () => {
  fx = await createMemoryFixture();
});
afterEach(async () => {
  await fx.dispose();
});

describe("loadMemory › discovery", () => {
  it("loads user files, then each folder from the repository root down to cwd, broad → specific", async () => {
    await fx.write({
      "home/.cairn/AGENTS.md": "cairn agents",
      "home/.cairn/CLAUDE.md": "cairn claude",
      "home/.claude/AGENTS.md": "claude agents",
      "home/.claude/CLAUDE.md": "claude claude",
      "repo/AGENTS.md": "root agents",
      "repo/CLAUDE.md": "root claude",
      "repo/.claude/CLAUDE.md": "root dot-claude",
      "repo/CLAUDE.local.md": "root local",
      "repo/pkg/CLAUDE.md": "pkg claude",
      "repo/pkg/app/AGENTS.md": "app agents",
      "repo/pkg/app/deeper/AGENTS.md": "below cwd: not loaded at start",
      "repo/other/AGENTS.md": "a sibling: not loaded",
      "AGENTS.md": "above the root: not loaded",
    });
    const memory = await fx.load({ cwd: join(fx.repo, "pkg", "app") });
    expect(memory.files.map((f) => [f.displayPath, f.scope, f.content])).toEqual([
      ["~/.cairn/AGENTS.md", "user", "cairn agents"],
      ["~/.cairn/CLAUDE.md", "user", "cairn claude"],
      ["~/.claude/AGENTS.md", "user", "claude agents"],
      ["~/.claude/CLAUDE.md", "user", "claude claude"],
      ["AGENTS.md", "project", "root agents"],
      ["CLAUDE.md", "project", "root claude"],
      [".claude/CLAUDE.md", "project", "root dot-claude"],
      ["CLAUDE.local.md", "project", "root local"],
      ["pkg/CLAUDE.md", "project", "pkg claude"],
      ["pkg/app/AGENTS.md", "project", "app agents"],
    ]);
    expect(memory.warnings).toEqual([]);
    expect(memory.root).toBe(fx.repo);
    expect(memory.cwd).toBe(join(fx.repo, "pkg", "app"));
    expect(memory.loadedPaths).toHaveLength(10);
  });

  it("uses claudeHome when given instead of ~/.claude", async () => {
    await fx.write({ "home/.claude/CLAUDE.md": "default", "elsewhere/CLAUDE.md": "configured" });
    const memory = await fx.load({ claudeHome: join(fx.base, "elsewhere") });
    expect(memory.files.map((f) => f.content)).toEqual(["configured"]);
  });

  it("includes a file once when AGENTS.md is a link to CLAUDE.md", async () => {
    await fx.write({ "repo/CLAUDE.md": "shared rules" });
    await symlink("CLAUDE.md", join(fx.repo, "AGENTS.md"));
    const memory = await fx.load();
    expect(memory.files.map((f) => [f.path, f.realPath, f.content])).toEqual([
      [join(fx.repo, "AGENTS.md"), join(fx.repo, "CLAUDE.md"), "shared rules"],
    ]);
  });

  it("includes a user folder once when cairnHome and claudeHome are the same folder", async () => {
    await fx.write({ "home/.claude/CLAUDE.md": "once" });
    const memory = await fx.load({ cairnHome: join(fx.home, ".claude") });
    expect(memory.files.map((f) => f.content)).toEqual(["once"]);
  });

  it("includes a file once when the repository is the home folder", async () => {
    await mkdir(join(fx.home, ".git"));
    await fx.write({ "home/.claude/CLAUDE.md": "user", "home/AGENTS.md": "dotfiles" });
    const memory = await fx.load({ cwd: fx.home });
    expect(memory.files.map((f) => [f.scope, f.content])).toEqual([
      ["user", "user"],
      ["project", "dotfiles"],
    ]);
  });
});

describe("loadMemory › repository root", () => {
  it("is the nearest folder with a .git folder", async () => {
    await fx.write({ "repo/AGENTS.md": "root", "repo/sub/AGENTS.md": "sub" });
    const memory = await fx.load({ cwd: join(fx.repo, "sub") });
    expect(memory.root).toBe(fx.repo);
    expect(memory.files.map((f) => f.content)).toEqual(["root", "sub"]);
  });

  it("is the nearest folder with a .git file (worktree or submodule)", async () => {
    await fx.write({
      "repo/AGENTS.md": "outer",
      "repo/mod/.git": "gitdir: ../.git/modules/mod\n",
      "repo/mod/AGENTS.md": "submodule",
      "repo/mod/src/AGENTS.md": "submodule src",
    });
    const memory = await fx.load({ cwd: join(fx.repo, "mod", "src") });
    expect(memory.root).toBe(join(fx.repo, "mod"));
    expect(memory.files.map((f) => f.content)).toEqual(["submodule", "submodule src"]);
  });

  it("is cwd itself outside any repository", async () => {
    await fx.write({ "plain/AGENTS.md": "parent", "plain/sub/AGENTS.md": "here" });
    const memory = await fx.load({ cwd: join(fx.base, "plain", "sub") });
    expect(memory.root).toBe(join(fx.base, "plain", "sub"));
    expect(memory.files.map((f) => f.content)).toEqual(["here"]);
  });
});

describe("loadMemory › content", () => {
  it("drops HTML comments standing on their own lines and keeps inline ones and those in code", async () => {
    await fx.write({
      "repo/AGENTS.md": [
        "<!-- maintainer note: one line -->",
        "Use tabs.",
        "  <!--",
        "  several lines",
        "  -->",
        "Keep <!-- inline --> comments in text.",
        "```html",
        "<!-- inside a fence: kept -->",
        "```",
        "<!-- closed with text after --> stays",
      ].join("\n"),
    });
    const [file] = (await fx.load()).files;
    expect(file?.content).toBe(
      [
        "Use tabs.",
        "Keep <!-- inline --> comments in text.",
        "```html",
        "<!-- inside a fence: kept -->",
        "```",
        "<!-- closed with text after --> stays",
      ].join("\n"),
    );
  });

  it("cuts a file over the size cap at a line end, with a marker and a warning", async () => {
    const line = "x".repeat(99) + "\n";
    await fx.write({ "repo/AGENTS.md": line.repeat(30) }); // 3000 bytes
    const memory = await fx.load({ maxFileBytes: 1024 });
    const content = memory.files[0]?.content ?? "";
    expect(content.split("\n").filter((l) => l === "x".repeat(99))).toHaveLength(10);
    expect(content).toMatch(/\[cairn: AGENTS\.md is 3 KiB; only its first 1 KiB were loaded\]$/);
    expect(memory.warnings).toEqual([
      "memory: AGENTS.md is 3 KiB; only its first 1 KiB were loaded",
    ]);
  });

  it("refuses a binary memory file with a warning", async () => {
    await fx.write({ "repo/AGENTS.md": Buffer.from([0x41, 0x00, 0x42]), "repo/CLAUDE.md": "ok" });
    const memory = await fx.load();
    expect(memory.files.map((f) => f.content)).toEqual(["ok"]);
    expect(memory.warnings).toEqual(["memory: AGENTS.md not loaded: it looks binary"]);
  });

  it("refuses a memory file that is a folder with a warning", async () => {
    await mkdir(join(fx.repo, "AGENTS.md"));
    const memory = await fx.load();
    expect(memory.files).toEqual([]);
    expect(memory.warnings).toEqual(["memory: AGENTS.md not loaded: it is a folder"]);
  });

  it("strips a byte-order mark and reads CRLF files", async () => {
    await writeFile(join(fx.repo, "AGENTS.md"), "\uFEFFone\r\ntwo\r\n");
    const [file] = (await fx.load()).files;
    expect(file?.content).toBe("one\ntwo");
  });
});
