// Finding the ripgrep binary (for Grep and Glob), whether it may search a folder given the ignore
// files above it (ripgrepIgnoreMode), and running one Grep search with it: args array, no shell,
// killed on abort, output parsed into the result both Grep backends share.

import { basename } from "node:path";
import { findOnPath, isExecutableFile } from "../config/index.ts";
import type { GrepFile, GrepLine, GrepOutcome, GrepSearch } from "./grep.ts";
import { ignoreFilesAbove } from "./file-walk.ts";
import { isWithin } from "./paths.ts";
import { signalGroup, spawnInGroup } from "./process-group.ts";

/**
 * The ripgrep binary to use: `CAIRN_RIPGREP` when set (undefined if it is not an executable file,
 * so Grep falls back to JS rather than guessing), else `rg` on PATH.
 */
export function findRipgrep(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const configured = env.CAIRN_RIPGREP;
  if (configured !== undefined && configured !== "") {
    return isExecutableFile(configured) ? configured : undefined;
  }
  return findOnPath(platform === "win32" ? ["rg.exe", "rg"] : ["rg"], env);
}

/**
 * How ripgrep may search the folder `target` and still apply the ignore rules the JS walker
 * applies under `boundary` (see ignoreFilesAbove): "as-is"; "no-parent", with
 * --no-ignore-parent, when rg could read ignore files above the rules' top and `target` is that
 * top; or "walker" when only the JS walker can keep those files out. A target outside `boundary`
 * (an added folder) is its own boundary, as it is for the walker. Without a boundary, "as-is".
 * (A file named as the target needs no check: rg searches it whatever the ignore files say.)
 */
export async function ripgrepIgnoreMode(
  target: string,
  boundary: string | undefined,
  ripgrep: string,
): Promise<"as-is" | "no-parent" | "walker"> {
  if (boundary === undefined) return "as-is";
  const above = await ignoreFilesAbove(isWithin(boundary, target) ? boundary : target);
  let files = above.files;
  // ripgrep 13 reads only `.ignore` and `.rgignore` above a repository's root; 14 reads
  // `.gitignore` there too (with --no-require-git). Counting what this rg really reads keeps
  // most searches of a sub-folder on rg for users of 13 with a `~/.gitignore`.
  if (files.length > 0 && above.inRepository && (await readsNoGitignoreAboveRepository(ripgrep))) {
    files = files.filter((file) => [".ignore", ".rgignore"].includes(basename(file)));
  }
  if (files.length === 0) return "as-is";
  return target === above.top ? "no-parent" : "walker";
}

async function readsNoGitignoreAboveRepository(ripgrep: string): Promise<boolean> {
  const major = await majorVersion(ripgrep);
  return major !== undefined && major < 14;
}

const majorVersions = new Map<string, Promise<number | undefined>>();
/** How long `rg --version` may take; past it the version is unknown (the safe side). */
const VERSION_TIMEOUT_MS = 3_000;

/**
 * The binary's major version from `rg --version`, asked once per binary; undefined if unknown.
 * Always settles within VERSION_TIMEOUT_MS: a `CAIRN_RIPGREP` that hangs, or leaves a child
 * holding its output, is killed with its process group and counts as unknown.
 */
function majorVersion(ripgrep: string): Promise<number | undefined> {
  let known = majorVersions.get(ripgrep);
  if (known === undefined) {
    known = new Promise((resolve) => {
      let output = "";
      const child = spawnInGroup(ripgrep, ["--version"], {
        cwd: process.cwd(),
        env: process.env,
        stdio: ["ignore", "pipe", "ignore"],
      });
      const settle = (major: number | undefined): void => {
        clearTimeout(timer);
        resolve(major);
      };
      const timer = setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
        settle(undefined);
      }, VERSION_TIMEOUT_MS);
      child.stdout?.setEncoding("utf8");
      child.stdout?.on("data", (chunk: string) => {
        output += chunk;
        const major = /^ripgrep (\d+)\./.exec(output)?.[1];
        if (major !== undefined) settle(Number(major));
      });
      child.on("error", () => settle(undefined));
      child.on("close", () => settle(undefined));
    });
    majorVersions.set(ripgrep, known);
  }
  return known;
}

/** The arguments for one search; exported for the benchmark, which times rg with the same ones. */
export function ripgrepArgs(search: GrepSearch): string[] {
  // Ignore files apply with or without a git repository, and only those in the tree (not the
  // user's global excludes file), so results match the JS fallback and the Glob tool.
  const args = [
    "--no-config",
    "--color",
    "never",
    "--hidden",
    "--no-require-git",
    "--no-ignore-global",
  ];
  if (search.noIgnoreParent) args.push("--no-ignore-parent");
  if (search.caseInsensitive) args.push("--ignore-case");
  if (search.multiline) args.push("--multiline", "--multiline-dotall");
  if (search.type !== undefined) args.push("--type", search.type);
  // An including --glob makes rg search matching files even when they are gitignored, so only
  // excluding globs go to rg; grep.ts filters rg's results by an including glob instead, the
  // way the JS fallback applies it (after the ignore files).
  if (search.glob?.startsWith("!")) args.push("--glob", search.glob);
  // After the user's glob, so that a glob like "*" cannot bring .git back (the last glob wins).
  args.push("--glob", "!.git");
  // Last, so that no glob of the call can bring back what a Read deny rule covers.
  if (search.excludeArgs) args.push(...search.excludeArgs);
  switch (search.mode) {
    case "files_with_matches":
      args.push("--files-with-matches", "--null");
      break;
    case "count":
      args.push(search.multiline ? "--count-matches" : "--count", "--null", "--with-filename");
      break;
    case "content":
      args.push("--json");
      if (search.before > 0) args.push("--before-context", String(search.before));
      if (search.after > 0) args.push("--after-context", String(search.after));
      break;
    default: {
      const unknown: never = search.mode;
      throw new Error(`unknown output mode ${String(unknown)}`);
    }
  }
  args.push("--regexp", search.pattern, "--", search.target);
  return args;
}

/** "unavailable": the binary could not be started; the caller falls back to JS. */
export type RipgrepOutcome = GrepOutcome | { type: "unavailable"; reason: string };

const MAX_STDERR = 16_384;

export function runRipgrep(
  rgPath: string,
  search: GrepSearch,
  signal: AbortSignal,
): Promise<RipgrepOutcome> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve({ type: "error", kind: "other", message: "the search was cancelled" });
      return;
    }
    const child = spawnInGroup(rgPath, ripgrepArgs(search), {
      cwd: search.root,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const parser = createParser(search);
    let stderr = "";
    let spawnError: Error | undefined;
    let stoppedEarly = false;
    let parseError: string | undefined;

    const kill = (): void => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child.pid, "SIGKILL");
    };
    const onAbort = (): void => kill();
    signal.addEventListener("abort", onAbort, { once: true });

    child.stdout?.on("data", (chunk: Buffer) => {
      if (stoppedEarly || parseError !== undefined) return;
      try {
        if (!parser.push(chunk)) {
          stoppedEarly = true;
          kill();
        }
      } catch (error) {
        parseError = `could not read ripgrep's output: ${error instanceof Error ? error.message : String(error)}`;
        kill();
      }
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      if (stderr.length < MAX_STDERR) stderr += chunk;
    });
    child.on("error", (error) => {
      spawnError = error;
    });
    child.on("close", (code, killedBy) => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) {
        resolve({ type: "error", kind: "other", message: "the search was cancelled" });
        return;
      }
      if (spawnError !== undefined) {
        resolve({ type: "unavailable", reason: `${rgPath}: ${spawnError.message}` });
        return;
      }
      if (parseError !== undefined) {
        resolve({ type: "error", kind: "other", message: parseError });
        return;
      }
      if (code === null && !stoppedEarly) {
        resolve({ type: "error", kind: "other", message: `ripgrep was killed by ${killedBy}` });
        return;
      }
      const files = parser.finish();
      const problems = stderr
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
      // Unreadable files or folders ("... (os error 13)") spoil nothing else; anything else
      // with exit code 2 (a bad pattern, an unknown type) is the error.
      const onlyUnreadable = problems.every((line) => /\(os error \d+\)$/.test(line));
      if (code === 2 && files.length === 0 && !stoppedEarly && !onlyUnreadable) {
        resolve({ type: "error", kind: classify(stderr), message: stderr.trim() });
        return;
      }
      resolve({
        type: "done",
        files,
        incomplete: stoppedEarly,
        warnings: code === 2 ? problems.slice(0, 5) : [],
      });
    });
  });
}

function classify(stderr: string): "pattern" | "type" | "other" {
  if (/regex parse error|the literal .* is not allowed|error parsing regex/i.test(stderr)) {
    return "pattern";
  }
  if (/unrecognized file type/i.test(stderr)) return "type";
  return "other";
}

interface Parser {
  /** False once the result is big enough that the search should stop. */
  push(chunk: Buffer): boolean;
  finish(): GrepFile[];
}

function createParser(search: GrepSearch): Parser {
  switch (search.mode) {
    case "files_with_matches":
      return bufferedParser((text) =>
        // `path NUL` per file: NUL is the one byte a path cannot contain.
        text
          .split("\0")
          .filter((path) => path !== "")
          .map((path) => ({ path, count: 1, lines: [] })),
      );
    case "count":
      return bufferedParser(parseCounts);
    case "content":
      return jsonParser(search.maxLines, search.target);
    default: {
      const unknown: never = search.mode;
      throw new Error(`unknown output mode ${String(unknown)}`);
    }
  }
}

function bufferedParser(parse: (text: string) => GrepFile[]): Parser {
  const chunks: Buffer[] = [];
  return {
    push(chunk) {
      chunks.push(chunk);
      return true;
    },
    finish: () => parse(Buffer.concat(chunks).toString("utf8")),
  };
}

/** `path NUL count NEWLINE` per file; a path may itself contain a newline, so split on NUL first. */
function parseCounts(text: string): GrepFile[] {
  const files: GrepFile[] = [];
  let at = 0;
  while (at < text.length) {
    const nul = text.indexOf("\0", at);
    if (nul === -1) break;
    const newline = text.indexOf("\n", nul);
    const end = newline === -1 ? text.length : newline;
    files.push({ path: text.slice(at, nul), count: Number(text.slice(nul + 1, end)), lines: [] });
    at = end + 1;
  }
  return files;
}

/** A path or line in rg's JSON: text when it is valid UTF-8, else base64 bytes. */
const jsonText = (value: { text?: string; bytes?: string } | undefined): string =>
  value?.text ?? Buffer.from(value?.bytes ?? "", "base64").toString("utf8");

interface JsonEvent {
  type: string;
  data?: {
    path?: { text?: string; bytes?: string };
    lines?: { text?: string; bytes?: string };
    line_number?: number | null;
    binary_offset?: number | null;
  };
}

/**
 * `--json` events: begin, match / context lines, end (with binary_offset), summary. `target` is
 * the path rg was given: when it is a file, rg searches it whole even if it is binary.
 */
function jsonParser(maxLines: number, target: string): Parser {
  const files = new Map<string, GrepFile>();
  let pending = "";
  let collected = 0;
  const handle = (line: string): void => {
    if (line === "") return;
    const event = JSON.parse(line) as JsonEvent;
    const data = event.data;
    if (data === undefined) return;
    if (event.type === "end") {
      // rg gave up on the file at a NUL byte; the JS fallback skips such files entirely. A file
      // named as the search path is the exception: rg searched all of it and its matches stand
      // (files_with_matches and count report them too).
      const path = jsonText(data.path);
      if (data.binary_offset !== null && data.binary_offset !== undefined && path !== target) {
        files.delete(path);
      }
      return;
    }
    if (event.type !== "match" && event.type !== "context") return;
    const path = jsonText(data.path);
    let file = files.get(path);
    if (file === undefined) {
      file = { path, count: 0, lines: [] };
      files.set(path, file);
    }
    const match = event.type === "match";
    // A multiline match spans several lines in one event.
    const texts = jsonText(data.lines).split("\n");
    if (texts.at(-1) === "") texts.pop();
    const first = data.line_number ?? 0;
    texts.forEach((text, index) => {
      const entry: GrepLine = { number: first + index, text, match };
      file.lines.push(entry);
      if (match) file.count++;
    });
    collected += texts.length;
  };
  const decoder = new TextDecoder();
  return {
    push(chunk) {
      pending += decoder.decode(chunk, { stream: true });
      const end = pending.lastIndexOf("\n");
      if (end === -1) return true;
      const complete = pending.slice(0, end);
      pending = pending.slice(end + 1);
      for (const line of complete.split("\n")) handle(line);
      return collected <= maxLines;
    },
    finish() {
      // rg ends every event with a newline: a rest only remains when we stopped it mid-line.
      pending = "";
      return [...files.values()];
    },
  };
}
