import { build } from "esbuild";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { createShellParser } from "./parser.ts";

const run = promisify(execFile);

describe("createShellParser", () => {
  it("loads once, on first use, and parses bash", async () => {
    const parser = createShellParser();
    const first = parser.ready();
    expect(parser.ready()).toBe(first);
    const syntax = await first;
    const outcome = syntax.parse("git status && ls", (root) => root.child(0)?.type);
    expect(outcome).toEqual({ type: "parsed", value: "list" });
  });

  it("gives up on a parse that runs past its time budget", async () => {
    const syntax = await createShellParser({ parseBudgetMs: 0 }).ready();
    expect(syntax.parse(`echo ${"a ".repeat(4000)}`, () => "done")).toEqual({ type: "timed_out" });
    // The parser recovers for the next command.
    expect(syntax.parse("ls", (root) => root.type)).toEqual({ type: "parsed", value: "program" });
  });

  describe("from a bundle like dist/", () => {
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    // Two entry points share the parser, so esbuild moves it into dist/chunks/ as in the CLI.
    it("finds the .wasm files in dist/wasm without node_modules, and loads the runtime lazily", async () => {
      const dir = await mkdtemp(join(tmpdir(), "cairn-parser-bundle-"));
      dirs.push(dir);
      const source = fileURLToPath(new URL("./index.ts", import.meta.url));
      const entry = (name: string) =>
        `import { analyzeCommand, createShellParser } from ${JSON.stringify(source)};\n` +
        `const a = await analyzeCommand(createShellParser(), "git status; ls | wc -l");\n` +
        `console.log(${JSON.stringify(name)}, a.kind, a.kind === "parsed" ? a.commands.length : a.reason);\n`;
      await writeFile(join(dir, "one.ts"), entry("one"));
      await writeFile(join(dir, "two.ts"), entry("two"));
      const dist = join(dir, "dist");
      await build({
        entryPoints: { one: join(dir, "one.ts"), two: join(dir, "two.ts") },
        outdir: dist,
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: "node22",
        chunkNames: "chunks/[name]-[hash]",
        logLevel: "silent",
      });
      // What scripts/build.mjs does.
      const require = createRequire(import.meta.url);
      await mkdir(join(dist, "wasm"));
      for (const specifier of [
        "web-tree-sitter/tree-sitter.wasm",
        "tree-sitter-bash/tree-sitter-bash.wasm",
      ]) {
        const from = require.resolve(specifier);
        await copyFile(from, join(dist, "wasm", from.split(/[\\/]/).pop() as string));
      }

      for (const name of ["one", "two"]) {
        const { stdout } = await run(process.execPath, [join(dist, `${name}.js`)], { cwd: dir });
        expect(stdout.trim()).toBe(`${name} parsed 3`);
        // The tree-sitter runtime is not in the entry file: only loaded when a command is parsed.
        expect(await readFile(join(dist, `${name}.js`), "utf8")).not.toContain("_ts_parser_new");
      }
      const chunks = await readdir(join(dist, "chunks"));
      const parserChunk = await Promise.all(
        chunks.map(async (c) =>
          (await readFile(join(dist, "chunks", c), "utf8")).includes("wasm/"),
        ),
      );
      expect(parserChunk.some(Boolean)).toBe(true);
    }, 30_000);

    it("says where it looked when the .wasm files are missing", async () => {
      const dir = await mkdtemp(join(tmpdir(), "cairn-parser-missing-"));
      dirs.push(dir);
      const source = fileURLToPath(new URL("./parser.ts", import.meta.url));
      await writeFile(
        join(dir, "entry.ts"),
        `import { createShellParser } from ${JSON.stringify(source)};\n` +
          `await createShellParser().ready().catch((e) => console.log(e.message));\n`,
      );
      await build({
        entryPoints: [join(dir, "entry.ts")],
        outdir: join(dir, "dist"),
        bundle: true,
        format: "esm",
        platform: "node",
        logLevel: "silent",
      });
      const { stdout } = await run(process.execPath, [join(dir, "dist", "entry.js")], { cwd: dir });
      // Both files are missing here, and the one message names both (in a fixed order).
      expect(stdout).toMatch(
        /could not find tree-sitter\.wasm .*could not find tree-sitter-bash\.wasm/,
      );
      expect(stdout).toContain(join(dir, "dist", "wasm", "tree-sitter.wasm"));
      expect(stdout).toContain(join(dir, "dist", "wasm", "tree-sitter-bash.wasm"));
    }, 30_000);
  });
});
