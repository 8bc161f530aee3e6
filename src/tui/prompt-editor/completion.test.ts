import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  acceptCompletion,
  commandItems,
  completionTarget,
  fileItems,
  type CompletionItem,
} from "./completion.ts";
import { editorWith } from "./editor-state.ts";
import { rankByFuzzy } from "./fuzzy.ts";
import { listWorkspaceFiles } from "./workspace-files.ts";

const rank = (query: string, paths: string[]): string[] => rankByFuzzy(query, paths, (p) => p, 10);

describe("fuzzy ranking", () => {
  it("matches the query's characters in order, and nothing else", () => {
    expect(rank("pe", ["src/prompt-editor.ts", "src/ep.ts"])).toEqual(["src/prompt-editor.ts"]);
  });

  it("prefers a match in the file name over one spread across folders", () => {
    expect(rank("index", ["index-stuff/deep/a.ts", "src/tui/index.ts"])).toEqual([
      "src/tui/index.ts",
      "index-stuff/deep/a.ts",
    ]);
  });

  it("prefers a name starting with the query, then shorter paths", () => {
    expect(rank("read", ["docs/thread.md", "src/tools/read.ts", "read.ts"])).toEqual([
      "read.ts",
      "src/tools/read.ts",
      "docs/thread.md",
    ]);
  });

  it("prefers matches at word starts over scattered ones", () => {
    expect(rank("pe", ["src/pipe.ts", "src/prompt-editor.ts"])[0]).toBe("src/prompt-editor.ts");
  });

  it("is case-insensitive, and lists short paths first for an empty query", () => {
    expect(rank("README", ["docs/readme.md"])).toEqual(["docs/readme.md"]);
    expect(rank("", ["a/b/c.ts", "z.ts", "a/"])).toEqual(["a/", "z.ts", "a/b/c.ts"]);
  });
});

describe("completion target", () => {
  it("finds an @ token at the cursor", () => {
    expect(completionTarget("look at @src/ma", 15)).toEqual({
      type: "file",
      start: 8,
      end: 15,
      query: "src/ma",
    });
    expect(completionTarget("@", 1)).toEqual({ type: "file", start: 0, end: 1, query: "" });
  });

  it("ignores an @ inside a word, like an e-mail address", () => {
    expect(completionTarget("mail me@host", 12)).toBeUndefined();
  });

  it("finds a command only while typing its name at the start of the prompt", () => {
    expect(completionTarget("/he", 3)).toEqual({ type: "command", start: 0, end: 3, query: "he" });
    expect(completionTarget("/model gpt", 10)).toBeUndefined();
    expect(completionTarget("say /he", 7)).toBeUndefined();
  });
});

describe("completion items", () => {
  const commands = [
    { name: "help", description: "Show help" },
    { name: "clear", description: "Clear the conversation" },
    { name: "compact", description: "Compact", argumentHint: "[instructions]" },
    { name: "cost", description: "Show cost" },
  ];

  it("lists commands starting with the query alphabetically, then fuzzy matches", () => {
    expect(commandItems("c", commands).map((i) => i.value)).toEqual(["clear", "compact", "cost"]);
    expect(commandItems("cst", commands).map((i) => i.value)).toEqual(["cost"]);
    expect(commandItems("", commands)).toHaveLength(4);
  });

  it("shows the argument hint and description of a command", () => {
    const [item] = commandItems("comp", commands);
    expect(item).toMatchObject({ label: "/compact [instructions]", description: "Compact" });
  });

  it("replaces the token on accept, adding a space after a file but not after a folder", () => {
    const file: CompletionItem = { value: "src/main.ts", label: "", continues: false };
    const folder: CompletionItem = { value: "src/", label: "", continues: true };
    const state = editorWith("open @sr", 8);
    const target = completionTarget(state.text, state.cursor);
    if (!target) throw new Error("no target");
    expect(acceptCompletion(state, target, file)).toEqual({
      text: "open @src/main.ts ",
      cursor: 18,
    });
    expect(acceptCompletion(state, target, folder)).toEqual({ text: "open @src/", cursor: 10 });
  });

  it("replaces the whole token even with the cursor inside it", () => {
    const state = editorWith("@sr/ma now", 3);
    const target = completionTarget(state.text, state.cursor);
    if (!target) throw new Error("no target");
    const item: CompletionItem = { value: "src/main.ts", label: "", continues: false };
    expect(acceptCompletion(state, target, item)).toEqual({ text: "@src/main.ts now", cursor: 13 });
  });

  it("ranks workspace paths for a file query", () => {
    const items = fileItems("main", ["src/", "src/main.ts", "docs/domain.md"]);
    expect(items.map((i) => i.value)).toEqual(["src/main.ts", "docs/domain.md"]);
  });
});

describe("workspace files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-prompt-files-"));
    await mkdir(join(dir, ".git", "info"), { recursive: true });
    await writeFile(join(dir, ".git", "info", "exclude"), "secret.txt\n");
    await writeFile(join(dir, ".gitignore"), "dist/\n*.log\n");
    await mkdir(join(dir, "src", "deep"), { recursive: true });
    await mkdir(join(dir, "dist"), { recursive: true });
    await mkdir(join(dir, "node_modules", "pkg"), { recursive: true });
    await writeFile(join(dir, "src", ".gitignore"), "generated.ts\n");
    for (const file of [
      "README.md",
      "app.log",
      "secret.txt",
      "dist/out.js",
      "node_modules/pkg/index.js",
      "src/main.ts",
      "src/generated.ts",
      "src/deep/util.ts",
    ]) {
      await writeFile(join(dir, file), "x");
    }
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("lists files and folders breadth-first, honouring ignore files at every level", async () => {
    expect(await listWorkspaceFiles(dir)).toEqual([
      ".gitignore",
      "README.md",
      "src/",
      "src/.gitignore",
      "src/deep/",
      "src/main.ts",
      "src/deep/util.ts",
    ]);
  });

  it("applies the repository's ignore files when listing a subfolder", async () => {
    await writeFile(join(dir, "src", "debug.log"), "x");
    expect(await listWorkspaceFiles(join(dir, "src"))).toEqual([
      ".gitignore",
      "deep/",
      "main.ts",
      "deep/util.ts",
    ]);
  });

  it("stops at the limit with the shallow paths", async () => {
    expect(await listWorkspaceFiles(dir, { limit: 3 })).toEqual([
      ".gitignore",
      "README.md",
      "src/",
    ]);
  });

  it("lists folders down to maxDepth levels, and none of node_modules at any level", async () => {
    await mkdir(join(dir, "src", "deep", "deeper", "node_modules"), { recursive: true });
    await writeFile(join(dir, "src", "deep", "deeper", "far.ts"), "x");
    await writeFile(join(dir, "src", "deep", "deeper", "node_modules", "dep.js"), "x");
    expect(await listWorkspaceFiles(dir, { maxDepth: 1 })).toEqual([
      ".gitignore",
      "README.md",
      "src/",
      "src/.gitignore",
      "src/main.ts",
    ]);
    expect(await listWorkspaceFiles(dir, { maxDepth: 3 })).toEqual([
      ".gitignore",
      "README.md",
      "src/",
      "src/.gitignore",
      "src/deep/",
      "src/main.ts",
      "src/deep/deeper/",
      "src/deep/util.ts",
      "src/deep/deeper/far.ts",
    ]);
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(listWorkspaceFiles(dir, { signal: controller.signal })).rejects.toThrow("stop");
  });
});
