import { mkdir, symlink, utimes, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFileToolsFixture, textOf, type FileToolsFixture } from "./file-tools-fixture.ts";
import { globFiles, globTool } from "./glob.ts";
import { findRipgrep } from "./ripgrep.ts";

const RIPGREP = findRipgrep(process.env);
const BACKENDS = [
  ["ripgrep", RIPGREP],
  ["the JS walker", undefined],
] as const;

let fx: FileToolsFixture;

beforeEach(async () => {
  fx = await createFileToolsFixture();
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await fx.dispose();
});

/** Creates the files, each with an mtime `index` seconds after a fixed time (later = newer). */
async function tree(names: string[], contents: Record<string, string> = {}): Promise<void> {
  for (const [index, name] of names.entries()) {
    await mkdir(dirname(fx.path(name)), { recursive: true });
    await writeFile(fx.path(name), contents[name] ?? "");
    const time = new Date(Date.UTC(2024, 0, 1, 0, 0, index));
    await utimes(fx.path(name), time, time);
  }
}

async function glob(pattern: string, ripgrep: string | undefined, sub = ""): Promise<string[]> {
  const result = await globFiles({
    root: join(fx.root, sub),
    pattern,
    signal: new AbortController().signal,
    ripgrep,
    ignoreBoundary: fx.root,
  });
  return result.matches.map((match) => match.absolute.slice(fx.root.length + 1));
}

const REPO = [
  ".gitignore",
  "src/.gitignore",
  ".ignore",
  "src/index.ts",
  "src/gen/api.ts",
  "src/util/strings.ts",
  "src/util/test_strings.py",
  "src/legacy/test_old.py",
  "src/scratch.ts",
  "dist/index.js",
  "vendor/x.ts",
  ".github/workflows/ci.ts",
  ".git/hooks/hook.ts",
  "README.md",
  "docs/guide.md",
];
const IGNORE_FILES = {
  ".gitignore": "dist/\nsrc/gen/\n",
  "src/.gitignore": "scratch.ts\n",
  ".ignore": "vendor/\n",
};

describe("globFiles", () => {
  it.each(BACKENDS)(
    "matches with %s, newest first, respecting ignore files and skipping .git",
    async (_name, ripgrep) => {
      if (_name === "ripgrep" && !ripgrep) return;
      await tree(REPO, IGNORE_FILES);
      expect(await glob("**/*.ts", ripgrep)).toEqual([
        ".github/workflows/ci.ts",
        "src/util/strings.ts",
        "src/index.ts",
      ]);
      expect(await glob("src/**/test_*.py", ripgrep)).toEqual([
        "src/legacy/test_old.py",
        "src/util/test_strings.py",
      ]);
      expect(await glob("*.md", ripgrep)).toEqual(["README.md"]);
      expect(await glob("**/*.{md,py}", ripgrep)).toEqual([
        "docs/guide.md",
        "README.md",
        "src/legacy/test_old.py",
        "src/util/test_strings.py",
      ]);
      expect(await glob("src/@(util|legacy)/*.py", ripgrep)).toEqual([
        "src/legacy/test_old.py",
        "src/util/test_strings.py",
      ]);
      expect(await glob("src/index.ts", ripgrep)).toEqual(["src/index.ts"]);
      expect(await glob("*.ts", ripgrep, "src/util")).toEqual(["src/util/strings.ts"]);
      expect(await glob("nothing/**", ripgrep)).toEqual([]);
    },
  );

  it.each(BACKENDS)(
    "skips .git folders at any depth, not names that only contain .git (%s)",
    async (_name, ripgrep) => {
      if (_name === "ripgrep" && !ripgrep) return;
      await tree(["sub/.git/x.ts", ".git/z.ts", "vendor.git/keep.ts", "a.gitx/y.ts", "ok.ts"]);
      const expected = ["ok.ts", "a.gitx/y.ts", "vendor.git/keep.ts"];
      // A plain name glob goes to rg as a file type; "**/*" goes with rg's own .git exclusion.
      expect(await glob("**/*.ts", ripgrep)).toEqual(expected);
      expect(await glob("**/*", ripgrep)).toEqual(expected);
    },
  );

  it.each(BACKENDS)("does not follow symlinks (%s)", async (_name, ripgrep) => {
    if (_name === "ripgrep" && !ripgrep) return;
    await tree(["real/a.ts"]);
    await symlink("..", fx.path("real/loop"));
    await symlink("a.ts", fx.path("real/link.ts"));
    expect(await glob("**/*.ts", ripgrep)).toEqual(["real/a.ts"]);
  });

  it.each(BACKENDS)(
    "finds files inside an explicitly named ignored folder (%s)",
    async (_name, ripgrep) => {
      if (_name === "ripgrep" && !ripgrep) return;
      await tree(["dist/index.js", "dist/chunk.js"], { ".gitignore": "dist/\n" });
      await writeFile(fx.path(".gitignore"), "dist/\n");
      expect((await glob("dist/*.js", ripgrep)).sort()).toEqual(["dist/chunk.js", "dist/index.js"]);
    },
  );

  it.each(BACKENDS)("caps what it collects and says so (%s)", async (_name, ripgrep) => {
    if (_name === "ripgrep" && !ripgrep) return;
    await tree(Array.from({ length: 30 }, (_, i) => `f${i}.txt`));
    const result = await globFiles({
      root: fx.root,
      pattern: "*.txt",
      signal: new AbortController().signal,
      ripgrep,
      limit: 10,
    });
    expect(result.capped).toBe(true);
    expect(result.matches).toHaveLength(10);
  });
});

describe("Glob", () => {
  it("lists paths relative to the workspace root, newest first, capped at 100 with a note", async () => {
    await tree(Array.from({ length: 130 }, (_, i) => `pkg/src/m${String(i).padStart(3, "0")}.ts`));
    const output = await fx.call(globTool, { pattern: "src/*.ts", path: "pkg" });
    const lines = textOf(output).split("\n");
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe("pkg/src/m129.ts");
    expect(lines[99]).toBe("pkg/src/m030.ts");
    expect(lines[100]).toBe("(truncated: 30 more; narrow the pattern)");
  });

  it("gives the same answer with and without ripgrep", async () => {
    await tree(REPO, IGNORE_FILES);
    vi.stubEnv("CAIRN_RIPGREP", "/nonexistent/rg");
    const walked = textOf(await fx.call(globTool, { pattern: "**/*" }));
    vi.unstubAllEnvs();
    if (RIPGREP) vi.stubEnv("CAIRN_RIPGREP", RIPGREP);
    const listed = textOf(await fx.call(globTool, { pattern: "**/*" }));
    expect(listed).toBe(walked);
    expect(walked.split("\n")).toEqual([
      "docs/guide.md",
      "README.md",
      ".github/workflows/ci.ts",
      "src/legacy/test_old.py",
      "src/util/test_strings.py",
      "src/util/strings.ts",
      "src/index.ts",
      ".ignore",
      "src/.gitignore",
      ".gitignore",
    ]);
  });

  it("says when nothing matches, and reports a bad path", async () => {
    await tree(["a.txt"]);
    expect(textOf(await fx.call(globTool, { pattern: "**/*.rs" }))).toBe(
      'No files match "**/*.rs" in . (ignored files and .git are not searched).',
    );
    const onFile = await fx.call(globTool, { pattern: "*", path: "a.txt" });
    expect(onFile.isError).toBe(true);
    expect(textOf(onFile)).toContain("a.txt is a file, not a folder");
    const missing = await fx.call(globTool, { pattern: "*", path: "nope" });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("nope does not exist");
  });

  it.each(BACKENDS)(
    "reads parentheses literally, negates a leading !, and finds a bracketed name (%s)",
    async (_name, ripgrep) => {
      await tree([
        "app/(auth)/login/page.tsx",
        "app/auth/page.tsx",
        "app/[id]/page.tsx",
        "app/i/page.tsx",
        "README.md",
      ]);
      // A Next.js route group: picomatch alone would read "(auth)" as a regex group.
      expect(await glob("app/(auth)/**/*.tsx", ripgrep)).toEqual(["app/(auth)/login/page.tsx"]);
      // The literal name matches too (rg alone would only see the class [id]).
      expect(await glob("**/[id]/page.tsx", ripgrep)).toEqual([
        "app/i/page.tsx",
        "app/[id]/page.tsx",
      ]);
      // Everything but the pattern, not exactly the pattern's files.
      expect(await glob("!**/*.tsx", ripgrep)).toEqual(["README.md"]);
    },
  );

  it.each(BACKENDS)(
    "answers a pattern through a file, or one naming no files, with no match, not a crash (%s)",
    async (_name, ripgrep) => {
      await tree(["README.md", "src/a.ts"]);
      expect(await glob("README.md/*", ripgrep)).toEqual([]);
      expect(await glob("README.md/x", ripgrep)).toEqual([]);
      expect(await glob("src/a.ts/**", ripgrep)).toEqual([]);
      expect(await glob("/", ripgrep)).toEqual([]);
      expect(await glob("!", ripgrep)).toEqual([]);
    },
  );

  it.each(BACKENDS)(
    "applies the workspace's ignore files (.rgignore too), not those above a folder outside git (%s)",
    async (_name, ripgrep) => {
      const ignores = { ".gitignore": "*.secret\n", ".ignore": "sub/\n", "ws/.rgignore": "*.rg\n" };
      await tree(
        ["ws/a.secret", "ws/sub/b.secret", "ws/skip.rg", ...Object.keys(ignores)],
        ignores,
      );
      const list = async (sub: string) => {
        const result = await globFiles({
          root: fx.path(join("ws", sub)),
          pattern: "**/*",
          signal: new AbortController().signal,
          ripgrep,
          ignoreBoundary: fx.path("ws"),
        });
        return result.matches.map((match) => match.absolute.slice(fx.path("ws").length + 1)).sort();
      };
      expect(await list("")).toEqual([".rgignore", "a.secret", "sub/b.secret"]);
      expect(await list("sub")).toEqual(["sub/b.secret"]);
    },
  );

  it.each(BACKENDS)("negates a bracket class with ! (%s)", async (_name, ripgrep) => {
    if (_name === "ripgrep" && !ripgrep) return;
    await tree(["a.ts", "_b.ts", "c.ts"]);
    expect(await glob("[!_]*.ts", ripgrep)).toEqual(["c.ts", "a.ts"]);
  });

  it("describes access as a read of the searched folder", () => {
    expect(globTool.describeAccess({ pattern: "*" })).toEqual({ kind: "read", paths: ["."] });
    expect(globTool.describeAccess({ pattern: "*", path: "src" })).toEqual({
      kind: "read",
      paths: ["src"],
    });
    // A pattern that leads out of the folder names where it really reads.
    expect(globTool.describeAccess({ pattern: "../../etc/*.conf", path: "src" })).toEqual({
      kind: "read",
      paths: ["../etc"],
    });
    expect(globTool.describeAccess({ pattern: "/etc/**/*.conf" })).toEqual({
      kind: "read",
      paths: ["/etc"],
    });
    expect(globTool.readOnly).toBe(true);
  });
});
