// Grep's pure-JS backend for machines without ripgrep: walks like rg (file-walk.ts), filters by
// glob and type like `rg --glob/--type`, and matches with the pattern translated to a RegExp.

import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import picomatch from "picomatch";
import { walkFiles } from "./file-walk.ts";
import { ripgrepGlob } from "./glob-syntax.ts";
import type { GrepFile, GrepLine, GrepOutcome, GrepSearch } from "./grep.ts";
import { translateRustRegex } from "./grep-regex.ts";
import { isWithin } from "./paths.ts";
import { createDeadlineRunner } from "./regex-deadline.ts";
import { bomEncoding } from "./text-file.ts";

const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_WARNINGS = 5;
/**
 * How long matching one batch of files may take. V8's regex engine backtracks, so a pattern like
 * `(a+)+$` or `(\w+\s*)+\{` can take hours on a few lines (and would hang the agent); ordinary
 * patterns match megabytes in milliseconds.
 */
const MATCH_TIMEOUT_MS = 2000;
/**
 * Files read, then searched under one deadline: each deadline starts a watchdog thread (0.1–0.3
 * ms), too many for one per file; and at most a few MB are held at once.
 */
const BATCH_FILES = 1024;
const BATCH_BYTES = 4 * 1024 * 1024;

/** A batch's deadline: 100 ms more per MB, for a batch that is one big file. */
function matchTimeoutMs(bytes: number): number {
  return MATCH_TIMEOUT_MS + Math.ceil(bytes / 10_000);
}

/** ripgrep 14's definitions of the common types (`rg --type-list`). */
export const FILE_TYPES: Readonly<Record<string, readonly string[]>> = {
  asm: ["*.S", "*.asm", "*.s"],
  c: ["*.[chH]", "*.[chH].in", "*.cats"],
  clojure: ["*.clj", "*.cljc", "*.cljs", "*.cljx"],
  cmake: ["*.cmake", "CMakeLists.txt"],
  config: ["*.cfg", "*.conf", "*.config", "*.ini"],
  cpp: [
    "*.[ChH]",
    "*.[ChH].in",
    "*.[ch]pp",
    "*.[ch]pp.in",
    "*.[ch]xx",
    "*.[ch]xx.in",
    "*.cc",
    "*.cc.in",
    "*.hh",
    "*.hh.in",
    "*.inl",
  ],
  cs: ["*.cs"],
  csharp: ["*.cs"],
  css: ["*.css", "*.scss"],
  csv: ["*.csv"],
  dart: ["*.dart"],
  diff: ["*.diff", "*.patch"],
  docker: ["*Dockerfile*"],
  elixir: ["*.eex", "*.ex", "*.exs", "*.heex", "*.leex"],
  elm: ["*.elm"],
  erlang: ["*.erl", "*.hrl"],
  go: ["*.go"],
  gradle: ["*.gradle", "*.gradle.kts"],
  graphql: ["*.graphql", "*.graphqls"],
  groovy: ["*.gradle", "*.groovy"],
  h: ["*.h", "*.hpp"],
  haskell: ["*.c2hs", "*.cpphs", "*.hs", "*.hsc", "*.lhs"],
  html: ["*.ejs", "*.htm", "*.html"],
  java: ["*.java", "*.jsp", "*.jspx", "*.properties"],
  js: ["*.cjs", "*.js", "*.jsx", "*.mjs", "*.vue"],
  json: ["*.json", "composer.lock", "*.sarif"],
  jsonl: ["*.jsonl"],
  julia: ["*.jl"],
  jupyter: ["*.ipynb", "*.jpynb"],
  kotlin: ["*.kt", "*.kts"],
  less: ["*.less"],
  lock: ["*.lock", "package-lock.json"],
  log: ["*.log"],
  lua: ["*.lua"],
  make: [
    "*.mak",
    "*.mk",
    "[Gg][Nn][Uu]makefile",
    "[Gg][Nn][Uu]makefile.am",
    "[Gg][Nn][Uu]makefile.in",
    "[Mm]akefile",
    "[Mm]akefile.am",
    "[Mm]akefile.in",
  ],
  markdown: ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mdx", "*.mkd", "*.mkdn"],
  md: ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mdx", "*.mkd", "*.mkdn"],
  nix: ["*.nix"],
  objc: ["*.h", "*.m"],
  ocaml: ["*.ml", "*.mli", "*.mll", "*.mly"],
  perl: ["*.PL", "*.perl", "*.pl", "*.plh", "*.plx", "*.pm", "*.t"],
  php: ["*.php", "*.php3", "*.php4", "*.php5", "*.php7", "*.php8", "*.pht", "*.phtml"],
  protobuf: ["*.proto"],
  py: ["*.py", "*.pyi"],
  r: ["*.R", "*.Rmd", "*.Rnw", "*.r"],
  rst: ["*.rst"],
  ruby: ["*.gemspec", "*.rb", "*.rbw", ".irbrc", "Gemfile", "Rakefile", "config.ru"],
  rust: ["*.rs"],
  sass: ["*.sass", "*.scss"],
  scala: ["*.sbt", "*.scala"],
  sh: ["*.bash", "*.bashrc", "*.csh", "*.cshrc", "*.ksh", "*.kshrc", "*.sh", "*.tcsh", "*.zsh"],
  sql: ["*.psql", "*.sql"],
  svelte: ["*.svelte"],
  svg: ["*.svg"],
  swift: ["*.swift"],
  tf: ["*.tf", "*.tfvars"],
  toml: ["*.toml", "Cargo.lock"],
  ts: ["*.cts", "*.mts", "*.ts", "*.tsx"],
  txt: ["*.txt"],
  vue: ["*.vue"],
  xml: [
    "*.dtd",
    "*.rng",
    "*.sch",
    "*.xhtml",
    "*.xjb",
    "*.xml",
    "*.xml.dist",
    "*.xsd",
    "*.xsl",
    "*.xslt",
  ],
  yaml: ["*.yaml", "*.yml"],
  zig: ["*.zig"],
};

/**
 * The search, as ripgrep would do it. Known differences (regex ones are in grep-regex.ts): a
 * --glob does not bring back a gitignored file; .rgignore is not read; a file with a NUL byte
 * anywhere is binary (rg decides as it reads, so it may report matches before a late NUL); files
 * over 64 MB are skipped with a warning; only the common file types are known; empty matches in
 * multiline count mode may be counted differently. Matching runs under a deadline
 * (MATCH_TIMEOUT_MS per batch of files): a pattern that backtracks catastrophically ends the
 * search with an error instead of hanging it.
 */
export async function searchWithJs(search: GrepSearch, signal: AbortSignal): Promise<GrepOutcome> {
  const regex = translateRustRegex(search.pattern, {
    caseInsensitive: search.caseInsensitive,
    multiline: search.multiline,
  });
  if (!regex.ok) return { type: "error", kind: "pattern", message: regex.message };

  let typeMatches: ((name: string) => boolean) | undefined;
  if (search.type !== undefined) {
    const globs = FILE_TYPES[search.type];
    if (globs === undefined) {
      return {
        type: "error",
        kind: "type",
        message: `unrecognized file type: ${search.type} (ripgrep is not installed; the JS fallback knows ${Object.keys(FILE_TYPES).join(", ")})`,
      };
    }
    typeMatches = picomatch([...globs], { dot: true });
  }
  const overrides = search.glob === undefined ? undefined : compileOverride(search.glob);

  const matcher: Matcher = { line: regex.line, whole: regex.whole, search };
  const files: GrepFile[] = [];
  const warnings: string[] = [];
  const warn = (message: string): void => {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
  };
  let collected = 0;
  let incomplete = false;
  const runWithin = createDeadlineRunner();

  /**
   * Searches the files read, in order, under one deadline (see MATCH_TIMEOUT_MS): "more" to go
   * on, "enough" once enough lines are collected to stop, or the file being matched at the
   * deadline, whose pattern backtracks catastrophically.
   */
  const searchBatch = (batch: readonly LoadedFile[]): "more" | "enough" | TimedOut => {
    let bytes = 0;
    for (const { file } of batch) if (file.type === "read") bytes += file.bytes.length;
    const timeoutMs = matchTimeoutMs(bytes);
    let current = "";
    const result = runWithin(() => {
      for (const { path, explicit, file } of batch) {
        current = path;
        if (!consider(path, explicit, file)) return "enough";
      }
      return "more";
    }, timeoutMs);
    if (result.type === "done") return result.value;
    return { path: current, timeoutMs };
  };

  /** Searches one file read; false once enough lines are collected to stop. */
  const consider = (path: string, explicit: boolean, file: SmallFile): boolean => {
    if (file.type === "failed") {
      warn(`${path}: ${file.message}`);
      return true;
    }
    if (file.type === "too big") {
      warn(
        `${path}: skipped, larger than ${MAX_FILE_BYTES / 1024 / 1024} MB (ripgrep would search it)`,
      );
      return true;
    }
    const found = searchBytes(file.bytes, explicit, matcher);
    if (found === undefined) return true;
    files.push({ path, mtimeMs: file.mtimeMs, ...found });
    collected += found.lines.length;
    if (collected > search.maxLines) {
      incomplete = true;
      return false;
    }
    return true;
  };

  const tooSlow = ({ path, timeoutMs }: TimedOut): GrepOutcome => {
    const shown = isWithin(search.root, path) ? relative(search.root, path) || path : path;
    return {
      type: "error",
      kind: "other",
      message:
        `matching the pattern took more than ${(timeoutMs / 1000).toFixed(1)} s (stopped in ` +
        `${shown}): ripgrep is not installed, and the JS fallback's regex engine backtracks, ` +
        "so nested or overlapping repetition such as (a+)+ or (\\w+\\s?)*$ can take forever. " +
        "Simplify the pattern, or narrow the search with path, glob or type.",
    };
  };

  try {
    const info = await stat(search.target);
    if (!info.isDirectory()) {
      // An explicit file is searched whatever the filters say, binary or not, as rg does; only
      // a Read deny rule keeps it out.
      if (search.exclude?.(search.target) !== true) {
        const file = readSmallFile(search.target);
        const result = searchBatch([{ path: search.target, explicit: true, file }]);
        if (typeof result === "object") return tooSlow(result);
      }
      return { type: "done", files, incomplete, warnings };
    }
    const prefix = globPrefix(search.root, search.target);
    const targetPrefix = search.target.endsWith(sep) ? search.target : search.target + sep;
    const candidates: string[] = [];
    // The filter sees each file the walk keeps, before the walker would stat it. Collecting the
    // paths here and answering false skips that stat: reading the file gives its size and mtime
    // anyway, and 50k stats cost more than the whole walk.
    const collect = (path: string): boolean => {
      if (
        (typeMatches === undefined || typeMatches(basename(path))) &&
        (overrides === undefined || overrides.allows(prefix, path)) &&
        (search.exclude === undefined || !search.exclude(targetPrefix + path))
      ) {
        candidates.push(path);
      }
      return false;
    };
    for await (const _ of walkFiles({
      root: search.target,
      signal,
      includeHidden: true,
      ignoreBoundary: search.root,
      filter: collect,
    })) {
      // Nothing is yielded: `collect` keeps every file.
    }
    // Files are read in batches, each then searched under one deadline: a deadline per file
    // would cost a watchdog thread per file.
    let batch: LoadedFile[] = [];
    let batchBytes = 0;
    for (let index = 0; index <= candidates.length; index++) {
      const path = candidates[index];
      if (
        batch.length > 0 &&
        (path === undefined || batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES)
      ) {
        const result = searchBatch(batch);
        if (result === "enough") break;
        if (result !== "more") return tooSlow(result);
        batch = [];
        batchBytes = 0;
      }
      if (path === undefined) break;
      if (index % 256 === 0) {
        // Let an abort (and other I/O) through between batches of synchronous reads.
        await yieldToEventLoop();
        signal.throwIfAborted();
      }
      const absolute = join(search.target, path);
      const file = readSmallFile(absolute);
      if (file.type === "read") batchBytes += file.bytes.length;
      batch.push({ path: absolute, explicit: false, file });
    }
  } catch (error) {
    if (signal.aborted) {
      return { type: "error", kind: "other", message: "the search was cancelled" };
    }
    return {
      type: "error",
      kind: "other",
      message: error instanceof Error ? error.message : String(error),
    };
  }
  return { type: "done", files, incomplete, warnings };
}

/** The file being searched when a batch's deadline passed, and the deadline. */
interface TimedOut {
  path: string;
  timeoutMs: number;
}

interface LoadedFile {
  path: string;
  explicit: boolean;
  file: SmallFile;
}

type SmallFile =
  | { type: "read"; bytes: Buffer; mtimeMs: number }
  | { type: "too big" }
  | { type: "failed"; message: string };

/**
 * The file's bytes and mtime. Synchronous: for many small files this is several times faster
 * than fs.promises (one round trip to the thread pool per system call there).
 */
function readSmallFile(path: string): SmallFile {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const info = fstatSync(fd);
    if (info.size > MAX_FILE_BYTES) return { type: "too big" };
    return { type: "read", bytes: readFileSync(fd), mtimeMs: info.mtimeMs };
  } catch (error) {
    return { type: "failed", message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The `glob` of a search as a test on absolute file paths below its target, with the same
 * meaning as in the JS search (and in rg for files rg does not ignore); undefined without a glob.
 */
export function globTest(search: GrepSearch): ((absolute: string) => boolean) | undefined {
  if (search.glob === undefined) return undefined;
  const override = compileOverride(search.glob);
  const prefix = globPrefix(search.root, search.target);
  return (absolute) => {
    const rel = relative(search.target, absolute).split(sep).join("/");
    // An explicit file target is searched whatever the glob says, as rg does.
    return rel === "" || override.allows(prefix, rel);
  };
}

/** How `--glob` paths are written: relative to the workspace root (rg's working directory). */
function globPrefix(root: string, target: string): string {
  if (!isWithin(root, target)) return `${target}/`;
  const rel = relative(root, target).split("\\").join("/");
  return rel === "" ? "" : `${rel}/`;
}

interface Override {
  /** Whether a walked file (relative to the search folder) passes the glob. */
  allows(prefix: string, path: string): boolean;
}

/**
 * One `rg --glob`, with gitignore semantics: `!` excludes; a glob without "/" matches the name
 * at any depth, one with "/" the path from the workspace root; a trailing "/" only folders. An
 * including glob drops the files it does not match; an excluding one also prunes folders.
 */
function compileOverride(glob: string): Override {
  let pattern = glob;
  const exclude = pattern.startsWith("!");
  if (exclude) pattern = pattern.slice(1);
  const dirOnly = pattern.endsWith("/");
  if (dirOnly) pattern = pattern.slice(0, -1);
  const anchored = pattern.includes("/");
  if (pattern.startsWith("/")) pattern = pattern.slice(1);
  // In rg (and gitignore) "a/**" matches what is inside a, never a file named "a"; picomatch's
  // globstar also matches nothing at all there.
  if (pattern.endsWith("/**")) pattern += "/*";
  const test = picomatch(ripgrepGlob(pattern), { dot: true });
  const matches = (full: string, name: string, isDir: boolean): boolean =>
    (!dirOnly || isDir) && test(anchored ? full : name);
  const prunedFolders = new Map<string, boolean>();
  return {
    allows(prefix, path) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      const hit = matches(prefix + path, name, false);
      if (!exclude) return hit;
      if (hit) return false;
      // Folders below the search root that the glob excludes are not entered by rg.
      for (let end = path.indexOf("/"); end !== -1; end = path.indexOf("/", end + 1)) {
        const folder = path.slice(0, end);
        let pruned = prunedFolders.get(folder);
        if (pruned === undefined) {
          pruned = matches(prefix + folder, folder.slice(folder.lastIndexOf("/") + 1), true);
          prunedFolders.set(folder, pruned);
        }
        if (pruned) return false;
      }
      return true;
    },
  };
}

interface Matcher {
  line: RegExp;
  whole: RegExp;
  search: GrepSearch;
}

/** The file's matches for the search's mode, or undefined when it has none (or is binary). */
function searchBytes(
  bytes: Buffer,
  explicit: boolean,
  matcher: Matcher,
): Pick<GrepFile, "count" | "lines"> | undefined {
  const text = decode(bytes, explicit);
  if (text === undefined) return undefined;
  return matcher.search.multiline ? searchMultiline(text, matcher) : searchLines(text, matcher);
}

function decode(bytes: Buffer, explicit: boolean): string | undefined {
  const bom = bomEncoding(bytes);
  if (bom === "utf16le" || bom === "utf16be") {
    const body = Buffer.from(bytes.subarray(2, bytes.length - (bytes.length % 2)));
    return (bom === "utf16be" ? body.swap16() : body).toString("utf16le");
  }
  if (!explicit && bytes.includes(0)) return undefined;
  return (bom === "utf8" ? bytes.subarray(3) : bytes).toString("utf8");
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function searchLines(
  text: string,
  { line, whole, search }: Matcher,
): Pick<GrepFile, "count" | "lines"> | undefined {
  // Cheap rejection: a line that matches on its own also matches within the whole text.
  if (!whole.test(text)) return undefined;
  const lines = splitLines(text);
  if (search.mode === "files_with_matches") {
    return lines.some((l) => line.test(l)) ? { count: 1, lines: [] } : undefined;
  }
  const matched: number[] = [];
  lines.forEach((l, index) => {
    if (line.test(l)) matched.push(index);
  });
  if (matched.length === 0) return undefined;
  if (search.mode === "count") return { count: matched.length, lines: [] };
  return { count: matched.length, lines: withContext(lines, matched, search) };
}

function searchMultiline(
  text: string,
  { whole, search }: Matcher,
): Pick<GrepFile, "count" | "lines"> | undefined {
  // ripgrep reports nothing in an empty file, not even an empty match (`^$`); and an empty file
  // has no line to show one on.
  if (text === "") return undefined;
  const spans: Array<[number, number]> = [];
  whole.lastIndex = 0;
  let lastEnd = -1;
  for (let found = whole.exec(text); found !== null; found = whole.exec(text)) {
    const start = found.index;
    const end = start + found[0].length;
    if (insideSurrogatePair(text, start)) {
      // V8 tries positions between the halves of an astral character even in `u` mode; a
      // zero-width assertion can match there, which Rust (matching code points) never does.
      whole.lastIndex = start + 1;
      continue;
    }
    // ripgrep reports no match after the final line break.
    if (start === text.length && start > 0 && text.endsWith("\n")) break;
    if (start === end) {
      whole.lastIndex = start + ((text.codePointAt(start) ?? 0) > 0xffff ? 2 : 1);
      // Like Rust's iterator: no empty match right where the previous match ended.
      if (start === lastEnd) continue;
    }
    spans.push([start, end]);
    lastEnd = end;
    if (search.mode === "files_with_matches") break;
  }
  if (spans.length === 0) return undefined;
  if (search.mode !== "content") return { count: spans.length, lines: [] };

  const lines = splitLines(text);
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.length + 1;
  }
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const matched = new Set<number>();
  for (const [start, end] of spans) {
    const last = lineOf(Math.max(start, end - 1));
    for (let index = lineOf(start); index <= last; index++) matched.add(index);
  }
  const sorted = [...matched].sort((a, b) => a - b);
  return { count: spans.length, lines: withContext(lines, sorted, search) };
}

function insideSurrogatePair(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  const after = text.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** Matching lines (0-based, ascending) with their -B/-A context, as rg prints them. */
function withContext(
  lines: readonly string[],
  matched: readonly number[],
  search: GrepSearch,
): GrepLine[] {
  const marks = new Uint8Array(lines.length); // 0 hidden, 1 context, 2 match
  for (const index of matched) {
    const from = Math.max(0, index - search.before);
    const to = Math.min(lines.length - 1, index + search.after);
    for (let i = from; i <= to; i++) if (marks[i] === 0) marks[i] = 1;
    marks[index] = 2;
  }
  const out: GrepLine[] = [];
  marks.forEach((mark, index) => {
    if (mark !== 0) out.push({ number: index + 1, text: lines[index] ?? "", match: mark === 2 });
  });
  return out;
}
