import { mkdir, mkdtemp, realpath, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createGrepTool, GREP_MAX_CHARS, type GrepDisplay } from "./grep.ts";
import { findRipgrep } from "./ripgrep.ts";
import { createToolSession } from "./session.ts";
import type { Tool } from "./tool.ts";

const rgPath = findRipgrep(process.env);
const backends = [
  { name: "ripgrep", tool: createGrepTool({ findRipgrep: () => rgPath }), available: !!rgPath },
  {
    name: "the JS fallback",
    tool: createGrepTool({ findRipgrep: () => undefined }),
    available: true,
  },
];

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

/** A temp workspace with these files; each file is 10 s newer than the one listed before it. */
async function workspace(files: Record<string, string | Buffer>): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-grep-")));
  roots.push(root);
  let time = 1_700_000_000;
  for (const [path, content] of Object.entries(files)) {
    const absolute = join(root, path);
    await mkdir(dirname(absolute), { recursive: true });
    await writeFile(absolute, content);
    await utimes(absolute, time, time);
    time += 10;
  }
  return root;
}

interface Result {
  text: string;
  isError: boolean;
  display: unknown;
}

async function grep(
  tool: Tool,
  root: string,
  input: Record<string, unknown>,
  signal = new AbortController().signal,
): Promise<Result> {
  const session = createToolSession({ root, additionalDirs: [] });
  const result = await tool.run(tool.input.parse(input), { cwd: root, signal, session });
  await session.dispose();
  return {
    text: typeof result.content === "string" ? result.content : JSON.stringify(result.content),
    isError: result.isError ?? false,
    display: result.display,
  };
}

const sample = {
  ".gitignore": "build/\n*.log\n",
  "src/app.ts":
    "import { run } from './run';\n// TODO: handle errors\nrun();\nexport const version = 1;\n",
  "src/run.ts":
    "export function run() {\n  const alpha = 1;\n  const beta = 2;\n  return alpha + beta;\n}\n",
  "lib/util.py": "def helper():\n    # TODO tidy\n    return 'Alpha'\n",
  "docs/notes.md": "# Notes\nalpha and beta\n",
  "build/out.ts": "const alpha = 'built';\n",
  "debug.log": "alpha in a log\n",
};

describe.each(backends)("Grep with $name", ({ tool, available }) => {
  test.runIf(available)(
    "applies the workspace's ignore files (.rgignore too), not those above a folder outside git",
    async () => {
      const root = await workspace({
        // Above the workspace: a ~/.gitignore kept as git's global excludes file, say.
        ".gitignore": "*.secret\n",
        ".ignore": "sub/\n",
        "ws/.rgignore": "*.rg\n",
        "ws/a.secret": "alpha\n",
        "ws/sub/b.secret": "alpha\n",
        "ws/skip.rg": "alpha\n",
      });
      const ws = join(root, "ws");
      const whole = await grep(tool, ws, { pattern: "alpha" });
      expect(whole.text).toBe("Found 2 files\nsub/b.secret\na.secret");
      const sub = await grep(tool, ws, { pattern: "alpha", path: "sub" });
      expect(sub.text).toBe("Found 1 file\nsub/b.secret");
    },
  );

  test.runIf(available)(
    "lists matching files newest first, relative to the workspace",
    async () => {
      const root = await workspace(sample);
      const result = await grep(tool, root, { pattern: "alpha" });
      expect(result.isError).toBe(false);
      expect(result.text).toBe("Found 2 files\ndocs/notes.md\nsrc/run.ts");
    },
  );

  test.runIf(available)("shows lines with numbers and context, groups split by --", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, { pattern: "TODO", output_mode: "content", "-C": 1 });
    expect(result.text).toBe(
      [
        "lib/util.py-1-def helper():",
        "lib/util.py:2:    # TODO tidy",
        "lib/util.py-3-    return 'Alpha'",
        "--",
        "src/app.ts-1-import { run } from './run';",
        "src/app.ts:2:// TODO: handle errors",
        "src/app.ts-3-run();",
      ].join("\n"),
    );
  });

  test.runIf(available)("-A and -B set context on one side; -n false drops numbers", async () => {
    const root = await workspace(sample);
    const after = await grep(tool, root, {
      pattern: "const alpha",
      output_mode: "content",
      "-A": 2,
      "-n": false,
    });
    expect(after.text).toBe(
      [
        "src/run.ts:  const alpha = 1;",
        "src/run.ts-  const beta = 2;",
        "src/run.ts-  return alpha + beta;",
      ].join("\n"),
    );
    const before = await grep(tool, root, { pattern: "return", output_mode: "content", "-B": 1 });
    expect(before.text).toBe(
      [
        "lib/util.py-2-    # TODO tidy",
        "lib/util.py:3:    return 'Alpha'",
        "--",
        "src/run.ts-3-  const beta = 2;",
        "src/run.ts:4:  return alpha + beta;",
      ].join("\n"),
    );
  });

  test.runIf(available)("counts matching lines per file, with a total", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, { pattern: "alpha|beta", output_mode: "count" });
    expect(result.text).toBe("docs/notes.md:1\nsrc/run.ts:3\n\nFound 4 matching lines in 2 files.");
  });

  test.runIf(available)("-i matches regardless of case", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, { pattern: "ALPHA", "-i": true, output_mode: "content" });
    expect(result.text).toBe(
      [
        "docs/notes.md:2:alpha and beta",
        "lib/util.py:3:    return 'Alpha'",
        "src/run.ts:2:  const alpha = 1;",
        "src/run.ts:4:  return alpha + beta;",
      ].join("\n"),
    );
  });

  test.runIf(available)(
    "glob filters by name, by path from the root, or excludes with !",
    async () => {
      const root = await workspace(sample);
      expect((await grep(tool, root, { pattern: "TODO|alpha", glob: "*.py" })).text).toBe(
        "Found 1 file\nlib/util.py",
      );
      expect((await grep(tool, root, { pattern: "TODO|alpha", glob: "src/*.ts" })).text).toBe(
        "Found 2 files\nsrc/run.ts\nsrc/app.ts",
      );
      expect((await grep(tool, root, { pattern: "TODO|alpha", glob: "*.{md,py}" })).text).toBe(
        "Found 2 files\ndocs/notes.md\nlib/util.py",
      );
      expect((await grep(tool, root, { pattern: "TODO|alpha", glob: "!src" })).text).toBe(
        "Found 2 files\ndocs/notes.md\nlib/util.py",
      );
    },
  );

  test.runIf(available)("type filters by ripgrep's file types", async () => {
    const root = await workspace(sample);
    expect((await grep(tool, root, { pattern: "TODO", type: "py" })).text).toBe(
      "Found 1 file\nlib/util.py",
    );
    expect((await grep(tool, root, { pattern: "alpha", type: "ts" })).text).toBe(
      "Found 1 file\nsrc/run.ts",
    );
    const unknown = await grep(tool, root, { pattern: "alpha", type: "no-such-type" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain("unrecognized file type: no-such-type");
  });

  test.runIf(available)("multiline matches across lines; count is then matches", async () => {
    const root = await workspace(sample);
    const content = await grep(tool, root, {
      pattern: "alpha = 1;\\n\\s+const beta",
      multiline: true,
      output_mode: "content",
    });
    expect(content.text).toBe("src/run.ts:2:  const alpha = 1;\nsrc/run.ts:3:  const beta = 2;");
    const dotAll = await grep(tool, root, {
      pattern: "(def|function).*?return",
      multiline: true,
      output_mode: "count",
    });
    expect(dotAll.text).toBe("lib/util.py:1\nsrc/run.ts:1\n\nFound 2 matches in 2 files.");
    const withoutMultiline = await grep(tool, root, { pattern: "1;\\n" });
    expect(withoutMultiline.isError).toBe(true);
    expect(withoutMultiline.text).toMatch(/multiline/);
  });

  test.runIf(available)("head_limit and offset page through the sorted entries", async () => {
    const root = await workspace({
      "a.txt": "x1\nx2\nx3\n",
      "b.txt": "x4\n",
      "c.txt": "x5\nx6\n",
    });
    const files = await grep(tool, root, { pattern: "x", head_limit: 2 });
    expect(files.text).toBe(
      "Found 3 files\nc.txt\nb.txt\n[Showing files 1–2 of 3. Next page: offset 2.]",
    );
    const rest = await grep(tool, root, { pattern: "x", offset: 2 });
    expect(rest.text).toBe("Found 3 files\na.txt\n[Showing files 3–3 of 3.]");
    const lines = await grep(tool, root, {
      pattern: "x",
      output_mode: "content",
      offset: 1,
      head_limit: 3,
    });
    expect(lines.text).toBe(
      "a.txt:2:x2\na.txt:3:x3\nb.txt:1:x4\n[Showing lines 2–4 of 6. Next page: offset 4.]",
    );
    const counts = await grep(tool, root, { pattern: "x", output_mode: "count", head_limit: 1 });
    expect(counts.text).toBe(
      "a.txt:3\n[Showing entries 1–1 of 3. Next page: offset 1.]\n\nFound 6 matching lines in 3 files.",
    );
    const past = await grep(tool, root, { pattern: "x", offset: 5 });
    expect(past.isError).toBe(false);
    expect(past.text).toMatch(/only 3/);
  });

  test.runIf(available)(
    "skips gitignored and .ignore'd files and .git, but searches hidden files",
    async () => {
      const root = await workspace({
        ".gitignore": "*.gen.ts\nvendor/\n!keep.gen.ts\n",
        ".git/config": "secret = needle\n",
        "src/.ignore": "skip-me.ts\n",
        "src/a.ts": "needle\n",
        "src/b.gen.ts": "needle\n",
        "src/keep.gen.ts": "needle\n",
        "src/skip-me.ts": "needle\n",
        "vendor/lib.ts": "needle\n",
        "pkg/.gitignore": "local.ts\n",
        "pkg/local.ts": "needle\n",
        "pkg/shared.ts": "needle\n",
        ".github/workflow.yml": "needle\n",
      });
      const result = await grep(tool, root, { pattern: "needle" });
      expect(result.text).toBe(
        "Found 4 files\n.github/workflow.yml\npkg/shared.ts\nsrc/keep.gen.ts\nsrc/a.ts",
      );
      // Searching below the root still applies the root's .gitignore.
      const below = await grep(tool, root, { pattern: "needle", path: "src" });
      expect(below.text).toBe("Found 2 files\nsrc/keep.gen.ts\nsrc/a.ts");
    },
  );

  test.runIf(available)("skips binary files when walking a folder", async () => {
    const root = await workspace({
      "text.txt": "needle\n",
      "image.bin": Buffer.concat([Buffer.from("needle\n"), Buffer.from([0, 1, 2, 0xff])]),
    });
    expect((await grep(tool, root, { pattern: "needle" })).text).toBe("Found 1 file\ntext.txt");
  });

  test.runIf(available)("matches and prints Unicode; \\w and -i are Unicode-aware", async () => {
    const root = await workspace({
      "i18n/ja.txt": "挨拶: こんにちは世界\n",
      "i18n/fr.txt": "Bonjour, ÉCOLE et café\n",
      "i18n/emoji.txt": "status: 🚀 launched\n",
    });
    const japanese = await grep(tool, root, { pattern: "こんにちは", output_mode: "content" });
    expect(japanese.text).toBe("i18n/ja.txt:1:挨拶: こんにちは世界");
    const word = await grep(tool, root, { pattern: "caf\\w\\b", output_mode: "content" });
    expect(word.text).toBe("i18n/fr.txt:1:Bonjour, ÉCOLE et café");
    const folded = await grep(tool, root, { pattern: "école", "-i": true });
    expect(folded.text).toBe("Found 1 file\ni18n/fr.txt");
    const emoji = await grep(tool, root, { pattern: "🚀 \\w+", output_mode: "content" });
    expect(emoji.text).toBe("i18n/emoji.txt:1:status: 🚀 launched");
  });

  test.runIf(available)("an invalid regex is an error that quotes the pattern", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, { pattern: "run(" });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Invalid regex pattern "run\(": /);
    expect(result.text).toMatch(/unclosed group|Unterminated group/);
  });

  test.runIf(available)("no match is a plain result, not an error", async () => {
    const root = await workspace(sample);
    for (const output_mode of ["content", "files_with_matches", "count"]) {
      const result = await grep(tool, root, { pattern: "zebra", output_mode });
      expect(result).toMatchObject({ text: "No matches found", isError: false });
    }
  });

  test.runIf(available)("searches one file given as path; its mtime order is moot", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, {
      pattern: "beta",
      path: join(root, "src/run.ts"),
      output_mode: "content",
    });
    expect(result.text).toBe("src/run.ts:3:  const beta = 2;\nsrc/run.ts:4:  return alpha + beta;");
  });

  test.runIf(available)("cuts output at the character cap and says how to narrow it", async () => {
    const line = `needle ${"x".repeat(90)}`;
    const root = await workspace({ "big.txt": `${Array(1000).fill(line).join("\n")}\n` });
    const result = await grep(tool, root, { pattern: "needle", output_mode: "content" });
    expect(result.text.length).toBeLessThanOrEqual(GREP_MAX_CHARS);
    expect(result.text).toMatch(
      /\[Output cut at 30000 characters: showing lines 1–\d+ of 1000\. Narrow the search with path, glob or type, or page with head_limit and offset \(next: offset \d+\)\.\]$/,
    );
  });

  test.runIf(available)("cuts very long lines and hides CR of CRLF files", async () => {
    const root = await workspace({
      "min.js": `var needle=${"a".repeat(5000)};\n`,
      "dos.txt": "needle one\r\nneedle two\r\n",
    });
    const result = await grep(tool, root, { pattern: "needle", output_mode: "content" });
    const lines = result.text.split("\n");
    expect(lines.slice(0, 2)).toEqual(["dos.txt:1:needle one", "dos.txt:2:needle two"]);
    expect(lines[2]).toMatch(/^min\.js:1:var needle=a+… \[line cut: 5012 characters\]$/);
    expect((lines[2] ?? "").length).toBeLessThan(600);
  });

  test.runIf(available)("a pattern starting with a dash is a pattern, not an option", async () => {
    const root = await workspace({ "cli.md": "use --force with care\n" });
    const result = await grep(tool, root, { pattern: "--force", output_mode: "content" });
    expect(result.text).toBe("cli.md:1:use --force with care");
  });

  test.runIf(available)("shows paths outside the workspace as absolute paths", async () => {
    const root = await workspace(sample);
    const other = await workspace({ "elsewhere.txt": "alpha\n" });
    const result = await grep(tool, root, { pattern: "alpha", path: other });
    expect(result.text).toBe(`Found 1 file\n${join(other, "elsewhere.txt")}`);
  });

  test.runIf(available)("a missing path is an error that names it", async () => {
    const root = await workspace(sample);
    const result = await grep(tool, root, { pattern: "x", path: "srcc" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("srcc does not exist.");
    expect(result.text).toContain("src");
  });

  test.runIf(available)("an aborted call stops with an error", async () => {
    const root = await workspace(sample);
    const controller = new AbortController();
    controller.abort();
    const result = await grep(tool, root, { pattern: "alpha" }, controller.signal);
    expect(result).toMatchObject({ isError: true, text: "The search was cancelled." });
  });
});

describe.each(backends)("Grep with $name, checked from outside", ({ tool, available }) => {
  test.runIf(available)(
    "a binary file named as the path is searched whole, in every output mode",
    async () => {
      const root = await workspace({
        "blob.bin": Buffer.from("needle\0x\nneedle again\n"),
        "dir/other.bin": Buffer.from("needle\0\n"),
      });
      const content = await grep(tool, root, {
        pattern: "needle",
        path: "blob.bin",
        output_mode: "content",
      });
      expect(content.text).toBe("blob.bin:1:needle\0x\nblob.bin:2:needle again");
      const count = await grep(tool, root, {
        pattern: "needle",
        path: "blob.bin",
        output_mode: "count",
      });
      expect(count.text).toBe("blob.bin:2\n\nFound 2 matching lines in 1 file.");
      // Found while walking a folder, a binary file is skipped.
      const walked = await grep(tool, root, {
        pattern: "needle",
        path: "dir",
        output_mode: "content",
      });
      expect(walked.text).toBe("No matches found");
    },
  );

  test.runIf(available)(
    "an unclosed { or [ in the glob, or a bare !, is a clear error; an empty glob filters nothing",
    async () => {
      const root = await workspace({ "a.ts": "hit\n" });
      for (const [glob, problem] of [
        ["*.{ts,tsx", "unclosed alternate group"],
        ["!*.{ts", "unclosed alternate group"],
        ["src/[ab", "unclosed character class"],
        ["!", "it names no files"],
        ["!*.{ts,{js,jsx}}", "nested alternate groups are not allowed"],
        ["!a\\", "it ends in a lone \\"],
      ] as const) {
        const result = await grep(tool, root, { pattern: "hit", glob });
        expect(result).toMatchObject({ isError: true });
        expect(result.text).toContain(`Invalid glob ${JSON.stringify(glob)}: ${problem}`);
      }
      expect((await grep(tool, root, { pattern: "hit", glob: "" })).text).toBe(
        "Found 1 file\na.ts",
      );
    },
  );

  test.runIf(available)("an empty file has no multiline match, not even ^$", async () => {
    const root = await workspace({ "empty.txt": "", "gap.txt": "a\n\nb\n" });
    for (const output_mode of ["content", "files_with_matches", "count"]) {
      const result = await grep(tool, root, { pattern: "^$", multiline: true, output_mode });
      expect(result.text).not.toContain("empty.txt");
      expect(result.text).toContain("gap.txt");
    }
  });

  test.runIf(available)("head_limit 0 means no limit", async () => {
    const files = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [`f${i}.txt`, "hit\n"] as const),
    );
    const root = await workspace(files);
    const result = await grep(tool, root, { pattern: "hit", head_limit: 0 });
    expect(result.text).toBe("Found 5 files\nf4.txt\nf3.txt\nf2.txt\nf1.txt\nf0.txt");
  });

  test.runIf(available)(
    "a glob reads parentheses literally, and dir/** never matches a file named dir",
    async () => {
      const root = await workspace({
        "app/(auth)/page.tsx": "hit\n",
        "app/auth/page.tsx": "hit\n",
        b: "hit\n",
        "b2/b/x.txt": "hit\n",
      });
      expect((await grep(tool, root, { pattern: "hit", glob: "app/(auth)/**" })).text).toBe(
        "Found 1 file\napp/(auth)/page.tsx",
      );
      expect((await grep(tool, root, { pattern: "hit", glob: "!**/b/**" })).text).toBe(
        "Found 3 files\nb\napp/auth/page.tsx\napp/(auth)/page.tsx",
      );
    },
  );

  test.runIf(available)(
    "a glob has no extglobs or inner negation: *(1) and a second ! are plain characters",
    async () => {
      const root = await workspace({ "x(1).txt": "hit\n", "x1.txt": "hit\n", "!x": "hit\n" });
      expect((await grep(tool, root, { pattern: "hit", glob: "!*(1).txt" })).text).toBe(
        "Found 2 files\n!x\nx1.txt",
      );
      expect((await grep(tool, root, { pattern: "hit", glob: "*(1).txt" })).text).toBe(
        "Found 1 file\nx(1).txt",
      );
      expect((await grep(tool, root, { pattern: "hit", glob: "!!x" })).text).toBe(
        "Found 2 files\nx1.txt\nx(1).txt",
      );
    },
  );
});

describe("Grep backends", () => {
  test("the JS fallback does not report gitignored files", async () => {
    const root = await workspace({
      ".gitignore": "secret.txt\ngenerated/\n",
      "secret.txt": "needle\n",
      "generated/out.txt": "needle\n",
      "visible.txt": "needle\n",
    });
    const fallback = createGrepTool({ findRipgrep: () => undefined });
    const result = await grep(fallback, root, { pattern: "needle" });
    expect(result.text).toBe("Found 1 file\nvisible.txt");
    expect((result.display as GrepDisplay).backend).toBe("js");
  });

  test("CAIRN_RIPGREP pointing to a missing binary means the JS fallback", async () => {
    const root = await workspace(sample);
    const tool = createGrepTool({
      findRipgrep: () =>
        findRipgrep({ CAIRN_RIPGREP: join(root, "no-such-rg"), PATH: "/usr/bin:/bin" }),
    });
    const result = await grep(tool, root, { pattern: "alpha" });
    expect(result.text).toBe("Found 2 files\ndocs/notes.md\nsrc/run.ts");
    expect((result.display as GrepDisplay).backend).toBe("js");
  });

  test(
    "the JS fallback stops a catastrophically backtracking pattern with an error",
    { timeout: 20_000 },
    async () => {
      // The walk searches a folder's files before its subfolders, so the file that matches
      // quickly comes first: its result must not be reported either.
      const root = await workspace({
        "a-quick.txt": "aaaa\n",
        "sub/b-stuck.txt": `start\n${"a".repeat(40)}b\nend\n`,
      });
      const fallback = createGrepTool({ findRipgrep: () => undefined });
      for (const input of [
        { pattern: "(a+)+$" },
        { pattern: "(a|aa)+$", multiline: true, output_mode: "count" },
        { pattern: "(a+)+$", path: "sub/b-stuck.txt", output_mode: "content" },
      ]) {
        const started = performance.now();
        const result = await grep(fallback, root, input);
        expect(performance.now() - started).toBeLessThan(8000);
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(
          /^Grep failed: matching the pattern took more than 2\.\d s \(stopped in sub\/b-stuck\.txt\): .*Simplify the pattern/s,
        );
        expect(result.text).not.toContain("a-quick.txt");
      }
      // The same tool searches normally afterwards.
      expect((await grep(fallback, root, { pattern: "^a+$" })).text).toBe(
        "Found 1 file\na-quick.txt",
      );
    },
  );

  test.runIf(!!rgPath)("ripgrep and the JS fallback give the same results", async () => {
    const root = await workspace({
      ...sample,
      ".ignore": "ignored-by-dot-ignore.txt\n",
      "ignored-by-dot-ignore.txt": "alpha\n",
      ".hidden/config.ts": "alpha = 'hidden'\n",
      "i18n/ja.txt": "日本語のテキスト alpha\nÜber naïve\n",
      "crlf.txt": "alpha\r\nbeta\r\n",
      "bin.dat": Buffer.from([0x61, 0x6c, 0x70, 0x68, 0x61, 0, 1]),
      "nested/deep/more.rs": "fn alpha() {}\n// beta\nfn gamma() {}\n",
    });
    const inputs: Array<Record<string, unknown>> = [];
    for (const output_mode of ["content", "files_with_matches", "count"]) {
      for (const extra of [
        {},
        { "-i": true },
        { "-n": false, "-C": 1 },
        { "-A": 2 },
        { "-B": 1, head_limit: 4, offset: 1 },
        { glob: "*.ts" },
        // debug.log is gitignored by "*.log": rg's own --glob would bring it back.
        { glob: "*.log" },
        { glob: "!nested/**" },
        { type: "rust" },
        { type: "md" },
        { path: "src" },
        { multiline: true },
      ]) {
        for (const pattern of ["alpha", "ALPHA|beta", "^\\s*(fn|def) \\w+", "b.ta$", "naïve"]) {
          inputs.push({ pattern, output_mode, ...extra });
        }
      }
    }
    inputs.push(
      { pattern: "alpha\\s+beta", multiline: true, output_mode: "content" },
      { pattern: "\\{\\}\\n//", multiline: true, output_mode: "count" },
      { pattern: "(?i)über", output_mode: "content" },
    );
    const [rg, js] = backends;
    if (!rg || !js) throw new Error("two backends expected");
    for (const input of inputs) {
      const fromRg = await grep(rg.tool, root, input);
      const fromJs = await grep(js.tool, root, input);
      expect({ input, text: fromJs.text }).toEqual({ input, text: fromRg.text });
    }
  });
});
