// Part 6: Grep, Glob and Read on a generated tree of 50k+ files (some gitignored), against ripgrep
// run directly. Tools are called in-process; only the tool call is timed. Information only.

import { spawn } from "node:child_process";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { realpath, rm } from "node:fs/promises";
import { join } from "node:path";
import { globListingArgs, globTool } from "../src/tools/glob.ts";
import { createGrepTool, type GrepSearch } from "../src/tools/grep.ts";
import { readTool } from "../src/tools/read.ts";
import { findRipgrep, ripgrepArgs } from "../src/tools/ripgrep.ts";
import { createToolSession } from "../src/tools/session.ts";
import type { Tool, ToolContext } from "../src/tools/tool.ts";
import { ms, type Row } from "./report.ts";
import { median } from "./stats.ts";

export interface SearchBenchOptions {
  /** A scratch folder; the tree is created in it and removed afterwards. */
  workDir: string;
  runs: number;
  warmups: number;
}

const NEEDLE = "needleToken";
const PACKAGES = 20;
const MODULES = 50;
const FILES_PER_MODULE = 50;
const IGNORED_FILES = 5_000;
const EXTENSIONS = [".ts", ".js", ".py", ".md", ".ts"];
const READ_BYTES = 10 * 1024 * 1024;

export async function measureSearch(options: SearchBenchOptions): Promise<Row[]> {
  const root = join(options.workDir, "search-tree");
  const started = performance.now();
  const tree = generateTree(root);
  const generatedMs = performance.now() - started;
  try {
    return await measureTree(await realpath(root), tree, generatedMs, options);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface Tree {
  files: number;
  ignored: number;
  withNeedle: number;
  bigFile: string;
}

/** Deterministic: nested src/pkgNN/modNN/fileNN.ext, a gitignored node_modules and dist, logs. */
function generateTree(root: string): Tree {
  mkdirSync(join(root, ".git"), { recursive: true });
  writeFileSync(join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
  writeFileSync(join(root, ".gitignore"), "node_modules/\ndist/\n*.log\n");
  let files = 0;
  let withNeedle = 0;
  for (let p = 0; p < PACKAGES; p++) {
    for (let m = 0; m < MODULES; m++) {
      const folder = join(root, "src", `pkg${p}`, `mod${m}`);
      mkdirSync(folder, { recursive: true });
      for (let f = 0; f < FILES_PER_MODULE; f++) {
        const n = files++;
        const needle = n % 97 === 0;
        if (needle) withNeedle++;
        const ext = EXTENSIONS[n % EXTENSIONS.length] ?? ".ts";
        writeFileSync(join(folder, `file${f}${ext}`), fileText(n, needle));
      }
    }
  }
  let ignored = 0;
  for (let i = 0; i < IGNORED_FILES; i++) {
    const folder = join(root, "node_modules", `dep${i % 50}`, "lib");
    if (i < 50) mkdirSync(folder, { recursive: true });
    // Ignored files carry the needle too: a search that read them would report them.
    writeFileSync(join(folder, `index${i}.ts`), fileText(i, true));
    ignored++;
  }
  mkdirSync(join(root, "dist"), { recursive: true });
  for (let i = 0; i < 500; i++) {
    writeFileSync(join(root, "dist", `bundle${i}.js`), fileText(i, true));
    writeFileSync(join(root, `build${i}.log`), `${NEEDLE}\n`);
    ignored += 2;
  }
  const bigFile = join(root, "big.txt");
  const line = "0123456789 the quick brown fox jumps over the lazy dog 0123456789\n";
  writeFileSync(bigFile, line.repeat(Math.ceil(READ_BYTES / line.length)));
  return { files, ignored, withNeedle, bigFile };
}

function fileText(n: number, needle: boolean): string {
  const lines: string[] = [];
  for (let i = 0; i < 24; i++) {
    lines.push(`export function handler${n}_${i}(input: number): number { return input * ${i}; }`);
  }
  if (needle) lines[n % lines.length] = `// ${NEEDLE} ${n}`;
  return `${lines.join("\n")}\n`;
}

async function measureTree(
  root: string,
  tree: Tree,
  generatedMs: number,
  options: SearchBenchOptions,
): Promise<Row[]> {
  const session = createToolSession({ root, additionalDirs: [] });
  const ctx: ToolContext = { cwd: root, signal: new AbortController().signal, session };
  const rg = findRipgrep(process.env);
  const grepJs = createGrepTool({ findRipgrep: () => undefined });
  const treeNote = `${tree.files} files + ${tree.ignored} gitignored (generated in ${(generatedMs / 1000).toFixed(1)} s)`;
  const rows: Row[] = [];

  const grepInput = { pattern: NEEDLE, output_mode: "files_with_matches" as const };
  const expectGrep = (text: string): void => {
    if (!text.startsWith(`Found ${tree.withNeedle} files`)) {
      throw new Error(`Grep found something else: ${text.slice(0, 200)}`);
    }
  };
  if (rg === undefined) {
    const [grepJsMs = []] = await timeInterleaved(options, [
      async () => expectGrep(await call(grepJs, grepInput, ctx)),
    ]);
    rows.push(
      {
        measure: "Grep (JS fallback): files_with_matches",
        value: ms(median(grepJsMs)),
        target: "≤ 5x rg",
        met: undefined,
        note: `no ripgrep on this machine to compare with; ${treeNote}`,
      },
      unmeasured("Grep (ripgrep) vs rg", "no ripgrep on this machine"),
    );
  } else {
    const search: GrepSearch = {
      pattern: NEEDLE,
      target: root,
      root,
      mode: "files_with_matches",
      caseInsensitive: false,
      multiline: false,
      before: 0,
      after: 0,
      maxLines: 0,
    };
    const rgArgs = ripgrepArgs(search);
    const grepRg = createGrepTool({ findRipgrep: () => rg });
    const [rgMs = [], grepRgMs = [], grepJsMs = []] = await timeInterleaved(options, [
      () => runProcess(rg, rgArgs, root),
      async () => expectGrep(await call(grepRg, grepInput, ctx)),
      async () => expectGrep(await call(grepJs, grepInput, ctx)),
    ]);
    rows.push(
      {
        measure: "rg directly: files_with_matches (reference)",
        value: ms(median(rgMs)),
        target: "reference",
        met: undefined,
        note: `${tree.withNeedle} matching files; ${treeNote}; same flags as Grep`,
      },
      ratioRow("Grep (ripgrep): files_with_matches", grepRgMs, rgMs, 1.3),
      ratioRow("Grep (JS fallback): files_with_matches", grepJsMs, rgMs, 5),
    );

    const globPattern = "**/*.ts";
    const globInput = { pattern: globPattern };
    // What Glob asks rg (ignore files respected, names pre-filtered by a file type), at rg's own
    // thread count. Glob then stats each match and sorts.
    const listArgs = globListingArgs(globPattern);
    // What one would type, but not the same question: rg's --glob overrides ignore files (a
    // gitignored file that matches is listed), so rg skips the ignore check for every file.
    const overrideArgs = [
      "--files",
      "--hidden",
      "--no-config",
      "--no-require-git",
      "--no-ignore-global",
      "--null",
      "--glob",
      "!.git",
      "--glob",
      globPattern,
    ];
    const listed = (await capture(rg, listArgs, root))
      .split("\0")
      .filter((p) => p !== "" && !p.startsWith(".git/"));
    const expectGlob = (text: string): void => {
      const lines = text.split("\n");
      const shown = lines.filter((line) => line.endsWith(".ts")).length;
      const hidden = Number(/^\(truncated: (\d+) more/.exec(lines.at(-1) ?? "")?.[1] ?? 0);
      if (shown + hidden !== listed.length) {
        throw new Error(
          `Glob found ${shown + hidden} files, rg ${listed.length}: ${text.slice(0, 200)}`,
        );
      }
    };
    // The Glob tool asks findRipgrep(process.env) on each call; a CAIRN_RIPGREP that does not
    // exist makes it use the JS walker.
    const saved = process.env.CAIRN_RIPGREP;
    const withoutRipgrep = async <T>(run: () => Promise<T>): Promise<T> => {
      process.env.CAIRN_RIPGREP = join(root, "no-such-rg");
      try {
        return await run();
      } finally {
        if (saved === undefined) delete process.env.CAIRN_RIPGREP;
        else process.env.CAIRN_RIPGREP = saved;
      }
    };
    // Glob answers newest first, which needs every match's mtime; plain `rg --files` does not
    // sort. `--sortr modified` gives rg the same job (and makes it walk on one thread).
    const sortedArgs = [...listArgs, "--sortr", "modified"];
    // A Glob call takes a tenth of a second: more runs steady the medians at little cost.
    // The part of Glob's work that no unsorted listing does: one stat per match, for its mtime.
    const listedAbsolute = listed.map((path) => join(root, path));
    const statAll = (): Promise<void> => {
      for (const path of listedAbsolute) statSync(path);
      return Promise.resolve();
    };
    const [
      rgFilesMs = [],
      globRgMs = [],
      globJsMs = [],
      rgOverrideMs = [],
      rgSortedMs = [],
      statMs = [],
    ] = await timeInterleaved({ ...options, runs: options.runs * 3 }, [
      () => runProcess(rg, listArgs, root),
      async () => expectGlob(await call(globTool, globInput, ctx)),
      () => withoutRipgrep(async () => expectGlob(await call(globTool, globInput, ctx))),
      () => runProcess(rg, overrideArgs, root),
      () => runProcess(rg, sortedArgs, root),
      statAll,
    ]);
    rows.push(
      {
        measure: `rg --files, Glob's filter for '${globPattern}' (reference)`,
        value: ms(median(rgFilesMs)),
        target: "reference",
        met: undefined,
        note: `${listed.length} files; Glob's flags (\`--type-add 'glob:*.ts' -t glob\`, ignore files respected), rg's own thread count`,
      },
      ratioRow(`Glob (ripgrep): ${globPattern}`, globRgMs, rgFilesMs, 1.3),
      {
        measure: `stat of the ${listed.length} matches, nothing else (information)`,
        value: `${ms(median(statMs))} (${(median(statMs) / median(rgFilesMs)).toFixed(2)}x rg)`,
        target: "–",
        met: undefined,
        note: "the mtimes Glob sorts by: work an unsorted listing does not do, on this thread while rg walks",
      },
      ratioRow(`Glob (JS walker): ${globPattern}`, globJsMs, rgFilesMs, 5),
      {
        measure: `rg --files -g '${globPattern}' (information)`,
        value: ms(median(rgOverrideMs)),
        target: "–",
        met: undefined,
        note: "not the same question: -g overrides .gitignore, so rg skips the ignore check on every file",
      },
      ratioRow(`Glob (ripgrep) vs rg -g`, globRgMs, rgOverrideMs, 1.3),
      {
        measure: `rg --files, Glob's filter, --sortr modified (same output as Glob)`,
        value: ms(median(rgSortedMs)),
        target: "reference",
        met: undefined,
        note: "newest first, as Glob answers",
      },
      ratioRow("Glob (ripgrep) vs sorted rg", globRgMs, rgSortedMs, 1.3),
      ratioRow("Glob (JS walker) vs sorted rg", globJsMs, rgSortedMs, 5),
    );
  }

  const readInput = { file_path: tree.bigFile, offset: 100_000, limit: 200 };
  const [readMs = []] = await timeInterleaved(options, [
    async () => {
      const content = await call(readTool, readInput, ctx);
      if (!content.includes("100000")) throw new Error(`Read returned ${content.slice(0, 200)}`);
    },
  ]);
  const readMedian = median(readMs);
  rows.push({
    measure: "Read: 10 MB file, offset 100000, limit 200",
    value: ms(readMedian),
    target: "≤ 50 ms",
    met: Number.isFinite(readMedian) ? readMedian <= 50 : undefined,
    note: `median of ${readMs.length}`,
  });
  await session.dispose();
  return rows;
}

async function call(tool: Tool, input: unknown, ctx: ToolContext): Promise<string> {
  const result = await tool.run(tool.input.parse(input), ctx);
  const text =
    typeof result.content === "string"
      ? result.content
      : result.content.map((block) => (block.type === "text" ? block.text : "")).join("");
  if (result.isError) throw new Error(`${tool.name} failed: ${text}`);
  return text;
}

/** Runs the contenders in turn, so that drift on a shared machine hits them all alike. */
async function timeInterleaved(
  options: SearchBenchOptions,
  contenders: ReadonlyArray<() => Promise<void>>,
): Promise<number[][]> {
  for (let i = 0; i < options.warmups; i++) for (const run of contenders) await run();
  const samples = contenders.map((): number[] => []);
  for (let i = 0; i < options.runs; i++) {
    for (const [index, run] of contenders.entries()) {
      const started = performance.now();
      await run();
      samples[index]?.push(performance.now() - started);
    }
  }
  return samples;
}

function runProcess(file: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ["ignore", "pipe", "ignore"] });
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 || code === 1 ? resolve() : reject(new Error(`${file} exited with ${code}`)),
    );
  });
}

function capture(file: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, stdio: ["ignore", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 || code === 1
        ? resolve(Buffer.concat(chunks).toString("utf8"))
        : reject(new Error(`${file} exited with ${code}`)),
    );
  });
}

function ratioRow(measure: string, samples: number[], reference: number[], limit: number): Row {
  const ratio = median(samples) / median(reference);
  return {
    measure,
    value: `${ms(median(samples))} (${ratio.toFixed(2)}x)`,
    target: `≤ ${limit}x rg`,
    met: Number.isFinite(ratio) ? ratio <= limit : undefined,
    note: `median of ${samples.length} runs after warm-up`,
  };
}

function unmeasured(measure: string, note: string): Row {
  return { measure, value: "n/a", target: "–", met: undefined, note };
}
