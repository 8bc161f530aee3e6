// Finds the command a wrapper really runs (`timeout 5 rm x` runs `rm x`), so rules and the
// read-only list judge that command; and reports what makes a command's effect unknowable
// (eval, `sh -c "$x"`, `env -S`). Works on one parsed command; walking the script is analyze.ts.

import { assignmentName, isDangerousEnvName } from "./env-vars.ts";
import { scanOptions, type OptionSpec, type ScannedOption } from "./options.ts";
import type { Hazard, Redirect, SimpleCommand, Word } from "./types.ts";
import { Unparsable } from "./unparsable.ts";

export interface Arg {
  word: Word;
  /** The word as written, for display. */
  text: string;
}

/** A simple command before unwrapping. */
export interface RawCommand {
  /** The command as written. */
  text: string;
  assignments: string[];
  args: Arg[];
  redirects: Redirect[];
  /** What a heredoc or here-string feeds to its standard input: literal text, or null when it expands. */
  stdin?: string | null;
}

export interface UnwrapContext {
  push(command: SimpleCommand): void;
  hazard(hazard: Hazard): void;
  /** Analyses a literal script (the body of `sh -c`, `eval`, `watch`); throws Unparsable. */
  script(source: string): { commands: SimpleCommand[]; hazards: Hazard[] };
}

/** Wrappers nested deeper than this are not something a person writes. */
const maxWrapperDepth = 32;

/** Pushes the command(s) `raw` amounts to after unwrapping, and the hazards it carries. */
export function expandCommand(raw: RawCommand, ctx: UnwrapContext, depth = 0): void {
  if (depth > maxWrapperDepth) throw new Unparsable("too many nested command wrappers");
  const head = raw.args[0];
  if (!head || head.word.kind === "dynamic") return finish(raw, ctx);
  const name = head.word.value;

  switch (name) {
    case "eval":
      return evalCommand(raw, ctx);
    case "exec":
      ctx.hazard({ kind: "eval", text: raw.text });
      return unwrapAfter(raw, ctx, depth, { shortFlags: "cl", shortValues: "a" });
    case "source":
    case ".":
    case "trap":
      ctx.hazard({ kind: "eval", text: raw.text });
      return finish(raw, ctx);
    case "coproc":
      ctx.hazard({ kind: "background", text: raw.text });
      return unwrapAfter(raw, ctx, depth, {});
    case "builtin":
      return unwrapAfter(raw, ctx, depth, {});
  }

  const program = standardProgram(name);
  switch (program) {
    case "timeout":
      return unwrapAfter(raw, ctx, depth, timeoutSpec, 1);
    case "nice":
      return unwrapAfter(raw, ctx, depth, niceSpec);
    case "nohup":
      return unwrapAfter(raw, ctx, depth, {});
    case "time":
      return unwrapAfter(raw, ctx, depth, { shortFlags: "p" });
    case "stdbuf":
      return unwrapAfter(raw, ctx, depth, stdbufSpec);
    case "ionice":
      return ioniceCommand(raw, ctx, depth);
    case "command":
      return commandBuiltin(raw, ctx, depth);
    case "env":
      return envCommand(raw, ctx, depth);
    case "xargs":
      return xargsCommand(raw, ctx, depth);
    case "find":
      return findCommand(raw, ctx, depth);
    case "sudo":
    case "doas":
    case "setsid":
      return keepAndExpose(raw, ctx, depth, exposedSpecs[program]);
    case "watch":
      return watchCommand(raw, ctx, depth);
    default:
      if (program && shells.has(program)) return shellCommand(raw, ctx);
      return finish(raw, ctx);
  }
}

const shells = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh"]);

const standardDirs = ["/bin/", "/usr/bin/", "/usr/local/bin/", "/sbin/", "/usr/sbin/"];

/**
 * The program's name when it is one of the standard tools: a bare name, or a path in a system
 * directory. `./timeout` is some file in the workspace and is judged as itself.
 */
export function standardProgram(name: string): string | undefined {
  if (!name.includes("/")) return name;
  const dir = standardDirs.find((d) => name.startsWith(d));
  const base = dir ? name.slice(dir.length) : "";
  return base && !base.includes("/") ? base : undefined;
}

function finish(raw: RawCommand, ctx: UnwrapContext): void {
  const head = raw.args[0];
  if (head?.word.kind === "dynamic") {
    ctx.hazard({ kind: "dynamic_program", text: raw.text });
  }
  ctx.push({
    text: raw.text,
    assignments: [...raw.assignments],
    argv: raw.args.map((arg) => arg.word),
    redirects: [...raw.redirects],
  });
}

function literalValues(args: readonly Arg[]): (string | undefined)[] {
  return args.map((arg) => (arg.word.kind === "literal" ? arg.word.value : undefined));
}

/** The same command with only `args` left: what a wrapper runs. */
function inner(raw: RawCommand, args: Arg[], assignments = raw.assignments): RawCommand {
  return {
    text: args.map((arg) => arg.text).join(" "),
    assignments,
    args,
    redirects: raw.redirects,
    ...(raw.stdin !== undefined && { stdin: raw.stdin }),
  };
}

/**
 * Skips the wrapper's options (and `positional` words such as timeout's duration) and expands
 * what follows. A wrapper whose options cannot be read keeps its own name and is a hazard.
 */
function unwrapAfter(
  raw: RawCommand,
  ctx: UnwrapContext,
  depth: number,
  spec: OptionSpec,
  positional = 0,
): void {
  const scanned = scanOptions(literalValues(raw.args), 1, spec);
  if (!scanned) return opaqueWrapper(raw, ctx);
  const rest = raw.args.slice(scanned.end + positional);
  if (scanned.end + positional > raw.args.length || rest.length === 0) return finish(raw, ctx);
  expandCommand(inner(raw, rest), ctx, depth + 1);
}

function opaqueWrapper(raw: RawCommand, ctx: UnwrapContext): void {
  ctx.hazard({ kind: "other", text: `cannot tell what this runs: ${raw.text}` });
  finish(raw, ctx);
}

const timeoutSpec: OptionSpec = {
  shortFlags: "v",
  shortValues: "sk",
  longFlags: ["preserve-status", "foreground", "verbose"],
  longValues: ["signal", "kill-after"],
};
const niceSpec: OptionSpec = { shortValues: "n", longValues: ["adjustment"], numericFlag: true };
const stdbufSpec: OptionSpec = { shortValues: "ioe", longValues: ["input", "output", "error"] };

function ioniceCommand(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  const spec: OptionSpec = {
    shortFlags: "t",
    shortValues: "cnpPu",
    longFlags: ["ignore"],
    longValues: ["class", "classdata", "pid", "pgid", "uid"],
  };
  const scanned = scanOptions(literalValues(raw.args), 1, spec);
  if (!scanned) return opaqueWrapper(raw, ctx);
  // With -p/-P/-u ionice changes other processes and runs nothing.
  const targetsOthers = scanned.options.some((o) =>
    ["p", "P", "u", "pid", "pgid", "uid"].includes(o.name),
  );
  const rest = raw.args.slice(scanned.end);
  if (targetsOthers || rest.length === 0) return finish(raw, ctx);
  expandCommand(inner(raw, rest), ctx, depth + 1);
}

/** `command ls` runs ls; `command -v ls` only looks it up. */
function commandBuiltin(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  const scanned = scanOptions(literalValues(raw.args), 1, { shortFlags: "pvV" });
  if (!scanned) return opaqueWrapper(raw, ctx);
  const lookup = scanned.options.some((o) => o.name === "v" || o.name === "V");
  const rest = raw.args.slice(scanned.end);
  if (lookup || rest.length === 0) return finish(raw, ctx);
  expandCommand(inner(raw, rest), ctx, depth + 1);
}

function evalCommand(raw: RawCommand, ctx: UnwrapContext): void {
  ctx.hazard({ kind: "eval", text: raw.text });
  finish(raw, ctx);
  const args = raw.args.slice(1);
  if (args.length === 0 || args.some((arg) => arg.word.kind === "dynamic")) return;
  // The hazard already forces a question; the commands inside let deny rules see them too.
  runScript(args.map((arg) => (arg.word as { value: string }).value).join(" "), raw, ctx);
}

/** Adds the commands of a literal script, carrying the outer command's environment and redirects. */
function runScript(source: string, raw: RawCommand, ctx: UnwrapContext): number {
  const result = ctx.script(source);
  for (const hazard of result.hazards) ctx.hazard(hazard);
  for (const command of result.commands) {
    ctx.push({
      ...command,
      assignments: [...raw.assignments, ...command.assignments],
      redirects: [...command.redirects, ...raw.redirects],
    });
  }
  return result.commands.length;
}

function envCommand(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  const assignments = [...raw.assignments];
  let optionsEnded = false;
  let i = 1;
  for (; i < raw.args.length; i++) {
    const arg = raw.args[i] as Arg;
    if (arg.word.kind === "dynamic") {
      const name = assignmentName(arg.text);
      if (!name) {
        ctx.hazard({ kind: "other", text: `env with a run-time argument: ${raw.text}` });
        return finish(raw, ctx);
      }
      assignments.push(arg.text);
      if (isDangerousEnvName(name)) ctx.hazard({ kind: "dangerous_env", text: arg.text });
      continue;
    }
    const value = arg.word.value;
    if (!optionsEnded && value.startsWith("-")) {
      if (value === "--") {
        optionsEnded = true;
        continue;
      }
      const step = envOption(value, raw, ctx);
      if (step === "stop") return finish(raw, ctx);
      i += step;
      continue;
    }
    const name = assignmentName(value);
    if (!name) break;
    assignments.push(value);
    if (isDangerousEnvName(name)) ctx.hazard({ kind: "dangerous_env", text: value });
  }
  const rest = raw.args.slice(i);
  if (rest.length === 0) return finish(raw, ctx);
  expandCommand(inner(raw, rest, assignments), ctx, depth + 1);
}

/** Handles one env option; returns how many extra words it consumed, or "stop". */
function envOption(value: string, raw: RawCommand, ctx: UnwrapContext): number | "stop" {
  if (["-", "-i", "--ignore-environment", "-0", "--null", "-v", "--debug"].includes(value)) {
    return 0;
  }
  if (value.startsWith("-S") || value.startsWith("--split-string") || /^-[iv0]+S/.test(value)) {
    ctx.hazard({ kind: "eval", text: raw.text });
    return "stop";
  }
  const withValue = /^(-u|-C|--unset|--chdir)(=?)(.*)$/.exec(value);
  if (withValue) {
    ctx.hazard({ kind: "other", text: `env ${withValue[1]} changes how the command runs` });
    return withValue[2] === "" && withValue[3] === "" ? 1 : 0;
  }
  ctx.hazard({ kind: "other", text: `env option ${value}` });
  return "stop";
}

const xargsSpec: OptionSpec = {
  shortFlags: "0oprtx",
  shortValues: "adEILnPs",
  shortOptionalValues: "eil",
  longFlags: ["null", "no-run-if-empty", "interactive", "verbose", "exit", "open-tty"],
  longValues: ["arg-file", "delimiter", "max-args", "max-procs", "max-chars", "process-slot-var"],
  longOptionalValues: ["replace", "max-lines", "eof"],
};

/** `xargs rm` runs `rm <words from stdin>`: the input is a run-time word. */
function xargsCommand(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  const scanned = scanOptions(literalValues(raw.args), 1, xargsSpec);
  if (!scanned) return opaqueWrapper(raw, ctx);
  const replace = replaceString(scanned.options);
  let args = raw.args.slice(scanned.end);
  if (args.length === 0) args = [{ word: { kind: "literal", value: "echo" }, text: "echo" }];
  const input: Arg = { word: { kind: "dynamic", text: "{xargs input}" }, text: "{xargs input}" };
  const runs =
    replace === undefined
      ? [...args, input]
      : args.map((arg) =>
          arg.word.kind === "literal" && arg.word.value.includes(replace) ? runtimeArg(arg) : arg,
        );
  expandCommand(inner(raw, runs), ctx, depth + 1);
}

/** The same word, known only at run time (xargs and find substitute into it). */
function runtimeArg(arg: Arg): Arg {
  return { word: { kind: "dynamic", text: arg.text }, text: arg.text };
}

function replaceString(options: readonly ScannedOption[]): string | undefined {
  let replace: string | undefined;
  for (const option of options) {
    if (option.name === "I") replace = option.value;
    if (option.name === "i" || option.name === "replace") replace = option.value ?? "{}";
  }
  return replace;
}

const findExecActions = new Set(["-exec", "-execdir", "-ok", "-okdir"]);

/** find stays a command of its own; each `-exec … ;` adds the command it runs. */
function findCommand(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  finish(raw, ctx);
  const args = raw.args;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as Arg;
    if (arg.word.kind !== "literal" || !findExecActions.has(arg.word.value)) continue;
    let end = i + 1;
    while (end < args.length && !endsExec(args, end)) end++;
    const runs = args
      .slice(i + 1, end)
      .map((a) => (a.word.kind === "literal" && a.word.value.includes("{}") ? runtimeArg(a) : a));
    if (runs.length > 0) expandCommand(inner(raw, runs), ctx, depth + 1);
    i = end;
  }
}

function endsExec(args: readonly Arg[], at: number): boolean {
  const word = args[at]?.word;
  if (word?.kind !== "literal") return false;
  if (word.value === ";") return true;
  const before = args[at - 1]?.word;
  return word.value === "+" && before?.kind === "literal" && before.value === "{}";
}

/**
 * Programs that keep their own identity (sudo is never read-only; `watch` and `setsid` cannot be
 * approved by a rule for what they run) but whose inner command is added too, so a deny rule for
 * it still applies.
 */
const exposedSpecs: Record<"sudo" | "doas" | "setsid", OptionSpec> = {
  sudo: {
    shortFlags: "AbEHiKklnPSsVv",
    shortValues: "CDghpRrTtUu",
    longFlags: [
      "askpass",
      "background",
      "login",
      "non-interactive",
      "preserve-groups",
      "stdin",
      "shell",
      "set-home",
      "reset-timestamp",
    ],
    longValues: [
      "close-from",
      "chdir",
      "group",
      "host",
      "prompt",
      "chroot",
      "role",
      "type",
      "command-timeout",
      "other-user",
      "user",
    ],
    longOptionalValues: ["preserve-env"],
  },
  doas: { shortFlags: "nsL", shortValues: "uC" },
  setsid: { shortFlags: "cfw", longFlags: ["ctty", "fork", "wait"] },
};

function keepAndExpose(raw: RawCommand, ctx: UnwrapContext, depth: number, spec: OptionSpec): void {
  finish(raw, ctx);
  const scanned = scanOptions(literalValues(raw.args), 1, spec);
  if (!scanned) return;
  let rest = raw.args.slice(scanned.end);
  const assignments = [...raw.assignments];
  while (rest[0]?.word.kind === "literal" && assignmentName(rest[0].word.value)) {
    assignments.push(rest[0].word.value);
    rest = rest.slice(1);
  }
  if (rest.length > 0) expandCommand(inner(raw, rest, assignments), ctx, depth + 1);
}

/** `watch cmd args` runs `sh -c "cmd args"` (or the argv itself with -x). */
function watchCommand(raw: RawCommand, ctx: UnwrapContext, depth: number): void {
  finish(raw, ctx);
  const scanned = scanOptions(literalValues(raw.args), 1, {
    shortFlags: "bcdeghprtwx",
    shortValues: "nq",
    longFlags: ["beep", "color", "no-color", "errexit", "chgexit", "precise", "no-title", "exec"],
    longValues: ["interval", "equexit"],
    longOptionalValues: ["differences"],
  });
  const rest = scanned ? raw.args.slice(scanned.end) : [];
  if (!scanned || rest.length === 0) return;
  if (scanned.options.some((o) => o.name === "x" || o.name === "exec")) {
    return expandCommand(inner(raw, rest), ctx, depth + 1);
  }
  if (rest.some((arg) => arg.word.kind === "dynamic")) {
    ctx.hazard({ kind: "eval", text: raw.text });
    return;
  }
  runScript(rest.map((arg) => (arg.word as { value: string }).value).join(" "), raw, ctx);
}

interface ShellInvocation {
  type: "script" | "stdin" | "file";
  script?: Arg;
}

/** `bash -c 'literal'` is analysed as a script; anything else a shell runs is unknowable here. */
function shellCommand(raw: RawCommand, ctx: UnwrapContext): void {
  const invocation = readShellArgs(raw.args);
  if (!invocation) return opaqueWrapper(raw, ctx);
  switch (invocation.type) {
    case "file":
      return finish(raw, ctx);
    case "stdin":
      if (typeof raw.stdin === "string") {
        if (runScript(raw.stdin, raw, ctx) === 0) finish(raw, ctx);
        return;
      }
      ctx.hazard({ kind: "eval", text: `${raw.text} (reads commands from standard input)` });
      return finish(raw, ctx);
    case "script": {
      const script = invocation.script?.word;
      if (script?.kind !== "literal") {
        ctx.hazard({ kind: "eval", text: raw.text });
        return finish(raw, ctx);
      }
      if (runScript(script.value, raw, ctx) === 0) finish(raw, ctx);
      return;
    }
    default: {
      const never: never = invocation.type;
      return never;
    }
  }
}

const shellLongFlags = new Set([
  "--norc",
  "--noprofile",
  "--posix",
  "--login",
  "--noediting",
  "--verbose",
  "--restricted",
]);
const shellLetters = "abefhkmnptuvxBCEHPTilr";

function readShellArgs(args: readonly Arg[]): ShellInvocation | undefined {
  let command = false;
  let stdin = false;
  let i = 1;
  for (; i < args.length; i++) {
    const word = (args[i] as Arg).word;
    // A run-time word may be an option or the script; with -c, either way the script is unknown.
    if (word.kind === "dynamic") return command ? { type: "script", script: args[i] } : undefined;
    const value = word.value;
    if (value === "--" || value === "-") {
      i++;
      break;
    }
    if (value.startsWith("--")) {
      if (!shellLongFlags.has(value)) return undefined;
      continue;
    }
    if (!/^[-+]./.test(value)) break;
    for (const letter of value.slice(1)) {
      if (letter === "c") command = true;
      else if (letter === "s") stdin = true;
      else if (letter === "o" || letter === "O") i++;
      else if (!shellLetters.includes(letter)) return undefined;
    }
  }
  const operands = args.slice(i);
  if (command) return operands[0] ? { type: "script", script: operands[0] } : undefined;
  if (stdin || operands.length === 0) return { type: "stdin" };
  return { type: "file" };
}
