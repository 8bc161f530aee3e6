// The Grep tool: a regex search over file contents with ripgrep when it is installed, else a JS
// fallback with the same results; sorts, pages and caps the output the same way for both.

import { stat } from "node:fs/promises";
import { relative } from "node:path";
import * as z from "zod/mini";
import { fsErrorMessage } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { globTest, searchWithJs } from "./grep-fallback.ts";
import { globProblem } from "./glob-syntax.ts";
import { missingPathMessage } from "./path-suggestions.ts";
import { isWithin, resolvePath } from "./paths.ts";
import { findRipgrep, ripgrepIgnoreMode, runRipgrep } from "./ripgrep.ts";
import type { ToolSession } from "./session.ts";
import { defineTool, type Tool, type ToolOutput } from "./tool.ts";

export type GrepMode = "content" | "files_with_matches" | "count";

/** One search, as both backends receive it. */
export interface GrepSearch {
  pattern: string;
  /** The file or folder to search: an absolute, real path. */
  target: string;
  /** The workspace root: rg runs there, and globs containing "/" are relative to it. */
  root: string;
  glob?: string;
  type?: string;
  mode: GrepMode;
  caseInsensitive: boolean;
  multiline: boolean;
  /** Context lines (content mode). */
  before: number;
  after: number;
  /** Content mode: stop once this many lines are collected (the result is then incomplete). */
  maxLines: number;
  /** Files never searched (absolute path): what a Read deny rule covers. */
  exclude?: (absolute: string) => boolean;
  /** ripgrep arguments excluding the same files, where the rules translate (`--glob !…`). */
  excludeArgs?: string[];
  /** rg must not read ignore files above the target (see ripgrepIgnoreMode). */
  noIgnoreParent?: boolean;
}

export interface GrepLine {
  number: number;
  /** Without the line break. */
  text: string;
  /** False for a context line. */
  match: boolean;
}

export interface GrepFile {
  /** Absolute. */
  path: string;
  /** count mode: matching lines, or matches in multiline mode. */
  count: number;
  /** content mode: matching and context lines, in order. */
  lines: GrepLine[];
  mtimeMs?: number;
}

export type GrepOutcome =
  | {
      type: "done";
      files: GrepFile[];
      /** Stopped at maxLines. */
      incomplete: boolean;
      warnings: string[];
    }
  | { type: "error"; kind: "pattern" | "type" | "other"; message: string };

export interface GrepDisplay {
  type: "grep";
  mode: GrepMode;
  backend: "ripgrep" | "js";
  /** Files with matches, before paging. */
  files: number;
}

export interface GrepToolOptions {
  /** The ripgrep binary, or undefined for the JS fallback; asked on every call (it is cheap). */
  findRipgrep?: () => string | undefined;
}

/** About 7.5k tokens: more than this crowds out the conversation. */
export const GREP_MAX_CHARS = 30_000;
/** Longer lines are cut in content mode (minified files). */
export const GREP_MAX_LINE_CHARS = 500;
const MAX_COLLECTED_LINES = 100_000;

const context = z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(1000)));
const input = z.object({
  pattern: z.string().check(z.describe("Regex (ripgrep syntax)")),
  path: z.optional(z.string()).check(z.describe("File or folder (default: workspace root)")),
  glob: z.optional(z.string()).check(z.describe('File filter, e.g. "*.ts", "src/**/*.{ts,tsx}"')),
  type: z.optional(z.string()).check(z.describe("File type, e.g. js, py, rust")),
  output_mode: z
    .optional(z.enum(["content", "files_with_matches", "count"]))
    .check(z.describe("Default files_with_matches")),
  "-i": z.optional(z.boolean()).check(z.describe("Case-insensitive")),
  "-n": z.optional(z.boolean()).check(z.describe("Line numbers (content mode; default true)")),
  "-A": context.check(z.describe("Lines after each match")),
  "-B": context.check(z.describe("Lines before each match")),
  "-C": context.check(z.describe("Lines before and after each match")),
  multiline: z
    .optional(z.boolean())
    .check(z.describe("Matches may span lines (. matches newline)")),
  // 0 is accepted as "no limit": models trained on Claude Code's Grep send it for that.
  head_limit: z
    .optional(z.number().check(z.int(), z.minimum(0), z.maximum(1e6)))
    .check(z.describe("Only the first N lines/entries (0: no limit)")),
  offset: z
    .optional(z.number().check(z.int(), z.minimum(0), z.maximum(1e6)))
    .check(z.describe("Skip the first N lines/entries")),
});

type GrepInput = z.infer<typeof input>;

export function createGrepTool(options: GrepToolOptions = {}): Tool {
  const locate = options.findRipgrep ?? (() => findRipgrep(process.env));
  return defineTool({
    name: "Grep",
    description:
      "Search file contents with a regular expression (ripgrep syntax: escape literal braces, " +
      "e.g. `interface\\{\\}`). Respects .gitignore; skips binary files. output_mode: " +
      "files_with_matches (default; paths, newest first), content (matching lines, with " +
      "-A/-B/-C context) or count (per file). Narrow with path, glob or type; page with " +
      "head_limit and offset. Use this, not grep or rg in Bash.",
    input,
    readOnly: true,
    describeAccess: (args) => ({ kind: "read", paths: [args.path ?? "."] }),
    run: (args, ctx) => runGrep(args, ctx.session, ctx.cwd, ctx.signal, locate),
  });
}

export const grepTool = createGrepTool();

async function runGrep(
  args: GrepInput,
  session: ToolSession,
  cwd: string,
  signal: AbortSignal,
  locate: () => string | undefined,
): Promise<ToolOutput> {
  if (signal.aborted) return failure("The search was cancelled.");
  const { workspace, readDeny } = session;
  const target = await resolvePath(workspace, args.path ?? ".", cwd);
  let isFile = false;
  try {
    const info = await stat(target.real);
    isFile = info.isFile();
    // Reading a FIFO or a device could block forever.
    if (!info.isFile() && !info.isDirectory()) {
      return failure(`${target.display} is not a regular file or a folder; Grep searches those.`);
    }
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) {
      return failure(await missingPathMessage(target.absolute, target.display));
    }
    return failure(
      fsErrorMessage(error, "search", target.display) ??
        `Cannot search ${target.display}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  // An empty glob filters nothing, as in rg.
  const glob = args.glob?.trim() === "" ? undefined : args.glob;
  const problem = glob === undefined ? undefined : globProblem(glob);
  if (problem !== undefined) return failure(`Invalid glob ${JSON.stringify(glob)}: ${problem}.`);

  const mode = args.output_mode ?? "files_with_matches";
  const search: GrepSearch = {
    pattern: args.pattern,
    target: target.real,
    root: workspace.root,
    glob,
    type: args.type,
    mode,
    caseInsensitive: args["-i"] ?? false,
    multiline: args.multiline ?? false,
    before: args["-B"] ?? args["-C"] ?? 0,
    after: args["-A"] ?? args["-C"] ?? 0,
    maxLines: MAX_COLLECTED_LINES,
    exclude: readDeny.covers,
    excludeArgs: readDeny.ripgrepArgs(workspace.root),
  };

  let backend: GrepDisplay["backend"] = "js";
  let outcome: GrepOutcome | undefined;
  const rgPath = locate();
  // A file named as the target is searched whatever the ignore files say, by both backends.
  const ignoreMode =
    rgPath === undefined
      ? "walker"
      : isFile
        ? "as-is"
        : await ripgrepIgnoreMode(target.real, workspace.root, rgPath);
  if (rgPath !== undefined && ignoreMode !== "walker") {
    if (ignoreMode === "no-parent") search.noIgnoreParent = true;
    const result = await runRipgrep(rgPath, search, signal);
    if (result.type !== "unavailable") {
      outcome = result;
      backend = "ripgrep";
    }
  }
  outcome ??= await searchWithJs(search, signal);
  if (signal.aborted) return failure("The search was cancelled.");

  if (outcome.type === "error") return failure(errorMessage(outcome, args));
  // Whatever the backend did, a file a Read deny rule covers never reaches the model; and an
  // including glob, which rg was not given (see ripgrep.ts), applies to rg's results here.
  const inGlob =
    backend === "ripgrep" && !search.glob?.startsWith("!") ? globTest(search) : undefined;
  outcome = {
    ...outcome,
    files: outcome.files.filter(
      (file) => !readDeny.covers(file.path) && (inGlob === undefined || inGlob(file.path)),
    ),
  };

  const display: GrepDisplay = { type: "grep", mode, backend, files: outcome.files.length };
  if (outcome.files.length === 0) {
    const notes = outcome.warnings.map((warning) => `\nWarning: ${warning}`).join("");
    return { content: `No matches found${notes}`, display };
  }

  const show = (path: string): string =>
    isWithin(workspace.root, path) ? relative(workspace.root, path) || "." : path;
  const entries = await entriesFor(outcome.files, mode, search, args["-n"] ?? true, show, signal);
  if (signal.aborted) return failure("The search was cancelled.");
  return { content: render(entries, outcome, mode, args), display };
}

function failure(content: string): ToolOutput {
  return { content, isError: true };
}

function errorMessage(outcome: GrepOutcome & { type: "error" }, args: GrepInput): string {
  switch (outcome.kind) {
    case "pattern":
      return (
        `Invalid regex pattern ${JSON.stringify(args.pattern)}: ${outcome.message}\n` +
        "Patterns use ripgrep's Rust regex syntax: escape literal ( ) [ ] { } . * + ? | with a " +
        "backslash; set multiline: true to match across lines."
      );
    case "type":
      return `${outcome.message}\nUse a ripgrep type name such as js, ts, py, rust, go, java, c, cpp, md, json, yaml; or use glob instead.`;
    case "other":
      return `Grep failed: ${outcome.message}`;
    default: {
      const unknown: never = outcome.kind;
      return `Grep failed: ${String(unknown)}`;
    }
  }
}

/** Entries are what head_limit and offset count: paths, "path:count" lines, or output lines. */
interface Entries {
  lines: string[];
  /** For the summary line of count mode. */
  total?: number;
}

async function entriesFor(
  files: GrepFile[],
  mode: GrepMode,
  search: GrepSearch,
  lineNumbers: boolean,
  show: (path: string) => string,
  signal: AbortSignal,
): Promise<Entries> {
  const named = files.map((file) => ({ file, shown: show(file.path) }));
  if (mode === "files_with_matches") {
    await fillMtimes(files, signal);
    named.sort(
      (a, b) =>
        (b.file.mtimeMs ?? 0) - (a.file.mtimeMs ?? 0) ||
        (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0),
    );
    return { lines: named.map((n) => n.shown) };
  }
  named.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  if (mode === "count") {
    return {
      lines: named.map((n) => `${n.shown}:${n.file.count}`),
      total: files.reduce((sum, file) => sum + file.count, 0),
    };
  }
  const context = search.before > 0 || search.after > 0;
  const lines: string[] = [];
  for (const { file, shown } of named) {
    let previous: number | undefined;
    if (context && lines.length > 0) lines.push("--");
    for (const line of file.lines) {
      if (context && previous !== undefined && line.number > previous + 1) lines.push("--");
      previous = line.number;
      const mark = line.match ? ":" : "-";
      const text = cutLine(line.text);
      lines.push(
        lineNumbers ? `${shown}${mark}${line.number}${mark}${text}` : `${shown}${mark}${text}`,
      );
    }
  }
  return { lines };
}

/** Modification times for the files a backend did not stat; a file gone since counts as oldest. */
async function fillMtimes(files: GrepFile[], signal: AbortSignal): Promise<void> {
  const missing = files.filter((file) => file.mtimeMs === undefined);
  const batch = 256;
  for (let start = 0; start < missing.length && !signal.aborted; start += batch) {
    await Promise.all(
      missing.slice(start, start + batch).map(async (file) => {
        try {
          file.mtimeMs = (await stat(file.path)).mtimeMs;
        } catch {
          file.mtimeMs = 0; // removed since the search found it
        }
      }),
    );
  }
}

function cutLine(text: string): string {
  const line = text.endsWith("\r") ? text.slice(0, -1) : text;
  if (line.length <= GREP_MAX_LINE_CHARS) return line;
  // Do not split a surrogate pair.
  const end =
    line.charCodeAt(GREP_MAX_LINE_CHARS - 1) >= 0xd800 &&
    line.charCodeAt(GREP_MAX_LINE_CHARS - 1) <= 0xdbff
      ? GREP_MAX_LINE_CHARS - 1
      : GREP_MAX_LINE_CHARS;
  return `${line.slice(0, end)}… [line cut: ${line.length} characters]`;
}

function render(
  entries: Entries,
  outcome: GrepOutcome & { type: "done" },
  mode: GrepMode,
  args: GrepInput,
): string {
  const all = entries.lines;
  const offset = args.offset ?? 0;
  const unit = mode === "files_with_matches" ? "files" : mode === "count" ? "entries" : "lines";
  if (offset >= all.length) {
    return `No ${unit} at offset ${offset}: there are only ${all.length}. Use a smaller offset.`;
  }
  const limit = args.head_limit === 0 ? undefined : args.head_limit;
  const page = all.slice(offset, limit === undefined ? undefined : offset + limit);
  // A page of content output should not start with a group separator.
  let skipped = 0;
  if (mode === "content") while (page[skipped] === "--") skipped++;

  const head: string[] = [];
  const tail: string[] = [];
  if (mode === "files_with_matches") head.push(`Found ${plural(all.length, "file")}`);
  if (mode === "count" && entries.total !== undefined) {
    const what = args.multiline
      ? plural(entries.total, "match", "matches")
      : plural(entries.total, "matching line");
    tail.push("", `Found ${what} in ${plural(all.length, "file")}.`);
  }
  if (outcome.incomplete) {
    tail.push(
      `[The search stopped early: more than ${MAX_COLLECTED_LINES} lines matched, so this is a partial result. Narrow it with path, glob, type or a more specific pattern.]`,
    );
  }
  for (const warning of outcome.warnings) tail.push(`Warning: ${warning}`);

  // Fit the page into the character budget, whole lines only.
  const reserve = 400 + [...head, ...tail].reduce((sum, line) => sum + line.length + 1, 0);
  let used = 0;
  let shown = skipped;
  while (shown < page.length) {
    const length = (page[shown] ?? "").length + 1;
    if (used + length > GREP_MAX_CHARS - reserve) break;
    used += length;
    shown++;
  }
  const body = page.slice(skipped, shown);
  while (body.at(-1) === "--") body.pop();
  const first = offset + 1;
  const last = offset + shown;
  if (shown < page.length) {
    tail.unshift(
      `[Output cut at ${GREP_MAX_CHARS} characters: showing ${unit} ${first}–${last} of ${all.length}. Narrow the search with path, glob or type, or page with head_limit and offset (next: offset ${last}).]`,
    );
  } else if (offset > 0 || last < all.length) {
    const more = last < all.length ? ` Next page: offset ${last}.` : "";
    tail.unshift(`[Showing ${unit} ${first}–${last} of ${all.length}.${more}]`);
  }
  return [...head, ...body, ...tail].join("\n");
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
