// Loads the bash grammar (web-tree-sitter + tree-sitter-bash, both WebAssembly) on first use and
// hands out syntax trees. Knows nothing about what a command means; analyze.ts reads the trees.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Node } from "web-tree-sitter";

export type SyntaxNode = Node;

export type ParseOutcome<T> = { type: "parsed"; value: T } | { type: "timed_out" };

/** A loaded bash parser. Parsing is synchronous once the grammar is in memory. */
export interface BashSyntax {
  /**
   * Parses `source` and calls `read` with the root node. The tree is freed when `read` returns
   * (or throws), so `read` must not keep nodes. Gives up after the time budget.
   */
  parse<T>(source: string, read: (root: SyntaxNode) => T): ParseOutcome<T>;
}

export interface ShellParser {
  /**
   * The parser, loaded on the first call; later calls share the same load. Rejects when the
   * WebAssembly files cannot be found or loaded (the error says where it looked).
   */
  ready(): Promise<BashSyntax>;
}

export interface ShellParserOptions {
  /** Longest a single parse may take before it is abandoned (default 1000 ms). */
  parseBudgetMs?: number;
}

interface WasmFile {
  /** File name next to the bundle (dist/wasm/<name>), as copied by scripts/build.mjs. */
  name: string;
  /** Module specifier resolving to the file in node_modules. */
  specifier: string;
}

const runtimeWasm: WasmFile = {
  name: "tree-sitter.wasm",
  specifier: "web-tree-sitter/tree-sitter.wasm",
};
const bashWasm: WasmFile = {
  name: "tree-sitter-bash.wasm",
  specifier: "tree-sitter-bash/tree-sitter-bash.wasm",
};

/** Creates a parser that loads nothing until `ready()` is first called. */
export function createShellParser(options: ShellParserOptions = {}): ShellParser {
  const budgetMs = options.parseBudgetMs ?? 1000;
  let loading: Promise<BashSyntax> | undefined;
  return {
    ready() {
      loading ??= load(budgetMs);
      return loading;
    },
  };
}

async function load(budgetMs: number): Promise<BashSyntax> {
  const [runtimeBytes, grammarBytes, treeSitter] = await Promise.all([
    readWasmFiles(runtimeWasm, bashWasm),
    // A dynamic import keeps web-tree-sitter out of the CLI's startup path (esbuild puts it in
    // its own chunk), so commands that never run Bash never pay for it.
    import("web-tree-sitter"),
  ]).then(([[runtime, grammar], module]) => [runtime, grammar, module] as const);
  // Handing the bytes over ourselves means the runtime never has to locate its own .wasm file,
  // which differs between running from source and from the bundle.
  await treeSitter.Parser.init({ wasmBinary: runtimeBytes });
  const language = await treeSitter.Language.load(grammarBytes);
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return {
    parse(source, read) {
      const deadline = performance.now() + budgetMs;
      parser.reset();
      const tree = parser.parse(source, null, {
        progressCallback: () => performance.now() > deadline,
      });
      if (!tree) return { type: "timed_out" };
      try {
        return { type: "parsed", value: read(tree.rootNode) };
      } finally {
        tree.delete();
      }
    },
  };
}

/** Reads both .wasm files; when either is missing, one error names every file that is. */
async function readWasmFiles(
  runtime: WasmFile,
  grammar: WasmFile,
): Promise<readonly [Uint8Array, Uint8Array]> {
  const [a, b] = await Promise.allSettled([readWasm(runtime), readWasm(grammar)]);
  if (a.status === "fulfilled" && b.status === "fulfilled") return [a.value, b.value];
  const failures = [a, b].flatMap((r): unknown[] => (r.status === "rejected" ? [r.reason] : []));
  if (failures.length === 1) throw failures[0];
  throw new Error(failures.map((e) => (e instanceof Error ? e.message : String(e))).join("; "));
}

/** Reads a .wasm file from the first place it exists: beside the bundle, then node_modules. */
async function readWasm(file: WasmFile): Promise<Uint8Array> {
  const tried: string[] = [];
  for (const path of wasmCandidates(file)) {
    tried.push(path);
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) continue;
      throw new Error(`could not read ${path}`, { cause: error });
    }
  }
  throw new Error(
    `could not find ${file.name} for the bash parser (looked in ${tried.join(", ")}); ` +
      "reinstall cairn, or run `npm run build` when working from source",
  );
}

function wasmCandidates(file: WasmFile): string[] {
  const here = import.meta.url;
  // dist/cli.js and dist/chunks/*.js both find dist/wasm/; from source these do not exist.
  const paths = [
    fileURLToPath(new URL(`./wasm/${file.name}`, here)),
    fileURLToPath(new URL(`../wasm/${file.name}`, here)),
  ];
  try {
    paths.push(createRequire(here).resolve(file.specifier));
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
  }
  return paths;
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function isModuleNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "MODULE_NOT_FOUND";
}
