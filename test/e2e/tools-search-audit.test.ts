// Outside-style checks of the search tools (Glob, Grep, LS) through the built CLI and the scripted
// model server, on both Grep/Glob backends (ripgrep, and the JS fallback with CAIRN_RIPGREP set to
// a missing binary); plus a property test that the two backends agree on random trees.

import { mkdir, mkdtemp, realpath, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario, ScriptedBlock } from "../fake-llm/scenario.ts";
import { globFiles } from "../../src/tools/glob.ts";
import { createGrepTool } from "../../src/tools/grep.ts";
import { findRipgrep } from "../../src/tools/ripgrep.ts";
import { createToolSession } from "../../src/tools/session.ts";
import { runCli, stderrBesidesSandboxNotice, tempDir } from "./run-cli.ts";
import { call, turn } from "./scripted.ts";
import { toolOutputs, wireSetup } from "./wires.ts";

const RIPGREP = findRipgrep(process.env);

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

const done = turn({ type: "text", text: "done" });

/** Writes the files, each 10 s newer than the one before it, so mtime order is known. */
async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  let time = 1_700_000_000;
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
    await utimes(join(root, path), time, time);
    time += 10;
  }
}

/** A Next.js-style app: route groups in parentheses, dynamic segments in brackets. */
async function nextApp(): Promise<string> {
  const dir = await realpath(await tempDir("cairn-search-audit-"));
  await writeTree(dir, {
    ".gitignore": "build/\n",
    "README.md": "needle in the readme\n",
    "app/(auth)/login/page.tsx": "export default function Login() {}\n",
    "app/auth/page.tsx": "export default function NotTheGroup() {}\n",
    "app/[id]/page.tsx": "export default function Item() {}\n",
    "app/i/page.tsx": "export default function I() {}\n",
    "build/page.tsx": "export default function Built() {}\n",
    "notes.txt": "first\nneedle at a line start\nNEEDLE shouted\n",
    "blob.bin": Buffer.from("needle\0binary\nneedle again\n"),
  });
  return dir;
}

type Backend = "ripgrep" | "js";

/** One CLI session running the calls; the tool results in order, as the model received them. */
async function search(dir: string, backend: Backend, calls: ScriptedBlock[]) {
  const scenario: Scenario = { turns: [turn(...calls), done] };
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup("anthropic", server.url);
  const env: Record<string, string> = { ...setup.env, CAIRN_RETRY_BASE_MS: "5" };
  if (backend === "js") env.CAIRN_RIPGREP = join(dir, "no-such-rg");
  const run = await runCli(["-p", "search", "--model", setup.model], { cwd: dir, env });
  expect(server.violations).toEqual([]);
  expect(stderrBesidesSandboxNotice(run.stderr)).toBe("");
  expect(run.code).toBe(0);
  return toolOutputs("anthropic", server.requests.at(-1)?.body).map(([, text, isError]) => ({
    text,
    isError,
  }));
}

const CALLS = [
  call("Glob", { pattern: "app/(auth)/**/*.tsx" }),
  call("Grep", { pattern: "export", glob: "app/(auth)/**" }),
  call("Glob", { pattern: "app/[id]/page.tsx" }),
  call("Glob", { pattern: "!**/*.tsx" }),
  call("Glob", { pattern: "README.md/*" }),
  call("Grep", { pattern: "needle", path: "blob.bin", output_mode: "content" }),
  call("Grep", { pattern: "needle", head_limit: 0 }),
  call("Grep", { pattern: "[^\\n]*shouted$", output_mode: "content" }),
  call("Grep", { pattern: "\\Aneedle", output_mode: "content" }),
  call("Grep", { pattern: "zzz(?i)q|needle s", output_mode: "content" }),
  call("LS", { path: "app", ignore: ["(auth)"] }),
];

/** What each call of CALLS must return, on either backend. */
const EXPECTED = [
  "app/(auth)/login/page.tsx",
  "Found 1 file\napp/(auth)/login/page.tsx",
  // As a class "[id]" matches "i"; picomatch also matches the name written literally.
  "app/i/page.tsx\napp/[id]/page.tsx",
  "blob.bin\nnotes.txt\nREADME.md\n.gitignore",
  'No files match "README.md/*" in . (ignored files and .git are not searched).',
  "blob.bin:1:needle\0binary\nblob.bin:2:needle again",
  "Found 2 files\nnotes.txt\nREADME.md",
  "notes.txt:3:NEEDLE shouted",
  "README.md:1:needle in the readme\nnotes.txt:2:needle at a line start",
  "notes.txt:3:NEEDLE shouted",
  "app/\n  [id]/\n    page.tsx\n  auth/\n    page.tsx\n  i/\n    page.tsx",
];

describe("search tools, checked from outside", () => {
  it.each<Backend>(["ripgrep", "js"])(
    "route groups, literal brackets, negated globs, explicit binary files, head_limit 0 and Rust-only regex syntax (%s)",
    async (backend) => {
      if (backend === "ripgrep" && RIPGREP === undefined) return; // nothing to compare against
      const dir = await nextApp();
      const outputs = await search(dir, backend, CALLS);
      expect(outputs).toEqual(EXPECTED.map((text) => ({ text, isError: false })));
    },
  );
});

/** Grep and Glob on a library level: what the model would get, for one backend. */
async function grepText(root: string, rg: string | undefined, input: object): Promise<string> {
  const tool = createGrepTool({ findRipgrep: () => rg });
  const session = createToolSession({ root, additionalDirs: [] });
  try {
    const result = await tool.run(tool.input.parse(input), {
      cwd: root,
      signal: new AbortController().signal,
      session,
    });
    const text =
      typeof result.content === "string" ? result.content : JSON.stringify(result.content);
    return `${result.isError === true ? "error: " : ""}${text}`;
  } finally {
    await session.dispose();
  }
}

async function globList(root: string, rg: string | undefined, pattern: string): Promise<string[]> {
  const result = await globFiles({
    root,
    pattern,
    signal: new AbortController().signal,
    ripgrep: rg,
    ignoreBoundary: root,
  });
  return result.matches.map((match) => match.absolute.slice(root.length + 1));
}

const DIRS = ["", "a", "a/b", "build", "(g)", "sp ace", ".hid", "d/e"];
const NAMES = [
  "x.ts",
  "y.js",
  "z.log",
  "Z.LOG",
  "[id].tsx",
  "ü.md",
  "sp ace.txt",
  ".env",
  "(g)",
  "b",
  "x(1).ts",
];
const IGNORE_LINES = [
  "*.log",
  "!z.log",
  "*.LOG",
  "/a",
  "build/",
  "**/b",
  "!b",
  "a/**",
  "!a/b",
  "d/e/",
  "!*.ts",
];
const GREPS = [
  "*.ts",
  "!*.ts",
  "**/*.{ts,js}",
  "a/**",
  "!a/",
  "(g)/*",
  "**/[id].tsx",
  "!**/b/**",
  "!*(1).ts",
  "*(1).ts",
];
const GLOBS = [
  "**/*",
  "a/*",
  "**/*.ts",
  "(g)/**",
  "**/[id].tsx",
  "!**/*.ts",
  "**/a/*",
  "**/b",
  "*.{md,txt}",
];

describe("Grep and Glob give the same answer with ripgrep and with the JS fallback", () => {
  it.skipIf(RIPGREP === undefined)(
    "on random trees with nested ignore files, negations, route groups and brackets",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(fc.constantFrom(...DIRS), fc.constantFrom(...NAMES)), {
            minLength: 1,
            maxLength: 10,
          }),
          fc.array(
            fc.tuple(
              fc.constantFrom(...DIRS),
              fc.constantFrom(".gitignore", ".ignore", ".rgignore"),
              fc.array(fc.constantFrom(...IGNORE_LINES), { maxLength: 4 }),
            ),
            { maxLength: 4 },
          ),
          fc.option(fc.constantFrom(...GREPS), { nil: undefined }),
          fc.constantFrom(...GLOBS),
          async (files, ignores, glob, pattern) => {
            const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-search-prop-")));
            try {
              const tree: Record<string, string> = {};
              for (const [dir, name] of files) tree[dir === "" ? name : `${dir}/${name}`] = "hit\n";
              // A name used both as a file and as a folder keeps whichever is written first.
              for (const [path, content] of Object.entries(tree)) {
                await writeTree(root, { [path]: content }).catch(() => undefined);
              }
              for (const [dir, name, lines] of ignores) {
                await mkdir(join(root, dir), { recursive: true }).catch(() => undefined);
                await writeFile(join(root, dir, name), `${lines.join("\n")}\n`).catch(
                  () => undefined,
                );
              }
              const input = { pattern: "hit", output_mode: "count", ...(glob ? { glob } : {}) };
              expect(await grepText(root, undefined, input)).toBe(
                await grepText(root, RIPGREP, input),
              );
              expect(await globList(root, undefined, pattern)).toEqual(
                await globList(root, RIPGREP, pattern),
              );
            } finally {
              await rm(root, { recursive: true, force: true });
            }
          },
        ),
        // A fixed seed keeps CI runs repeatable; SEARCH_PROP_SEED and SEARCH_PROP_RUNS explore
        // further by hand.
        {
          numRuns: Number(process.env.SEARCH_PROP_RUNS ?? 40),
          seed: Number(process.env.SEARCH_PROP_SEED ?? 20261126),
        },
      );
    },
  );
});
