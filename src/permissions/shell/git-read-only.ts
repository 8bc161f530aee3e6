// Which git invocations only read the repository: a fixed set of subcommands, listing forms of
// branch/tag/remote/config, and no option that runs a program, writes a file or points git at
// another repository or config. Anything not recognised is not read-only.

import { abbreviatesAny } from "./options.ts";

/** Global options (before the subcommand) that change nothing about what git may run. */
const harmlessGlobals = new Set([
  "--no-pager",
  "-P",
  "--no-optional-locks",
  "--literal-pathspecs",
  "--glob-pathspecs",
  "--noglob-pathspecs",
  "--icase-pathspecs",
  "--no-replace-objects",
]);

/**
 * Long options that write files, run helpers or open a pager, in any subcommand. git accepts
 * unique abbreviations, so `--out=x` counts as `--output=x`.
 */
const dangerousLongOptions = [
  "output",
  "ext-diff",
  "textconv",
  "filters",
  "exec",
  "upload-pack",
  "receive-pack",
  "open-files-in-pager",
  "paginate",
  "config-env",
];

type Check = (args: readonly string[]) => boolean;

const anyArgs: Check = () => true;

const subcommands: Record<string, Check> = {
  status: anyArgs,
  diff: anyArgs,
  log: anyArgs,
  show: anyArgs,
  "rev-parse": anyArgs,
  "ls-files": anyArgs,
  "ls-tree": anyArgs,
  blame: anyArgs,
  shortlog: anyArgs,
  describe: anyArgs,
  "rev-list": anyArgs,
  "merge-base": anyArgs,
  "name-rev": anyArgs,
  "count-objects": anyArgs,
  "for-each-ref": anyArgs,
  "show-ref": anyArgs,
  "check-ignore": anyArgs,
  "cat-file": anyArgs,
  // -O / --open-files-in-pager runs a program of the caller's choosing.
  grep: (args) => !args.some((a) => /^-[^-]*O/.test(a)),
  branch: listingOnly({
    shortLetters: "arlvi",
    longFlags: [
      "all",
      "remotes",
      "list",
      "verbose",
      "ignore-case",
      "show-current",
      "no-color",
      "no-column",
      "no-abbrev",
      "omit-empty",
    ],
    longValues: ["color", "column", "abbrev", "sort", "format"],
  }),
  tag: listingOnly({
    shortLetters: "li",
    longFlags: ["list", "ignore-case", "no-column", "no-color", "omit-empty"],
    longValues: ["color", "column", "sort", "format"],
    // -n[<num>]: how many lines of each annotation to print.
    numberedShort: "n",
  }),
  remote: remoteCheck,
  config: configCheck,
  stash: (args) => args[0] === "list" || args[0] === "show",
  worktree: (args) => args[0] === "list",
  reflog: (args) => args.length === 0 || args[0] === "show",
};

/** `git …` with literal arguments: true when it only reads. */
export function isReadOnlyGit(args: readonly string[]): boolean {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith("-")) {
    if (!harmlessGlobals.has(args[i] as string)) return false;
    i++;
  }
  const subcommand = args[i];
  if (subcommand === undefined) return false;
  const check = subcommands[subcommand];
  if (!check) return false;
  const rest = args.slice(i + 1);
  for (const arg of rest) {
    if (arg === "--") break;
    if (arg.startsWith("--") && abbreviatesAny(longName(arg), dangerousLongOptions)) return false;
  }
  return check(rest);
}

function longName(arg: string): string {
  const eq = arg.indexOf("=");
  return eq < 0 ? arg.slice(2) : arg.slice(2, eq);
}

/** Filters that take a commit, optionally as the next word: `--contains [<commit>]`. */
const commitFilters = ["contains", "no-contains", "merged", "no-merged", "points-at"];

interface ListingSpec {
  shortLetters: string;
  longFlags: readonly string[];
  longValues: readonly string[];
  /** A short option with an optional attached number (`-n`, `-n3`). */
  numberedShort?: string;
}

/**
 * branch/tag in listing mode: known flags only, and names (patterns) only with --list/-l.
 * Any other word would create, delete, rename or verify something.
 */
function listingOnly(spec: ListingSpec): Check {
  return (args) => {
    let listing = false;
    let patterns = 0;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg.startsWith("--")) {
        const name = longName(arg);
        const hasValue = arg.includes("=");
        if (name === "list") listing = true;
        if (spec.longFlags.includes(name) && !hasValue) continue;
        if (spec.longValues.includes(name)) {
          if (!hasValue && (name === "sort" || name === "format")) i++;
          continue;
        }
        if (commitFilters.includes(name)) {
          // git takes the next word as the commit; a pattern cannot hide there.
          const next = args[i + 1];
          if (!hasValue && next !== undefined && !next.startsWith("-")) i++;
          continue;
        }
        return false;
      }
      if (arg.startsWith("-") && arg.length > 1) {
        if (spec.numberedShort && new RegExp(`^-${spec.numberedShort}\\d*$`).test(arg)) continue;
        for (const letter of arg.slice(1)) {
          if (!spec.shortLetters.includes(letter)) return false;
          if (letter === "l") listing = true;
        }
        continue;
      }
      patterns++;
    }
    return patterns === 0 || listing;
  };
}

function remoteCheck(args: readonly string[]): boolean {
  if (args.every((a) => a === "-v" || a === "--verbose")) return true;
  if (args[0] !== "get-url") return false;
  const rest = args.slice(1).filter((a) => a !== "--push" && a !== "--all");
  return rest.length === 1 && !(rest[0] as string).startsWith("-");
}

const configReadActions = new Set([
  "--get",
  "--get-all",
  "--get-regexp",
  "--get-urlmatch",
  "--get-color",
  "--get-colorbool",
  "--list",
  "-l",
]);
const configModifiers = new Set([
  "--global",
  "--system",
  "--local",
  "--worktree",
  "--show-origin",
  "--show-scope",
  "--name-only",
  "-z",
  "--null",
  "--includes",
  "--no-includes",
  "--bool",
  "--int",
  "--bool-or-int",
  "--path",
  "--expiry-date",
  "--all",
  "--fixed-value",
]);
const configModifiersWithValue = ["--type", "--default", "--file", "-f", "--blob", "--regexp"];

/** `git config --get x`, `--list`, `get x`, `list`: reads only; any other form may write. */
function configCheck(args: readonly string[]): boolean {
  let action: string | undefined;
  let operands = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (i === 0 && (arg === "get" || arg === "list")) {
      action = arg;
      continue;
    }
    if (configReadActions.has(arg)) {
      if (action) return false;
      action = arg;
      continue;
    }
    if (configModifiers.has(arg)) continue;
    const withValue = configModifiersWithValue.find(
      (name) => arg === name || arg.startsWith(`${name}=`),
    );
    if (withValue) {
      if (arg === withValue) i++;
      continue;
    }
    if (arg.startsWith("-")) return false;
    operands++;
  }
  if (action === undefined) return false;
  const listing = action === "list" || action === "--list" || action === "-l";
  return listing ? operands === 0 : operands >= 1 && operands <= 2;
}
