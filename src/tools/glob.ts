// The Glob tool: files whose path matches a glob, newest first, with ignore files respected.
// Lists with ripgrep when there is one (much faster on huge trees), else with file-walk.ts.

import { spawn, type ChildProcessByStdio } from "node:child_process";
import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import picomatch from "picomatch";
import * as z from "zod/mini";
import { walkFiles } from "./file-walk.ts";
import { fsFailure } from "./fs-errors.ts";
import { literalParens } from "./glob-syntax.ts";
import { isErrnoCode } from "../fs/index.ts";
import { missingPathMessage } from "./path-suggestions.ts";
import { isWithin, resolvePath } from "./paths.ts";
import { findRipgrep, ripgrepIgnoreMode } from "./ripgrep.ts";
import { defineTool } from "./tool.ts";

/** Files shown to the model. */
const SHOWN = 100;
/** Matches collected (and stat'ed, for sorting) at most; beyond this the count is "more than". */
const COLLECTED = 100_000;

export interface GlobSearch {
  /** The folder to search (absolute). */
  root: string;
  pattern: string;
  signal: AbortSignal;
  /** The ripgrep executable to list files with, or undefined for the JS walker. */
  ripgrep: string | undefined;
  /** Ignore files from here down to `root` apply (see WalkOptions.ignoreBoundary). */
  ignoreBoundary?: string;
  /** Matches collected at most (default 100,000). */
  limit?: number;
  /** Files left out whatever the pattern says (absolute path): what a Read deny rule covers. */
  exclude?: (absolute: string) => boolean;
}

export interface GlobMatch {
  absolute: string;
  mtimeMs: number;
}

export interface GlobResult {
  /** Newest first; ties by path. */
  matches: GlobMatch[];
  /** True when more than `limit` files matched and only `limit` were collected. */
  capped: boolean;
}

/**
 * Files under `search.root` matching the pattern (picomatch syntax, dotfiles included, `.git`
 * and ignored files excluded), sorted newest first. A static prefix of the pattern (`src/` in
 * `src/**\/*.ts`) narrows the folder walked.
 */
export async function globFiles(search: GlobSearch): Promise<GlobResult> {
  const { root: folder, glob } = splitPattern(search.root, search.pattern);
  // "/" (or "!") names a folder, not files; picomatch throws on the empty glob that is left.
  if (glob === "" || glob === "!") return { matches: [], capped: false };
  const limit = search.limit ?? COLLECTED;
  const pattern = picomatch(glob, { dot: true });
  const exclude = search.exclude;
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  const matches = exclude ? (path: string) => pattern(path) && !exclude(prefix + path) : pattern;
  let found: GlobMatch[] | undefined;
  const ignoreMode = search.ripgrep
    ? await ripgrepIgnoreMode(folder, search.ignoreBoundary, search.ripgrep)
    : "walker";
  if (search.ripgrep && ignoreMode !== "walker") {
    const listing = { ripgrep: search.ripgrep, noIgnoreParent: ignoreMode === "no-parent" };
    found = await listWithRipgrep(listing, folder, glob, search.signal, matches, limit + 1);
  }
  if (!found) {
    found = [];
    try {
      for await (const file of walkFiles({
        root: folder,
        signal: search.signal,
        includeHidden: true,
        filter: matches,
        limit: limit + 1,
        ...(search.ignoreBoundary === undefined ? {} : { ignoreBoundary: search.ignoreBoundary }),
      })) {
        found.push({ absolute: file.absolute, mtimeMs: file.mtimeMs });
      }
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) throw error;
    }
  }
  const capped = found.length > limit;
  if (capped) found.length = limit;
  found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.absolute < b.absolute ? -1 : 1));
  return { matches: found, capped };
}

/** The folder to walk (root plus the pattern's literal leading folders) and the rest of the pattern. */
function splitPattern(root: string, pattern: string): { root: string; glob: string } {
  const scanned = picomatch.scan(pattern);
  // "!src/*.ts" means every file but those: scan's base and glob would drop the "!" and list
  // exactly the files it excludes.
  if (scanned.negated) return { root, glob: literalParens(pattern) };
  if (!scanned.isGlob) {
    // A literal path: walk its folder for its name.
    const literal = scanned.base || pattern;
    return { root: resolve(root, posix.dirname(literal)), glob: posix.basename(literal) };
  }
  // The base stops before the first parenthesis, so only the glob part needs them made literal.
  return {
    root: scanned.base ? resolve(root, scanned.base) : root,
    glob: literalParens(scanned.glob),
  };
}

/**
 * The files rg lists that `keep` accepts (given paths relative to `folder`), at most `limit`, or
 * undefined when rg failed before listing anything (the caller falls back to the JS walker).
 * Each file is stat'ed as its path arrives, while rg is still walking.
 */
async function listWithRipgrep(
  { ripgrep, noIgnoreParent }: { ripgrep: string; noIgnoreParent: boolean },
  folder: string,
  glob: string,
  signal: AbortSignal,
  keep: (path: string) => boolean,
  limit: number,
): Promise<GlobMatch[] | undefined> {
  const args = [
    ...globListingArgs(glob),
    // One core fewer than rg would take: this thread stats every path rg lists, as rg lists it,
    // and on a small machine rg's walkers would otherwise take turns with it.
    "--threads",
    String(Math.max(1, Math.min(12, availableParallelism() - 1))),
    ...(noIgnoreParent ? ["--no-ignore-parent"] : []),
  ];
  const keepOutsideGit = (path: string) =>
    !path.startsWith(".git/") && !path.includes("/.git/") && keep(path);
  return new Promise((resolvePromise, reject) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(ripgrep, args, { cwd: folder, signal, stdio: ["ignore", "pipe", "pipe"] });
    } catch {
      // spawn throws (instead of emitting "error") when the folder is a file, as in the pattern
      // "README.md/*": the walker then reports it as nothing to list.
      resolvePromise(undefined);
      return;
    }
    const found: GlobMatch[] = [];
    const prefix = folder.endsWith(sep) ? folder : folder + sep;
    const take = (path: string) => {
      if (found.length >= limit || !keepOutsideGit(path)) return;
      const absolute = prefix + path;
      const mtimeMs = mtimeOf(absolute);
      if (mtimeMs !== undefined) found.push({ absolute, mtimeMs });
    };
    let pending = "";
    let listedAny = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      listedAny = true;
      const parts = (pending + chunk).split("\0");
      pending = parts.pop() ?? "";
      for (const path of parts) take(path);
      if (found.length >= limit) child.kill();
    });
    child.stderr.resume();
    child.on("error", () => {
      if (signal.aborted) reject(signal.reason as Error);
      else resolvePromise(undefined); // not executable after all: use the walker
    });
    child.on("close", (code) => {
      if (signal.aborted) return reject(signal.reason as Error);
      if (pending) take(pending);
      // 1: nothing listed. 2 with output: some folders were unreadable, the rest is fine.
      if (code === 0 || code === 1 || listedAny) resolvePromise(found);
      else resolvePromise(undefined);
    });
  });
}

/**
 * rg's arguments to list the files a glob (below the searched folder) may match; exported for
 * the benchmark, which times rg with the same ones.
 */
export function globListingArgs(glob: string): string[] {
  const args = [
    "--files",
    "--hidden",
    "--no-config",
    "--no-require-git",
    "--no-ignore-global",
    "--null",
  ];
  // Not --glob: rg's globs override ignore files (a gitignored file that matches is listed). A
  // file type does not, and matches names only: the pattern's last part, when rg reads it the
  // way picomatch does, lets rg skip most files; picomatch has the final say on whole paths.
  const name = namePattern(glob);
  if (name !== undefined) args.push("--type-add", `glob:${name}`, "--type", "glob");
  // Excluding .git with a glob slows rg down on every path; when a name filter already drops
  // nearly all of .git, the few left are dropped here instead.
  else args.push("--glob", "!.git");
  return args;
}

/** The pattern's last path part, if it is a plain name glob (no "**", extglob or class). */
function namePattern(glob: string): string | undefined {
  const name = glob.slice(glob.lastIndexOf("/") + 1);
  // A negated pattern keeps the files whose names do not match.
  if (glob.startsWith("!")) return undefined;
  if (name === "" || name === "*" || name.includes("**")) return undefined;
  // No bracket class either: picomatch also matches a name equal to the glob ("[id].tsx", a
  // Next.js route file), which rg's class reading of it would filter out.
  if (/[()|!:\\[]/.test(name)) return undefined;
  const balanced = (text: string, open: string, close: string) =>
    text.split(open).length === text.split(close).length;
  // A brace or bracket opened before the last "/" would make the cut meaningless.
  if (!balanced(glob, "{", "}") || !balanced(name, "{", "}") || !balanced(name, "[", "]")) {
    return undefined;
  }
  return name;
}

/**
 * A file's mtime, or undefined if it is gone or unreadable. Synchronous: for a file in the page
 * cache a stat costs a fraction of a thread-pool round trip, and rg keeps walking meanwhile.
 */
function mtimeOf(absolute: string): number | undefined {
  try {
    return statSync(absolute, { throwIfNoEntry: false })?.mtimeMs;
  } catch {
    return undefined;
  }
}

export const globTool = defineTool({
  name: "Glob",
  description:
    'Find files by path pattern, e.g. "**/*.ts" or "src/**/test_*.py" ("*" stays within one folder, "**" crosses folders). Returns paths newest first, at most 100. Skips .git and files ignored by .gitignore/.ignore. Use Grep to search file contents.',
  input: z.object({
    pattern: z.string().check(z.minLength(1), z.describe("Glob pattern, relative to path")),
    path: z
      .optional(z.string())
      .check(z.describe("Folder to search in (default: the workspace root)")),
  }),
  readOnly: true,
  describeAccess: (input) => ({ kind: "read", paths: [searchedFolder(input.path, input.pattern)] }),
  async run(input, ctx) {
    const { workspace } = ctx.session;
    const folder = await resolvePath(workspace, input.path ?? ".", ctx.cwd);
    try {
      const info = await stat(folder.real);
      if (!info.isDirectory()) {
        return {
          isError: true,
          content: `${folder.display} is a file, not a folder. Pass a folder as path (or use Read for the file).`,
        };
      }
    } catch (error) {
      if (isErrnoCode(error, "ENOENT", "ENOTDIR")) {
        return {
          isError: true,
          content: await missingPathMessage(folder.absolute, folder.display),
        };
      }
      return fsFailure(error, "search", folder.display);
    }
    const result = await globFiles({
      root: folder.real,
      pattern: input.pattern,
      signal: ctx.signal,
      ripgrep: findRipgrep(process.env),
      ignoreBoundary: workspace.root,
      exclude: ctx.session.readDeny.covers,
    });
    const shown = result.matches
      .slice(0, SHOWN)
      .map((match) => displayPath(workspace.root, match.absolute));
    if (shown.length === 0) {
      return {
        content: `No files match ${JSON.stringify(input.pattern)} in ${folder.display} (ignored files and .git are not searched).`,
      };
    }
    const hidden = result.matches.length - shown.length;
    const lines = [...shown];
    if (result.capped) {
      lines.push(`(truncated: more than ${COLLECTED - SHOWN} more; narrow the pattern)`);
    } else if (hidden > 0) lines.push(`(truncated: ${hidden} more; narrow the pattern)`);
    return { content: lines.join("\n") };
  },
});

/**
 * The folder a call reads: `path`, unless the pattern itself leads out of it (an absolute
 * pattern, or one starting with ".."), in which case the permission check must see where.
 */
function searchedFolder(path: string | undefined, pattern: string): string {
  const base = picomatch.scan(pattern).base;
  const escapes = posix.isAbsolute(base) || base.split("/").includes("..");
  if (!escapes) return path ?? ".";
  return posix.isAbsolute(base) ? base : posix.join(path ?? ".", base);
}

function displayPath(root: string, absolute: string): string {
  if (!isAbsolute(absolute) || !isWithin(root, absolute)) return absolute;
  return relative(root, absolute).split("\\").join("/");
}
