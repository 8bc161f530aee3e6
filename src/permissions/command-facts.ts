// What decide needs to know about a Bash command beyond its parse: every word that may name a
// file, resolved (symlinks followed) against every folder the command may run in, and globs
// expanded as bash would. This is the I/O half of judging a command; bash-decision.ts is the pure half.

import { readdir } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import picomatch from "picomatch";
import { resolvePath, type ResolvedPath, type Workspace } from "../tools/index.ts";
import type { CommandAnalysis, SimpleCommand, Word } from "./shell/types.ts";

export type OperandRole = "argument" | "input" | "output";

/** A word of a simple command that may name a file. */
export interface Operand {
  /** The word after quote removal, or one expansion of a glob. */
  word: string;
  /** "input" and "output" are redirect targets (`< f`, `> f`); anything else is an argument. */
  role: OperandRole;
  /** The word resolved against each folder the command may run in (one entry when absolute). */
  resolved: readonly ResolvedPath[];
}

export interface SimpleCommandFacts {
  command: SimpleCommand;
  /** The folders it may run in (Bash's cwd, and where `cd`s before it led); undefined when unknowable. */
  cwds: readonly string[] | undefined;
  operands: readonly Operand[];
  /**
   * Words that may name files but cannot be known before the command runs (`$VAR`, `$(…)`, a
   * glob matching too much, any relative path after a `cd` to an unknown folder), with their role.
   */
  unresolved: readonly { text: string; role: OperandRole }[];
}

export interface CommandFacts {
  analysis: CommandAnalysis;
  /** One entry per simple command of a parsed analysis, in the same order; [] when unparsable. */
  commands: readonly SimpleCommandFacts[];
}

export interface CommandFactsOptions {
  workspace: Workspace;
  /** Bash's working directory when the command starts. */
  cwd: string;
  home: string;
}

/** Paths resolved per command at most; beyond this the rest count as unresolved. */
const MAX_RESOLVED = 2000;
/** Names one glob may expand to before it counts as unresolved. */
const MAX_EXPANSION = 256;

/** A word that may name a file, before resolution. */
export interface CandidateWord {
  word: Word;
  role: OperandRole;
}

/**
 * The words of a simple command that may name files: arguments that are not options (and the
 * value of `--opt=value` and `key=value`), a program given by path, and redirect targets other
 * than descriptors, here-documents and /dev/null.
 */
export function candidateWords(command: SimpleCommand): CandidateWord[] {
  const out: CandidateWord[] = [];
  command.argv.forEach((word, index) => {
    if (word.kind === "dynamic") {
      if (index > 0) out.push({ word, role: "argument" });
      return;
    }
    const text = word.value;
    if (index === 0) {
      if (text.includes("/")) out.push({ word, role: "argument" });
      return;
    }
    const equals = text.indexOf("=");
    if (text.startsWith("-")) {
      if (equals !== -1) out.push({ word: literal(text.slice(equals + 1)), role: "argument" });
      return;
    }
    out.push({ word, role: "argument" });
    if (equals > 0) out.push({ word: literal(text.slice(equals + 1)), role: "argument" });
  });
  for (const redirect of command.redirects) {
    if (redirect.operator.startsWith("<<")) continue; // here-document or here-string: text, not a file
    const target = redirect.target;
    if (target.kind === "literal") {
      const value = target.value;
      if (redirect.operator.includes("&") && /^(\d+|-)$/.test(value)) continue; // `>&2`, `<&-`
      if (value === "/dev/null") continue;
    }
    if (redirect.writes) out.push({ word: target, role: "output" });
    if (redirect.operator.includes("<") && !redirect.operator.includes("&")) {
      out.push({ word: target, role: "input" });
    }
  }
  return out.filter((c) => c.word.kind === "dynamic" || c.word.value !== "");
}

export async function gatherCommandFacts(
  analysis: CommandAnalysis,
  options: CommandFactsOptions,
): Promise<CommandFacts> {
  if (analysis.kind === "unparsable") return { analysis, commands: [] };
  const { workspace, home } = options;
  /** Folders the next command may run in; undefined once a `cd` went somewhere unknowable. */
  let cwds: string[] | undefined = [options.cwd];
  const commands: SimpleCommandFacts[] = [];
  for (const command of analysis.commands) {
    const operands: Operand[] = [];
    const unresolved: { text: string; role: OperandRole }[] = [];
    const target = cdTarget(command);
    /** What the `cd` target resolved to, when this command is a `cd`. */
    let places: ResolvedPath[] | undefined;
    let budget = MAX_RESOLVED;
    const resolveAll = async (text: string, role: OperandRole): Promise<ResolvedPath[]> => {
      const bases = isAbsolute(text) ? [workspace.root] : cwds;
      if (bases === undefined || budget < bases.length) {
        unresolved.push({ text, role });
        return [];
      }
      budget -= bases.length;
      const resolved = await Promise.all(bases.map((base) => resolvePath(workspace, text, base)));
      operands.push({ word: text, role, resolved });
      return resolved;
    };
    for (const { word, role } of candidateWords(command)) {
      const before = unresolved.length;
      const found: ResolvedPath[] = [];
      const expansions =
        word.kind === "literal" ? [word.value] : await expandWord(word.text, cwds, home);
      if (expansions === undefined) {
        unresolved.push({ text: word.kind === "literal" ? word.value : word.text, role });
      } else for (const text of expansions) found.push(...(await resolveAll(text, role)));
      if (word === target) places = unresolved.length === before ? found : undefined;
    }
    commands.push({ command, cwds, operands, unresolved });
    if (target !== undefined) cwds = nextCwds(cwds, target, places, home);
  }
  return { analysis, commands };
}

/**
 * For `cd`, `pushd` and `popd`: the word naming the folder, null for none (home), or "unknown"
 * (`popd`, `cd -`). Undefined for any other command.
 */
function cdTarget(command: SimpleCommand): Word | null | "unknown" | undefined {
  const program = command.argv[0];
  if (program?.kind !== "literal" || !["cd", "pushd", "popd"].includes(program.value)) {
    return undefined;
  }
  if (program.value === "popd") return "unknown";
  const target = command.argv
    .slice(1)
    .find((w) => !(w.kind === "literal" && (w.value === "--" || /^-[LPe@]+$/.test(w.value))));
  if (target === undefined) return null;
  return target.kind === "literal" && target.value === "-" ? "unknown" : target;
}

/** The folders after a `cd` (every one it may have gone to); undefined when unknowable. */
function nextCwds(
  cwds: string[] | undefined,
  target: Word | null | "unknown",
  places: readonly ResolvedPath[] | undefined,
  home: string,
): string[] | undefined {
  if (cwds === undefined || target === "unknown") return undefined;
  if (target === null) return [...cwds, home];
  if (places === undefined || places.length === 0) return undefined;
  // Both the logical folder (bash's default `cd`) and the physical one the OS resolves from.
  const next = new Set(cwds);
  for (const place of places) {
    next.add(place.absolute);
    next.add(place.real);
  }
  return [...next];
}

/**
 * What a run-time word becomes, as bash would expand it: `~`, `$HOME` and `${HOME}` at its start
 * (the session's home), then a plain glob (no dotfiles unless the part starts with ".", `**` like
 * `*`), or the word itself when the glob matches nothing. Undefined for anything else (other
 * variables, substitutions, quotes, braces) or a glob that expands to too much.
 */
async function expandWord(
  text: string,
  cwds: readonly string[] | undefined,
  home: string,
): Promise<string[] | undefined> {
  const homeForm = /^(~|\$HOME|\$\{HOME\})(?=\/|$)/.exec(text)?.[0];
  const rest = homeForm === undefined ? text : text.slice(homeForm.length);
  if (!/^[\w@%+=:,./*?[\]-]*$/.test(rest) || rest.startsWith("-")) return undefined;
  const word = homeForm === undefined ? rest : home + rest;
  if (word === "") return undefined;
  if (!/[*?[]/.test(word)) return [word];
  const bases = word.startsWith("/") ? ["/"] : cwds;
  if (bases === undefined) return undefined;
  const results = new Set<string>();
  for (const base of bases) {
    let current = [base];
    for (const part of word.split("/").filter((p) => p !== "" && p !== ".")) {
      if (!/[*?[]/.test(part)) {
        current = current.map((folder) => join(folder, part));
        continue;
      }
      const dotted = part.startsWith(".");
      const test = picomatch(part, { dot: dotted });
      const next: string[] = [];
      for (const folder of current) {
        const names = await readdir(folder).catch(() => [] as string[]);
        // Without globskipdots (bash before 5.2), `.*` also matches "." and "..".
        if (dotted) names.push(".", "..");
        for (const name of names) if (test(name)) next.push(join(folder, name));
      }
      current = next;
      if (current.length > MAX_EXPANSION) return undefined;
    }
    for (const path of current) results.add(path);
  }
  // No match: bash passes the word on unchanged.
  if (results.size === 0) return [word];
  return results.size > MAX_EXPANSION ? undefined : [...results];
}

function literal(value: string): Word {
  return { kind: "literal", value };
}
