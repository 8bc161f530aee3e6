// Recognises removals no rule or mode may approve without asking: `rm`/`rmdir` (or
// `find -delete`) of `/`, a top-level directory, the home directory, a workspace root or any
// parent of those, including through a glob or variable that could expand to one of them.

import { posix } from "node:path";
import type { SimpleCommand, Word } from "./types.ts";

export interface RemovalContext {
  home: string;
  workspaceRoots: readonly string[];
  /** Where relative paths start; defaults to the first workspace root. */
  cwd?: string;
}

const removers = new Set(["rm", "rmdir"]);

/** True when `cmd` (already unwrapped from timeout, sudo, xargs…) may remove a critical path. */
export function criticalRemoval(cmd: SimpleCommand, context: RemovalContext): boolean {
  const [program, ...args] = cmd.argv;
  if (!program) return false;
  const cwd = context.cwd ?? context.workspaceRoots[0] ?? "/";
  const critical = criticalPaths(context);
  const isCritical = (word: Word): boolean => targetIsCritical(word, cwd, context.home, critical);

  const name = program.kind === "literal" ? posix.basename(program.value) : undefined;
  if (name === "find") {
    if (!args.some((a) => a.kind === "literal" && a.value === "-delete")) return false;
    const starts = findStartPoints(args);
    return starts.length === 0
      ? isCritical({ kind: "literal", value: "." })
      : starts.some(isCritical);
  }
  // A program only known at run time could be rm: judge its operands as if it were.
  if (name !== undefined && !removers.has(name)) return false;
  return operands(args).some(isCritical);
}

/** Absolute paths whose removal is critical, besides `/` and every top-level directory. */
function criticalPaths(context: RemovalContext): Set<string> {
  const paths = new Set<string>(["/"]);
  for (const start of [context.home, ...context.workspaceRoots]) {
    for (let p = posix.resolve(start); ; p = posix.dirname(p)) {
      paths.add(p);
      if (p === "/") break;
    }
  }
  return paths;
}

function operands(args: readonly Word[]): Word[] {
  const out: Word[] = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && arg.kind === "literal") {
      if (arg.value === "--") {
        optionsEnded = true;
        continue;
      }
      if (arg.value.startsWith("-") && arg.value.length > 1) continue;
    }
    out.push(arg);
  }
  return out;
}

function findStartPoints(args: readonly Word[]): Word[] {
  const starts: Word[] = [];
  for (const arg of args) {
    if (arg.kind === "literal" && /^[-(!]/.test(arg.value)) break;
    starts.push(arg);
  }
  return starts;
}

function targetIsCritical(word: Word, cwd: string, home: string, critical: Set<string>): boolean {
  if (word.kind === "literal") {
    if (word.value === "") return false;
    return isCriticalPath(posix.resolve(cwd, word.value), critical);
  }
  const pattern = pathPattern(word.text);
  if (pattern === "unknown") return true;
  const base = pattern.from === "root" ? [] : splitPath(pattern.from === "home" ? home : cwd);
  const segments: Segment[] = base.map((literal) => ({ literal }));
  for (const segment of pattern.segments) {
    if (segment.literal === "" || segment.literal === ".") continue;
    if (segment.literal === "..") {
      if (segments.length > 0 && segments[segments.length - 1]?.glob) return true;
      segments.pop();
      continue;
    }
    // A glob that can match `..` climbs out of wherever it is. Bash globs never produce `.` or
    // `..` unless the pattern itself starts with a dot (`.*`).
    if (segment.glob && segment.dotFirst && segment.glob.test("..")) return true;
    segments.push(segment);
  }
  if (patternHitsCritical(segments, critical)) return true;
  // `dir/*` removes everything in dir: as bad as removing dir when dir is critical.
  const last = segments[segments.length - 1];
  return last?.glob !== undefined && patternHitsCritical(segments.slice(0, -1), critical);
}

function isCriticalPath(path: string, critical: Set<string>): boolean {
  return critical.has(path) || splitPath(path).length <= 1;
}

function splitPath(path: string): string[] {
  return posix.resolve(path).split("/").filter(Boolean);
}

interface Segment {
  literal?: string;
  glob?: RegExp;
  /** The pattern starts with a literal dot, so it may match `..`. */
  dotFirst?: boolean;
}

function patternHitsCritical(segments: readonly Segment[], critical: Set<string>): boolean {
  if (segments.length <= 1) return true;
  for (const path of critical) {
    const parts = splitPath(path);
    if (parts.length !== segments.length) continue;
    if (parts.every((part, i) => segmentMatches(segments[i] as Segment, part))) return true;
  }
  return false;
}

function segmentMatches(segment: Segment, part: string): boolean {
  return segment.glob ? segment.glob.test(part) : segment.literal === part;
}

interface PathPattern {
  from: "root" | "home" | "cwd";
  segments: Segment[];
}

/**
 * Reads a word's source text as a path whose only run-time parts are globs. Anything that
 * expands to arbitrary text (`$X`, `$(…)`, backticks, braces, `~user`) gives "unknown": it could
 * be `/`, or contain `..`.
 */
function pathPattern(text: string): PathPattern | "unknown" {
  let from: PathPattern["from"] = "cwd";
  let i = 0;
  if (text.startsWith("~")) {
    if (text.length > 1 && text[1] !== "/") return "unknown";
    from = "home";
    i = 1;
  } else if (text.startsWith("/")) {
    from = "root";
  }
  const segments: { source: string; glob: boolean }[] = [{ source: "", glob: false }];
  const current = (): { source: string; glob: boolean } =>
    segments[segments.length - 1] as { source: string; glob: boolean };
  const literal = (c: string): void => {
    current().source += escapeRegex(c);
  };
  while (i < text.length) {
    const c = text[i] as string;
    if (c === "/") {
      segments.push({ source: "", glob: false });
    } else if (c === "$" || c === "`" || c === "{") {
      return "unknown";
    } else if (c === "\\") {
      i++;
      if (i < text.length) literal(text[i] as string);
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return "unknown";
      for (const q of text.slice(i + 1, end)) {
        if (q === "/") segments.push({ source: "", glob: false });
        else literal(q);
      }
      i = end;
    } else if (c === '"') {
      const end = closingQuote(text, i + 1);
      if (end < 0) return "unknown";
      const inner = text.slice(i + 1, end);
      if (/[$`]/.test(inner)) return "unknown";
      for (const q of inner.replace(/\\(["\\])/g, "$1")) {
        if (q === "/") segments.push({ source: "", glob: false });
        else literal(q);
      }
      i = end;
    } else if (c === "*") {
      current().source += "[^/]*";
      current().glob = true;
    } else if (c === "?" || c === "[") {
      if (c === "[") {
        const end = text.indexOf("]", i + 1);
        if (end < 0) return "unknown";
        i = end;
      }
      current().source += "[^/]";
      current().glob = true;
    } else {
      literal(c);
    }
    i++;
  }
  return {
    from,
    segments: segments.map((s) =>
      s.glob
        ? { glob: new RegExp(`^${s.source}$`), dotFirst: s.source.startsWith("\\.") }
        : { literal: unescapeRegex(s.source) },
    ),
  };
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function unescapeRegex(source: string): string {
  return source.replace(/\\(.)/g, "$1");
}
