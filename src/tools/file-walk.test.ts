import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ignoreScope, walkFiles, type WalkOptions } from "./file-walk.ts";

let root: string;

beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-walk-")));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function tree(files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), content);
  }
}

async function list(options: Partial<WalkOptions> = {}): Promise<string[]> {
  const paths: string[] = [];
  for await (const file of walkFiles({ root, ...options })) paths.push(file.path);
  return paths.sort();
}

const IGNORES = {
  ".gitignore": "*.log\nbuild/\n/top-only.txt\nlogs/\n",
  ".ignore": "vendor/\n",
  "src/main.ts": "",
  "src/debug.log": "",
  "src/top-only.txt": "",
  "top-only.txt": "",
  "build/out.js": "",
  "vendor/lib.js": "",
  "pkg/.gitignore": "!keep.log\nsecret.txt\n!logs/\n",
  "pkg/keep.log": "",
  "pkg/drop.log": "",
  "pkg/secret.txt": "",
  "pkg/logs/today.txt": "",
  "pkg/deep/secret.txt": "",
  "logs/old.txt": "",
  "pkg/deep/.ignore": "*.tmp\n",
  "pkg/deep/a.tmp": "",
  "pkg/deep/a.ts": "",
};

describe("walkFiles", () => {
  it("respects .gitignore at every level, .ignore files and deeper negations", async () => {
    await tree(IGNORES);
    expect(await list()).toEqual([
      "pkg/deep/a.ts",
      "pkg/keep.log",
      "pkg/logs/today.txt",
      "src/main.ts",
      "src/top-only.txt",
    ]);
  });

  it("lists what git itself lists as untracked and not ignored", async () => {
    const { ".ignore": _ignore, "pkg/deep/.ignore": _deep, ...gitOnly } = IGNORES;
    await tree(gitOnly);
    execFileSync("git", ["init", "-q"], { cwd: root });
    await writeFile(join(root, ".git", "info", "exclude"), "src/main.ts\n");
    const byGit = execFileSync("git", ["ls-files", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .filter((line) => line !== "" && !line.split("/").some((part) => part.startsWith(".")))
      .sort();
    expect(await list()).toEqual(byGit);
    expect(byGit).not.toContain("src/main.ts");
  });

  it("skips hidden entries unless asked, and .git always", async () => {
    await tree({
      ".env": "",
      ".github/ci.yml": "",
      "a.txt": "",
      ".git/HEAD": "",
      "sub/.git": "gitdir: x",
    });
    expect(await list()).toEqual(["a.txt"]);
    expect(await list({ includeHidden: true })).toEqual([".env", ".github/ci.yml", "a.txt"]);
  });

  it("can ignore nothing", async () => {
    await tree({ ".gitignore": "*.log\n", "a.log": "", "b.txt": "" });
    expect(await list({ respectIgnore: false })).toEqual(["a.log", "b.txt"]);
  });

  it("gives relative and absolute paths, size and mtime", async () => {
    await tree({ "d/e.txt": "12345" });
    const files = [];
    for await (const file of walkFiles({ root })) files.push(file);
    expect(files).toEqual([
      {
        path: "d/e.txt",
        absolute: join(root, "d", "e.txt"),
        size: 5,
        mtimeMs: expect.any(Number) as number,
      },
    ]);
  });

  it("does not follow symlinks by default, and survives a symlink cycle when following", async () => {
    await tree({ "real/a.txt": "", "other/b.txt": "" });
    await symlink("../other/b.txt", join(root, "real", "link.txt"));
    await symlink("../other", join(root, "real", "linked-dir"));
    await symlink("..", join(root, "real", "up"));
    await symlink("missing", join(root, "real", "dangling"));
    expect(await list()).toEqual(["other/b.txt", "real/a.txt"]);
    expect(await list({ followSymlinks: true })).toEqual([
      "other/b.txt",
      "real/a.txt",
      "real/link.txt",
      "real/linked-dir/b.txt",
    ]);
  });

  it("stops at the limit and skips files the filter rejects", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`d${i % 5}/f${i}.${i % 2 ? "ts" : "js"}`] = "";
    await tree(files);
    expect(await list({ limit: 7 })).toHaveLength(7);
    const ts = await list({ filter: (path) => path.endsWith(".ts") });
    expect(ts).toHaveLength(25);
    expect(ts.every((path) => path.endsWith(".ts"))).toBe(true);
  });

  it("skips the folders skipDir names without reading them, with their depth", async () => {
    await tree({
      "a.ts": "",
      "node_modules/pkg/index.js": "",
      "src/node_modules/x.js": "",
      "src/b/c/deep.ts": "",
      "src/b/c.ts": "",
    });
    const asked: string[] = [];
    const filtered: string[] = [];
    const paths = await list({
      skipDir: (path, depth) => {
        asked.push(`${path}@${depth}`);
        return depth > 2 || path.endsWith("node_modules");
      },
      // Called for every file of every folder read: none of a skipped folder's may show up.
      filter: (path) => {
        filtered.push(path);
        return true;
      },
    });
    expect(paths).toEqual(["a.ts", "src/b/c.ts"]);
    expect(filtered.sort()).toEqual(["a.ts", "src/b/c.ts"]);
    expect(asked.sort()).toEqual([
      "node_modules@1",
      "src/b/c@3",
      "src/b@2",
      "src/node_modules@2",
      "src@1",
    ]);
  });

  it("throws the abort reason when cancelled", async () => {
    await tree({ "a.txt": "", "b/c.txt": "" });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(list({ signal: controller.signal })).rejects.toThrow("stop");
  });

  it("throws when the root does not exist", async () => {
    await expect(list({ root: join(root, "missing") })).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("applies ignore files above the root up to the boundary (or the git repository root)", async () => {
    await tree({ ".gitignore": "*.log\n", "sub/a.log": "", "sub/a.txt": "" });
    const sub = join(root, "sub");
    expect(await list({ root: sub })).toEqual(["a.log", "a.txt"]);
    expect(await list({ root: sub, ignoreBoundary: root })).toEqual(["a.txt"]);
    await mkdir(join(root, ".git"));
    expect(await list({ root: sub })).toEqual(["a.txt"]);
  });

  it("walks a root that the rules above it ignore, as an explicit path to rg is searched", async () => {
    await tree({ ".gitignore": "build/\n*.map\n", "build/app.js": "", "build/app.js.map": "" });
    expect(await list({ root: join(root, "build"), ignoreBoundary: root })).toEqual(["app.js"]);
  });
});

describe("walkFiles, on ignore-file precedence, lists what rg --files lists", () => {
  // Each expectation was checked against ripgrep 13 (`rg --files --hidden --no-require-git`).
  it("lets a match in .ignore beat one in a deeper .gitignore", async () => {
    await tree({
      "a/.gitignore": "**/b\n",
      ".ignore": "!a/b\n",
      "a/b/.gitignore": "",
      "a/b/x.ts": "",
    });
    expect(await list({ includeHidden: true })).toEqual([
      ".ignore",
      "a/.gitignore",
      "a/b/.gitignore",
      "a/b/x.ts",
    ]);
  });

  it("lets an ignoring .ignore beat a re-including deeper .gitignore", async () => {
    await tree({ ".ignore": "*.ts\n", "a/.gitignore": "!x.ts\n", "a/x.ts": "", "a/y.js": "" });
    expect(await list()).toEqual(["a/y.js"]);
  });

  it("lets .rgignore beat a deeper .ignore", async () => {
    await tree({ ".rgignore": "*.ts\n", "a/.ignore": "!x.ts\n", "a/x.ts": "", "a/y.js": "" });
    expect(await list()).toEqual(["a/y.js"]);
  });

  it("lets .gitignore beat .git/info/exclude", async () => {
    await tree({
      ".gitignore": "*.ts\n",
      "a.ts": "",
      "b.js": "",
      ".git/info/exclude": "!a.ts\nb.js\n",
    });
    expect(await list()).toEqual([]);
  });

  it("keeps applying a pattern to the files of a folder a deeper file re-included", async () => {
    await tree({ ".gitignore": "a/**\n", "a/.gitignore": "!b\n", "a/b/x.ts": "", "a/y.ts": "" });
    expect(await list({ includeHidden: true })).toEqual([".gitignore"]);
  });

  it("keeps applying rules above the root to its files when they exclude the root too", async () => {
    await tree({ ".gitignore": "/a\na/**\n", "a/x.ts": "" });
    expect(await list({ root: join(root, "a"), ignoreBoundary: root })).toEqual([]);
  });

  it("matches ignore patterns case-sensitively", async () => {
    await tree({ ".gitignore": "*.LOG\n", "z.log": "", "Z.LOG": "" });
    expect(await list()).toEqual(["z.log"]);
  });
});

describe("ignoreScope", () => {
  it("answers for a folder's entries and for entries of its sub-folders", async () => {
    await tree(IGNORES);
    const scope = await ignoreScope(root);
    expect(scope.ignores("build", true)).toBe(true);
    expect(scope.ignores("vendor", true)).toBe(true);
    expect(scope.ignores("src", true)).toBe(false);
    const pkg = await scope.enter("pkg");
    expect(pkg.ignores("pkg/keep.log", false)).toBe(false);
    expect(pkg.ignores("pkg/drop.log", false)).toBe(true);
    expect(pkg.ignores("pkg/secret.txt", false)).toBe(true);
  });
});
