// Listing the files under a folder fast and cancellably, the way ripgrep would: `.gitignore` files
// at every level, `.ignore` and `.rgignore` files and `.git/info/exclude` respected, `.git` always
// skipped.
// Not for matching file contents or globs: callers filter the relative paths it hands over.

import { statSync, type Dirent, type Stats } from "node:fs";
import { lstat, readFile, readdir, realpath, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { setImmediate } from "node:timers/promises";
import ignore, { type Ignore } from "ignore";
import { isWithin } from "./paths.ts";

/** Files stat'ed between two turns of the event loop. */
const STAT_CHUNK = 256;

export interface WalkOptions {
  /** The folder to walk (absolute). Ignore rules never exclude the root itself. */
  root: string;
  signal?: AbortSignal;
  /** Include names starting with "." (`.git` is skipped regardless). Default false, like rg. */
  includeHidden?: boolean;
  /** Honour `.gitignore`, `.ignore`, `.rgignore` and `.git/info/exclude`. Default true. */
  respectIgnore?: boolean;
  /** Descend into symlinked folders and list symlinked files (cycles are detected). Default false, like rg. */
  followSymlinks?: boolean;
  /** Stop after yielding this many files. */
  limit?: number;
  /** Called with each file's relative path before it is stat'ed; false skips the file cheaply. */
  filter?: (path: string) => boolean;
  /**
   * Called with each folder's relative path and depth (1 for a folder in the root) before it is
   * read; true skips the folder and everything under it without reading it.
   */
  skipDir?: (path: string, depth: number) => boolean;
  /**
   * Outside a git repository, ignore files in the folders between this one (inclusive) and
   * `root` apply too. Inside one, those from the repository root down always apply.
   */
  ignoreBoundary?: string;
  /** Folders read at the same time. Default 16. */
  concurrency?: number;
}

export interface WalkedFile {
  /** Relative to the root, with "/" separators. */
  path: string;
  absolute: string;
  mtimeMs: number;
  size: number;
}

/**
 * The files under `root`, in no particular order. Throws the signal's reason on abort, and the
 * file system error if `root` itself cannot be read; unreadable folders below it are skipped.
 */
export async function* walkFiles(options: WalkOptions): AsyncGenerator<WalkedFile> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const channel = new Channel<WalkedFile>(1024);
  const producer = new Walker(options, signal, channel).run().then(
    () => channel.close(),
    (error: unknown) => channel.close(error),
  );
  let yielded = 0;
  try {
    for await (const file of channel) {
      yield file;
      if (++yielded >= limit) break;
    }
    options.signal?.throwIfAborted();
  } finally {
    stop.abort();
    channel.close();
    await producer;
  }
}

const GIT_EXCLUDE = join(".git", "info", "exclude");

/**
 * The ignore-file kinds in ripgrep's order of precedence. rg asks each kind's files in turn,
 * deepest first, and the first kind with a match decides: a `.ignore` at the root beats a deeper
 * `.gitignore`, whatever the depths.
 */
const KINDS = [".rgignore", ".ignore", ".gitignore", GIT_EXCLUDE] as const;

/** The patterns of one ignore file. */
interface Matcher {
  ignore: Ignore;
  /** Every pattern matches by name at any depth: testing the bare name alone decides, quickly. */
  byName: boolean;
  /** Each pattern on its own, in file order (built on first need, shared by cache-fresh copies). */
  patterns: () => readonly Pattern[];
  /** Every pattern as a negation, together: whether any of them matches the path itself. */
  any: () => Ignore;
}

interface Pattern {
  /** The pattern as a negation, which can never exclude a parent folder (see ownVerdict). */
  negated: Ignore;
  /** The original pattern re-includes (starts with "!"). */
  reincludes: boolean;
}

type Verdict = "ignore" | "include" | undefined;

/** The ignore rules of one folder, and how to turn a walk-relative path into one relative to it. */
interface Rules {
  /** The folder's ignore files, indexed like KINDS; undefined where it has none with patterns. */
  matchers: readonly (Matcher | undefined)[];
  /** Prepended to walk-relative paths (rules from above the root), or "". */
  prefix: string;
  /** Stripped from walk-relative paths (rules from below the root), or "". */
  base: string;
  parent: Rules | undefined;
}

interface Folder {
  absolute: string;
  /** Relative to the root with "/" separators; "" for the root. */
  path: string;
  /** Folder levels below the root: 0 for the root, 1 for a folder in it. */
  depth: number;
  rules: Rules | undefined;
  /** With followSymlinks: the real path, and the folder above, to recognise a link cycle. */
  real?: string;
  up?: Folder;
}

class Walker {
  readonly #options: WalkOptions;
  readonly #signal: AbortSignal;
  readonly #out: Channel<WalkedFile>;
  readonly #pending: Folder[] = [];
  #active = 0;
  #wake: (() => void) | undefined;

  constructor(options: WalkOptions, signal: AbortSignal, out: Channel<WalkedFile>) {
    this.#options = options;
    this.#signal = signal;
    this.#out = out;
  }

  async run(): Promise<void> {
    const { root } = this.#options;
    const rules = this.#respectIgnore
      ? await rulesAbove(root, this.#options.ignoreBoundary)
      : undefined;
    // Reading the root first surfaces ENOENT/ENOTDIR to the caller instead of an empty walk.
    const entries = await readdir(root, { withFileTypes: true });
    const real = this.#options.followSymlinks ? await realpath(root) : undefined;
    this.#active = 1;
    try {
      await this.#visit({ absolute: root, path: "", depth: 0, rules, real }, entries);
    } finally {
      this.#active--;
    }
    const workers = Array.from({ length: this.#options.concurrency ?? 16 }, () => this.#work());
    await Promise.all(workers);
    this.#signal.throwIfAborted();
  }

  get #respectIgnore(): boolean {
    return this.#options.respectIgnore ?? true;
  }

  async #work(): Promise<void> {
    for (;;) {
      if (this.#signal.aborted) {
        this.#wakeAll();
        return;
      }
      const folder = this.#pending.pop();
      if (!folder) {
        if (this.#active === 0) {
          this.#wakeAll();
          return;
        }
        await new Promise<void>((resolve) => {
          const previous = this.#wake;
          this.#wake = () => {
            previous?.();
            resolve();
          };
        });
        continue;
      }
      this.#active++;
      try {
        await this.#visit(folder, await readFolder(folder.absolute));
      } finally {
        this.#active--;
        this.#wakeAll();
      }
    }
  }

  #wakeAll(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #visit(folder: Folder, entries: Dirent[]): Promise<void> {
    if (this.#signal.aborted) return;
    const rules = this.#respectIgnore
      ? await folderRules(folder.absolute, folder.path, folder.rules, names(entries))
      : undefined;
    const tester = rules && freshCaches(rules);
    const prefix = folder.absolute.endsWith(sep) ? folder.absolute : folder.absolute + sep;
    const files: string[] = [];
    const depth = folder.depth + 1;
    for (const entry of entries) {
      const name = entry.name;
      if (name === ".git") continue;
      if (!this.#options.includeHidden && name.charCodeAt(0) === 46 /* "." */) continue;
      const path = folder.path === "" ? name : `${folder.path}/${name}`;
      const absolute = prefix + name;
      let kind = entryKind(entry);
      let real = folder.real === undefined ? undefined : join(folder.real, name);
      if (kind === "symlink" && this.#options.followSymlinks) {
        real = await this.#linkTarget(folder, absolute);
        kind = real === undefined ? "other" : "unknown";
      }
      if (kind === "unknown") kind = await kindOf(absolute);
      if (kind === "dir") {
        if (tester && isIgnored(tester, path, true)) continue;
        if (this.#options.skipDir?.(path, depth)) continue;
        this.#pending.push({ absolute, path, depth, rules, real, up: folder });
      } else if (kind === "file") {
        if (tester && isIgnored(tester, path, false)) continue;
        if (this.#options.filter && !this.#options.filter(path)) continue;
        files.push(path);
      }
    }
    this.#wakeAll();
    // Synchronous stats, a chunk at a time: for files already in the page cache they cost a
    // fraction of a thread-pool round trip each, and the chunks keep the event loop responsive.
    for (let start = 0; start < files.length && !this.#signal.aborted; start += STAT_CHUNK) {
      if (start > 0) await setImmediate();
      for (const path of files.slice(start, start + STAT_CHUNK)) {
        const absolute = prefix + path.slice(path.lastIndexOf("/") + 1);
        const info = statQuietly(absolute);
        if (!info) continue; // removed while we walked, or unreadable
        const full = this.#out.push(
          { path, absolute, mtimeMs: info.mtimeMs, size: info.size },
          this.#signal,
        );
        if (full) await full;
      }
    }
  }

  /** A followed link's real path; undefined for a dangling link or one back to a folder above it. */
  async #linkTarget(folder: Folder, absolute: string): Promise<string | undefined> {
    let real: string;
    try {
      real = await realpath(absolute);
    } catch {
      return undefined;
    }
    for (let above: Folder | undefined = folder; above; above = above.up) {
      if (above.real === real) return undefined; // a cycle
    }
    return real;
  }
}

type EntryKind = "file" | "dir" | "symlink" | "other" | "unknown";

function entryKind(entry: Dirent): EntryKind {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "dir";
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isFIFO() || entry.isSocket() || entry.isBlockDevice() || entry.isCharacterDevice()) {
    return "other";
  }
  return "unknown";
}

function statQuietly(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** For an entry whose type readdir did not report, or a followed link: stat decides. */
async function kindOf(absolute: string): Promise<EntryKind> {
  try {
    const info = await stat(absolute);
    return info.isFile() ? "file" : info.isDirectory() ? "dir" : "other";
  } catch {
    return "other"; // removed while we walked
  }
}

async function readFolder(absolute: string): Promise<Dirent[]> {
  try {
    return await readdir(absolute, { withFileTypes: true });
  } catch {
    return []; // unreadable (permissions) or gone: skipped, as rg does
  }
}

/**
 * The same rules with empty result caches. `ignore` caches a result for every path it is asked
 * about, and a cache of every path in a big tree costs more than the matching it saves, so each
 * folder tests its entries with caches of its own and drops them afterwards.
 */
function freshCaches(rules: Rules): Rules {
  return {
    ...rules,
    matchers: rules.matchers.map((matcher) => {
      if (!matcher) return undefined;
      let any: Ignore | undefined;
      let patterns: readonly Pattern[] | undefined;
      return {
        ...matcher,
        ignore: newIgnore().add(matcher.ignore),
        any: () => (any ??= newIgnore().add(matcher.any())),
        // Copied once per folder, not once per file tested (ownVerdict tries each in turn).
        patterns: () =>
          (patterns ??= matcher.patterns().map((pattern) => ({
            ...pattern,
            negated: newIgnore().add(pattern.negated),
          }))),
      };
    }),
    parent: rules.parent && freshCaches(rules.parent),
  };
}

/**
 * Whether a path is ignored, as ripgrep decides: for each kind of ignore file in KINDS order,
 * the deepest file of that kind with a pattern matching the path itself decides. Files inside
 * an excluded folder need no verdict of their own: the walk never enters that folder.
 */
function isIgnored(rules: Rules, path: string, isDir: boolean): boolean {
  for (let kind = 0; kind < KINDS.length; kind++) {
    for (let level: Rules | undefined = rules; level; level = level.parent) {
      const matcher = level.matchers[kind];
      if (matcher === undefined) continue;
      const verdict = ownVerdict(matcher, level.prefix + path.slice(level.base.length), isDir);
      if (verdict !== undefined) return verdict === "ignore";
    }
  }
  return false;
}

/** The last of the matcher's patterns to match the path itself (not a folder above it). */
function ownVerdict(matcher: Matcher, local: string, isDir: boolean): Verdict {
  if (matcher.byName) {
    const name = local.slice(local.lastIndexOf("/") + 1);
    return verdictOf(matcher.ignore.test(isDir ? `${name}/` : name));
  }
  const verdict = verdictOf(matcher.ignore.test(isDir ? `${local}/` : local));
  if (verdict !== "ignore") return verdict;
  // `ignore` also reports a path as excluded when a folder above it is. The walk entered that
  // folder all the same (the root, or one a file of higher precedence re-included), so only the
  // patterns matching the path itself count: each is tried alone, as a negation, which no
  // folder above can override.
  const parentEnd = local.lastIndexOf("/");
  if (parentEnd <= 0 || !matcher.ignore.test(local.slice(0, parentEnd + 1)).ignored) return verdict;
  const target = isDir ? `${local}/` : local;
  if (!matcher.any().test(target).unignored) return undefined;
  const patterns = matcher.patterns();
  for (let i = patterns.length - 1; i >= 0; i--) {
    const pattern = patterns[i];
    // The folder's own copy (freshCaches): its cache goes with the folder.
    if (pattern?.negated.test(target).unignored) {
      return pattern.reincludes ? "include" : "ignore";
    }
  }
  return undefined;
}

function verdictOf(result: { ignored: boolean; unignored: boolean }): Verdict {
  return result.ignored ? "ignore" : result.unignored ? "include" : undefined;
}

/** ripgrep matches ignore patterns case-sensitively (`ignore` defaults to ignoring case). */
function newIgnore(): Ignore {
  return ignore({ ignoreCase: false });
}

function names(entries: Dirent[]): (name: string) => boolean {
  let found: Set<string> | undefined;
  return (name) => (found ??= new Set(entries.map((entry) => entry.name))).has(name);
}

/** The rules in force inside a folder: those above it, plus its own ignore files if any. */
async function folderRules(
  absolute: string,
  path: string,
  above: Rules | undefined,
  has: (name: string) => boolean,
): Promise<Rules | undefined> {
  const wanted = (kind: string): boolean => has(kind === GIT_EXCLUDE ? ".git" : kind);
  if (!KINDS.some(wanted)) return above;
  const matchers = await matchersIn(absolute, wanted);
  if (!matchers) return above;
  const base = path === "" ? "" : `${path}/`;
  return { matchers, prefix: "", base, parent: above };
}

/** Ignore rules as they apply to one folder's entries, for listing folders without a walk. */
export interface IgnoreScope {
  /** Whether an entry is ignored; `path` is relative to the scope's root, with "/" separators. */
  ignores(path: string, isDir: boolean): boolean;
  /** The scope inside a sub-folder of this one (`path` relative to the scope's root). */
  enter(path: string): Promise<IgnoreScope>;
}

/** The ignore rules that govern `root`'s entries, as `walkFiles` would apply them. */
export async function ignoreScope(root: string, ignoreBoundary?: string): Promise<IgnoreScope> {
  const scope = (rules: Rules | undefined): IgnoreScope => ({
    ignores: (path, isDir) => (rules ? isIgnored(rules, path, isDir) : false),
    enter: async (path) =>
      scope(await folderRules(join(root, ...path.split("/")), path, rules, () => true)),
  });
  const above = await rulesAbove(root, ignoreBoundary);
  return scope(await folderRules(root, "", above, () => true));
}

/** Rules from the folders above the root that still govern it (see WalkOptions.ignoreBoundary). */
async function rulesAbove(root: string, boundary: string | undefined): Promise<Rules | undefined> {
  const repository = await repositoryRoot(root);
  // The folders above the root, up to the repository's root (or the filesystem's).
  const above: string[] = [];
  for (let folder = root; folder !== repository && dirname(folder) !== folder;) {
    folder = dirname(folder);
    above.push(folder);
  }
  let folders: string[];
  if (repository !== undefined) folders = above;
  else if (boundary !== undefined && isWithin(boundary, root)) {
    folders = above.filter((folder) => isWithin(boundary, folder));
  } else folders = [];
  let rules: Rules | undefined;
  for (const folder of folders.reverse()) {
    const matchers = await matchersIn(
      folder,
      (kind) => kind !== GIT_EXCLUDE || folder === repository,
    );
    if (!matchers) continue;
    const prefix = `${relative(folder, root).split(sep).join("/")}/`;
    // The root is walked even when these rules exclude it (like an explicit path given to rg).
    rules = { matchers, prefix, base: "", parent: rules };
  }
  return rules;
}

/**
 * Where the walker's ignore rules for a walk under `boundary` start (the repository root when
 * inside one, else `boundary`), and the ignore files with rules above that folder which ripgrep
 * may read but the walker does not: `.gitignore`, `.ignore` and `.rgignore` in every folder
 * above, and the `.git/info/exclude` of a repository above. (ripgrep 13 stops reading
 * `.gitignore` at a repository root; ripgrep 14 with --no-require-git, as cairn runs it, does
 * not: ripgrepIgnoreMode keeps only what the rg in use reads.) Grep and Glob keep rg from
 * these, or leave it aside, when there are any: a `~/.gitignore` kept as git's global excludes
 * file would otherwise hide files in every project below it.
 */
export async function ignoreFilesAbove(
  boundary: string,
): Promise<{ top: string; inRepository: boolean; files: string[] }> {
  const repository = await repositoryRoot(boundary);
  const top = repository ?? boundary;
  const candidates: string[] = [];
  for (let folder = top; dirname(folder) !== folder;) {
    folder = dirname(folder);
    for (const name of [".gitignore", ".ignore", ".rgignore", join(".git", "info", "exclude")]) {
      candidates.push(join(folder, name));
    }
  }
  const texts = await Promise.all(candidates.map(readText));
  const files = candidates.filter((_, i) => hasRules(texts[i] ?? ""));
  return { top, inRepository: repository !== undefined, files };
}

/** The nearest folder at or above `folder` that holds a `.git`, if any. */
async function repositoryRoot(folder: string): Promise<string | undefined> {
  for (let current = folder; ;) {
    if (await exists(join(current, ".git"))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Whether an ignore file's text has a pattern (not only blank lines and comments). */
function hasRules(text: string): boolean {
  return patternLines(text).length > 0;
}

/** An ignore file's pattern lines: not blank, not a comment ("#" first, as git reads it). */
function patternLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
}

/**
 * A folder's ignore files of the kinds `wanted` accepts, as matchers indexed like KINDS;
 * undefined when none of them has a pattern.
 */
async function matchersIn(
  folder: string,
  wanted: (kind: string) => boolean,
): Promise<(Matcher | undefined)[] | undefined> {
  const texts = await Promise.all(
    KINDS.map(async (kind) => (wanted(kind) ? readText(join(folder, kind)) : "")),
  );
  const matchers = texts.map(matcherFrom);
  return matchers.some((matcher) => matcher !== undefined) ? matchers : undefined;
}

/** The matcher for one ignore file's text; undefined when it has no patterns. */
function matcherFrom(text: string): Matcher | undefined {
  const lines = patternLines(text);
  if (lines.length === 0) return undefined;
  // A string is split into lines; an array element would be taken as a single pattern.
  const rules = newIgnore().add(text);
  let patterns: readonly Pattern[] | undefined;
  let any: Ignore | undefined;
  const each = (): readonly Pattern[] =>
    (patterns ??= lines.map((line) => {
      const reincludes = line.startsWith("!");
      return { negated: newIgnore().add(reincludes ? line : `!${line}`), reincludes };
    }));
  return {
    ignore: rules,
    byName: lines.every(isFloating),
    patterns: each,
    any: () => (any ??= newIgnore().add(each().map((pattern) => pattern.negated))),
  };
}

/** A pattern that matches at any depth: no "/" except a trailing one or a leading "**\/". */
function isFloating(line: string): boolean {
  const body = line
    .trim()
    .replace(/^!/, "")
    .replace(/^\*\*\//, "")
    .replace(/\/+$/, "");
  return body !== "" && !body.includes("/");
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return "";
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** A bounded queue between the walk and its consumer; a full queue pauses the walk. */
class Channel<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  #closed = false;
  #error: { value: unknown } | undefined;
  #readable: (() => void) | undefined;
  #writable: Array<() => void> = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Queues the item; when the queue is full, returns a promise that queues it once there is room. */
  push(item: T, signal: AbortSignal): Promise<void> | undefined {
    if (this.#items.length >= this.#capacity && !this.#closed && !signal.aborted) {
      return this.#pushWhenRoom(item, signal);
    }
    if (this.#closed || signal.aborted) return undefined;
    this.#items.push(item);
    this.#readable?.();
    return undefined;
  }

  async #pushWhenRoom(item: T, signal: AbortSignal): Promise<void> {
    while (this.#items.length >= this.#capacity && !this.#closed && !signal.aborted) {
      await new Promise<void>((resolve) => this.#writable.push(resolve));
    }
    await this.push(item, signal);
  }

  close(error?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    if (error !== undefined) this.#error = { value: error };
    this.#readable?.();
    for (const wake of this.#writable.splice(0)) wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.#items.length > 0) {
        const batch = this.#items.splice(0);
        for (const wake of this.#writable.splice(0)) wake();
        yield* batch;
        continue;
      }
      if (this.#closed) {
        if (this.#error) throw this.#error.value;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#readable = () => {
          this.#readable = undefined;
          resolve();
        };
      });
    }
  }
}
