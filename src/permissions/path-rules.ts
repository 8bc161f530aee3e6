// Gitignore-style path patterns of Read/Edit rules (`Read(./.env)`, `Edit(src/**)`, `//abs`,
// `~/x`): where a pattern anchors, whether it covers a path, and its ripgrep `--glob` form. Pure:
// callers pass paths already made absolute and resolved (paths.ts), and match every spelling.

import { posix } from "node:path";
import picomatch from "picomatch";

export interface PathAnchors {
  /** The working directory (a real path): `path` and `./path` are relative to it. */
  cwd: string;
  /** The user's home folder, for `~/path`. */
  home: string;
  /** darwin and win32 compare paths case-insensitively. */
  platform: NodeJS.Platform;
}

export interface PathPattern {
  /** The absolute folder the pattern is relative to ("/" separators, case-folded where needed). */
  anchor: string;
  /** The pattern below the anchor; "" covers the anchor and everything below it. */
  glob: string;
  /** No "/" inside the pattern: it matches a name at any depth below the anchor, as in gitignore. */
  floating: boolean;
}

export interface PathMatcher {
  pattern: PathPattern;
  /** Whether the pattern covers this absolute path, or a folder above it. */
  matches(absolute: string): boolean;
  /**
   * ripgrep arguments that exclude what the pattern covers from a search run in `searchRoot`, or
   * [] when the pattern does not translate exactly (the caller filters rg's results anyway).
   */
  ripgrepExclusion(searchRoot: string): string[];
}

export function caseInsensitive(platform: NodeJS.Platform): boolean {
  return platform === "darwin" || platform === "win32";
}

/**
 * Where a specifier anchors and what it matches below that folder:
 * - `//abs/path`: the filesystem root; `~/path` (or `~`): the home folder;
 * - `/path`: the rule's root (the project root for project settings, the workspace root for CLI
 *   rules), or the working directory when the rule has none;
 * - `./path` and `path`: the working directory. A pattern with no "/" but a trailing one floats:
 *   `.env` covers every `.env` below the working directory, `./.env` only the one in it.
 * A trailing "/" is dropped: a pattern naming a folder covers everything below it anyway.
 */
export function parsePathPattern(
  specifier: string,
  anchors: PathAnchors,
  root: string | undefined,
): PathPattern {
  const fold = pathFolding(anchors.platform);
  let anchor: string;
  let body: string;
  let anchored = false;
  const spec = anchors.platform === "win32" ? specifier.replaceAll("\\", "/") : specifier;
  if (spec.startsWith("//")) {
    anchor = "/";
    body = spec.slice(2);
    anchored = true;
  } else if (spec === "~" || spec.startsWith("~/")) {
    anchor = fold(anchors.home);
    body = spec.slice(2);
    anchored = true;
  } else if (spec.startsWith("/")) {
    anchor = fold(root ?? anchors.cwd);
    body = spec.slice(1);
    anchored = true;
  } else {
    anchor = fold(anchors.cwd);
    body = spec;
    if (body.startsWith("./")) anchored = true;
  }
  body = body.replace(/\/+$/, "");
  body = body === "" ? "" : posix.normalize(body).replace(/^(\.\/)+/, "");
  if (body === ".") body = "";
  // Leading ".." segments move the anchor up; they are never part of the glob.
  while (body === ".." || body.startsWith("../")) {
    anchor = posix.dirname(anchor);
    body = body.slice(3);
    anchored = true;
  }
  return { anchor, glob: body, floating: !anchored && body !== "" && !body.includes("/") };
}

export function compilePathPattern(
  specifier: string,
  anchors: PathAnchors,
  root: string | undefined,
): PathMatcher {
  const pattern = parsePathPattern(specifier, anchors, root);
  const fold = pathFolding(anchors.platform);
  const glob = pattern.floating ? `**/${pattern.glob}` : pattern.glob;
  const test = picomatch(glob === "" ? "**" : glob, {
    dot: true,
    nonegate: true,
    nocase: caseInsensitive(anchors.platform),
  });
  return {
    pattern,
    matches(absolute) {
      const rel = pathBelow(pattern.anchor, fold(absolute));
      if (rel === undefined) return false;
      if (pattern.glob === "") return true;
      if (rel === "") return false;
      // The path itself or a folder above it: a pattern naming a folder covers what it holds.
      for (let end = rel.indexOf("/"); end !== -1; end = rel.indexOf("/", end + 1)) {
        if (test(rel.slice(0, end))) return true;
      }
      return test(rel);
    },
    ripgrepExclusion(searchRoot) {
      const glob = ripgrepGlob(pattern, fold(searchRoot));
      if (glob === undefined) return [];
      return [caseInsensitive(anchors.platform) ? "--iglob" : "--glob", glob];
    },
  };
}

/**
 * The pattern as a ripgrep exclusion glob for a search run from `searchRoot` (rg's `--glob` is
 * gitignore-style, relative to where rg runs), or undefined when it does not translate exactly
 * (extglobs, escapes, an anchor outside the search root that the glob does not spell out).
 */
function ripgrepGlob(pattern: PathPattern, searchRoot: string): string | undefined {
  if (/[\\()!+@^]/.test(pattern.glob)) return undefined;
  const inside = pathBelow(searchRoot, pattern.anchor);
  if (inside !== undefined) {
    if (pattern.glob === "") return inside === "" ? undefined : `!/${inside}`;
    if (inside === "") return pattern.floating ? `!${pattern.glob}` : `!/${pattern.glob}`;
    return pattern.floating ? `!/${inside}/**/${pattern.glob}` : `!/${inside}/${pattern.glob}`;
  }
  const above = pathBelow(pattern.anchor, searchRoot);
  if (above === undefined) return undefined; // the pattern covers nothing rg would search
  if (pattern.floating) return `!${pattern.glob}`;
  // An anchored glob that spells the way down to the search root literally.
  const prefix = above === "" ? "" : `${above}/`;
  if (!pattern.glob.startsWith(prefix) || /[*?[{]/.test(prefix)) return undefined;
  const rest = pattern.glob.slice(prefix.length);
  return rest === "" ? undefined : `!/${rest}`;
}

/** The path below `anchor` ("" for the anchor itself), compared by whole components. */
export function pathBelow(anchor: string, path: string): string | undefined {
  if (anchor === "/") return path.startsWith("/") ? path.slice(1) : undefined;
  if (path === anchor) return "";
  return path.startsWith(`${anchor}/`) ? path.slice(anchor.length + 1) : undefined;
}

/** The form paths are compared in on a platform: "/" separators, no trailing "/", case-folded. */
export function pathFolding(platform: NodeJS.Platform): (path: string) => string {
  const insensitive = caseInsensitive(platform);
  return (path) => {
    let p = platform === "win32" ? path.replaceAll("\\", "/") : path;
    if (p.length > 1) p = p.replace(/\/+$/, "");
    return insensitive ? p.toLowerCase() : p;
  };
}
