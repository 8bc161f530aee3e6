// The built-in list of commands that only read, with the options that would make them write
// or run something else. A command qualifies only when every word is literal, no redirect
// writes, and its environment prefixes are harmless. When unsure, the answer is no.

import { assignmentName, isHarmlessEnvName } from "./env-vars.ts";
import { isReadOnlyGit } from "./git-read-only.ts";
import { abbreviatesAny } from "./options.ts";
import { isPrintOnlySedScript } from "./sed-script.ts";
import type { SimpleCommand } from "./types.ts";

type Check = (args: readonly string[]) => boolean;

const always: Check = () => true;
const noArgs: Check = (args) => args.length === 0;

/**
 * Refuses single-dash words containing any of `letters` (so clustered `-ko` is caught) and long
 * options that are, or abbreviate, one of `longs`. Words after `--` are operands.
 */
function without(letters: string, longs: readonly string[]): Check {
  return (args) => {
    for (const arg of args) {
      if (arg === "--") return true;
      if (arg.startsWith("--")) {
        if (abbreviatesAny(longName(arg), longs)) return false;
      } else if (arg.startsWith("-") && [...arg.slice(1)].some((c) => letters.includes(c))) {
        return false;
      }
    }
    return true;
  };
}

function longName(arg: string): string {
  const eq = arg.indexOf("=");
  return eq < 0 ? arg.slice(2) : arg.slice(2, eq);
}

const programs: Record<string, Check> = {
  ":": always,
  true: always,
  false: always,
  pwd: always,
  echo: always,
  // printf -v assigns to a variable, and a subscripted name (`a[$(cmd)]`) runs cmd.
  printf: (args) => !args[0]?.startsWith("-v"),
  ls: always,
  cat: always,
  head: always,
  tail: always,
  wc: always,
  which: always,
  type: always,
  stat: always,
  du: always,
  df: always,
  whoami: always,
  id: always,
  groups: always,
  uname: always,
  arch: always,
  nproc: always,
  uptime: always,
  tty: always,
  locale: always,
  sleep: always,
  basename: always,
  dirname: always,
  realpath: always,
  readlink: always,
  diff: always,
  cmp: always,
  comm: always,
  cut: always,
  tr: always,
  nl: always,
  rev: always,
  tac: always,
  seq: always,
  paste: always,
  fold: always,
  fmt: always,
  expand: always,
  unexpand: always,
  column: always,
  join: always,
  numfmt: always,
  expr: always,
  od: always,
  strings: always,
  md5sum: always,
  sha1sum: always,
  sha224sum: always,
  sha256sum: always,
  sha384sum: always,
  sha512sum: always,
  b2sum: always,
  cksum: always,
  grep: always,
  egrep: always,
  fgrep: always,
  // A jq program can load files it names in its own text (`import "secrets" as $s`), which no
  // path check sees; module search paths (-L) point it at other folders.
  jq: (args) =>
    !args.some(
      (a) =>
        /\b(import|include)\b/.test(a) ||
        a === "-L" ||
        a.startsWith("--library-path") ||
        /^-L./.test(a),
    ),
  printenv: always,
  env: noArgs,
  hostname: noArgs,
  command: (args) => args[0] === "-v" || args[0] === "-V",
  file: without("C", ["compile"]),
  base64: without("o", ["output"]),
  sort: without("o", ["output", "compress-program"]),
  tree: without("oR", ["output"]),
  // --pre and --hostname-bin run a program; -z runs decompressors.
  rg: without("z", ["pre", "pre-glob", "hostname-bin", "search-zip"]),
  ag: without("", ["pager"]),
  date: dateCheck,
  uniq: uniqCheck,
  find: findCheck,
  sed: sedCheck,
  git: isReadOnlyGit,
  test: testCheck(false),
  "[": testCheck(false),
  "[[": testCheck(true),
};

/**
 * True when `cmd` only reads: see the file comment for what that requires. Hazards belong to the
 * whole script (CommandAnalysis.hazards); the caller must also require that there are none.
 */
export function isReadOnlyCommand(cmd: SimpleCommand): boolean {
  if (cmd.redirects.some((r) => r.writes || r.target.kind === "dynamic")) return false;
  for (const assignment of cmd.assignments) {
    const name = assignmentName(assignment);
    if (!name || !isHarmlessEnvName(name) || /[$`]/.test(assignment)) return false;
  }
  const words: string[] = [];
  for (const word of cmd.argv) {
    if (word.kind !== "literal") return false;
    words.push(word.value);
  }
  const [program, ...args] = words;
  if (program === undefined || program.includes("/")) return false;
  const check = Object.hasOwn(programs, program) ? programs[program] : undefined;
  return check ? check(args) : false;
}

/** date prints unless it is given a time to set (`-s`, or an operand not starting with `+`). */
function dateCheck(args: readonly string[]): boolean {
  if (!without("s", ["set"])(args)) return false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (["-d", "-f", "-r", "--date", "--file", "--reference"].includes(arg)) i++;
    else if (!arg.startsWith("-") && !arg.startsWith("+")) return false;
  }
  return true;
}

/** uniq's second operand is an output file. */
function uniqCheck(args: readonly string[]): boolean {
  let operands = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      operands += args.length - i - 1;
      break;
    }
    if (/^-[fsw]$/.test(arg) || /^--(skip-fields|skip-chars|check-chars)$/.test(arg)) i++;
    else if (!arg.startsWith("-") || arg === "-") operands++;
  }
  return operands <= 1;
}

const findActions = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fprint",
  "-fprint0",
  "-fprintf",
  "-fls",
]);

function findCheck(args: readonly string[]): boolean {
  return !args.some((arg) => findActions.has(arg));
}

const sedLongOptions = [
  "quiet",
  "silent",
  "expression",
  "file",
  "in-place",
  "line-length",
  "null-data",
  "zero-terminated",
  "regexp-extended",
  "separate",
  "sandbox",
  "unbuffered",
  "posix",
  "debug",
  "follow-symlinks",
  "binary",
];

/** sed -n with print-only scripts; -i, -f (an unread script file) and w/e are refused. */
function sedCheck(args: readonly string[]): boolean {
  let quiet = false;
  const scripts: string[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const typed = longName(arg);
      const matches = sedLongOptions.filter((name) => name.startsWith(typed));
      const name = sedLongOptions.includes(typed) ? typed : matches[0];
      if (!name || (matches.length > 1 && name !== typed)) return false;
      if (name === "quiet" || name === "silent") quiet = true;
      else if (name === "expression" || name === "line-length") {
        const eq = arg.indexOf("=");
        const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
        if (value === undefined) return false;
        if (name === "expression") scripts.push(value);
      } else if (name === "file" || name === "in-place") return false;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const letters = arg.slice(1);
      for (let j = 0; j < letters.length; j++) {
        const letter = letters[j] as string;
        if (letter === "n") quiet = true;
        else if ("Ersuz".includes(letter)) continue;
        else if (letter === "e" || letter === "l") {
          const value = j + 1 < letters.length ? letters.slice(j + 1) : args[++i];
          if (value === undefined) return false;
          if (letter === "e") scripts.push(value);
          break;
        } else return false;
      }
      continue;
    }
    operands.push(arg);
  }
  if (scripts.length === 0) {
    const script = operands.shift();
    if (script === undefined) return false;
    scripts.push(script);
  }
  return quiet && scripts.every(isPrintOnlySedScript);
}

/**
 * `-v name` (and `-R`) look up a variable whose subscript bash evaluates, so `a[$(cmd)]` runs
 * cmd; inside `[[ ]]` the arithmetic comparisons evaluate their operands the same way.
 */
function testCheck(extended: boolean): Check {
  const arithmetic = ["-eq", "-ne", "-lt", "-le", "-gt", "-ge"];
  return (args) =>
    !args.some((arg) => arg === "-v" || arg === "-R" || (extended && arithmetic.includes(arg)));
}
