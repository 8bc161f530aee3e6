import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryFixture, type MemoryFixture } from "./memory-fixture.ts";
import { createNestedMemory, type NestedMemory } from "./nested-memory.ts";

let fx: MemoryFixture;
let warnings: string[];
beforeEach(async () => {
  fx = await createMemoryFixture();
  warnings = [];
});
afterEach(async () => {
  await fx.dispose();
});

async function start(cwd = fx.repo): Promise<NestedMemory> {
  const memory = await fx.load({ cwd });
  return createNestedMemory({
    root: memory.root,
    home: fx.home,
    cwd: memory.cwd,
    loaded: memory.loadedPaths,
    onWarning: (w) => warnings.push(w),
  });
}

const names = (files: Array<{ displayPath: string }>) => files.map((f) => f.displayPath);

describe("nested memory", () => {
  it("loads the files of every folder between the root and a touched file, broad → specific", async () => {
    await fx.write({
      "repo/AGENTS.md": "root",
      "repo/src/AGENTS.md": "src",
      "repo/src/api/CLAUDE.md": "api",
      "repo/src/api/CLAUDE.local.md": "api local",
      "repo/src/api/v1/routes.ts": "",
      "repo/src/api/v1/deeper/AGENTS.md": "below the touched file: not loaded",
    });
    const nested = await start();
    const files = await nested.touch([join(fx.repo, "src/api/v1/routes.ts")]);
    expect(files.map((f) => [f.displayPath, f.scope, f.content])).toEqual([
      ["src/AGENTS.md", "nested", "src"],
      ["src/api/CLAUDE.md", "nested", "api"],
      ["src/api/CLAUDE.local.md", "nested", "api local"],
    ]);
  });

  it("returns each file once per session", async () => {
    await fx.write({ "repo/src/AGENTS.md": "src", "repo/src/a.ts": "", "repo/src/b.ts": "" });
    const nested = await start();
    expect(
      names(await nested.touch([join(fx.repo, "src/a.ts"), join(fx.repo, "src/b.ts")])),
    ).toEqual(["src/AGENTS.md"]);
    expect(await nested.touch([join(fx.repo, "src/a.ts")])).toEqual([]);
    expect(await nested.touch([join(fx.repo, "src")])).toEqual([]);
  });

  it("returns a file once when touched from concurrent calls", async () => {
    await fx.write({ "repo/src/AGENTS.md": "src" });
    const nested = await start();
    const results = await Promise.all([
      nested.touch([join(fx.repo, "src/a.ts")]),
      nested.touch([join(fx.repo, "src/b.ts")]),
    ]);
    expect(results.flat().map((f) => f.displayPath)).toEqual(["src/AGENTS.md"]);
  });

  it("treats a touched folder as a folder to look in", async () => {
    await fx.write({ "repo/lib/AGENTS.md": "lib" });
    const nested = await start();
    expect(names(await nested.touch([join(fx.repo, "lib")]))).toEqual(["lib/AGENTS.md"]);
  });

  it("looks in the folders of a file that does not exist yet", async () => {
    await fx.write({ "repo/pkg/AGENTS.md": "pkg" });
    const nested = await start();
    expect(names(await nested.touch([join(fx.repo, "pkg/new/file.ts")]))).toEqual([
      "pkg/AGENTS.md",
    ]);
  });

  it("skips the root and the folders down to cwd, loaded at start", async () => {
    await fx.write({
      "repo/AGENTS.md": "root",
      "repo/app/AGENTS.md": "app (cwd)",
      "repo/app/web/AGENTS.md": "web",
      "repo/lib/AGENTS.md": "lib",
    });
    const nested = await start(join(fx.repo, "app"));
    const files = await nested.touch([
      join(fx.repo, "README.md"),
      join(fx.repo, "app/web/index.ts"),
      join(fx.repo, "lib/x.ts"),
    ]);
    expect(names(files)).toEqual(["app/web/AGENTS.md", "lib/AGENTS.md"]);
  });

  it("ignores paths outside the root, also through a link", async () => {
    await fx.write({ "outside/AGENTS.md": "outside", "outside/x.ts": "" });
    await symlink(join(fx.base, "outside"), join(fx.repo, "linked"));
    const nested = await start();
    expect(await nested.touch([join(fx.base, "outside/x.ts")])).toEqual([]);
    expect(await nested.touch([join(fx.repo, "linked/x.ts")])).toEqual([]);
  });

  it("does not load a file the start-up memory already included through an import", async () => {
    await fx.write({ "repo/AGENTS.md": "@docs/AGENTS.md", "repo/docs/AGENTS.md": "docs" });
    const nested = await start();
    expect(await nested.touch([join(fx.repo, "docs/guide.md")])).toEqual([]);
  });

  it("skips folders under node_modules and .git", async () => {
    await fx.write({
      "repo/node_modules/pkg/CLAUDE.md": "a package's instructions",
      "repo/.git/hooks/AGENTS.md": "no",
    });
    const nested = await start();
    expect(
      await nested.touch([
        join(fx.repo, "node_modules/pkg/index.js"),
        join(fx.repo, ".git/hooks/x"),
      ]),
    ).toEqual([]);
  });

  it("expands imports of nested files and reports problems through onWarning", async () => {
    await fx.write({
      "repo/src/AGENTS.md": "@rules.md @gone.md",
      "repo/src/rules.md": "rules",
    });
    const nested = await start();
    const [file] = await nested.touch([join(fx.repo, "src/x.ts")]);
    expect(file?.content).toBe(
      "@rules.md @gone.md\n\nContents of src/rules.md (imported by src/AGENTS.md):\n\nrules",
    );
    expect(file?.imports).toEqual([join(fx.repo, "src/rules.md")]);
    expect(warnings).toEqual(["memory: src/AGENTS.md:1: @gone.md: no such file; left as text"]);
  });
});
