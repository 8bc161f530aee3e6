// How rules and modes judge a Bash command, one simple command at a time: which rule restricts
// it, whether it removes a critical path or writes a protected one, and whether every part of it
// is allowed. Pure: the paths come resolved in CommandFacts (command-facts.ts).

import type { CommandFacts, Operand, SimpleCommandFacts } from "./command-facts.ts";
import type { DecisionContext } from "./decide.ts";
import { domainMatches, hostOf } from "../core/domains.ts";
import { parseDomainSpecifier } from "./domain-rules.ts";
import { compilePathPattern, type PathMatcher } from "./path-rules.ts";
import { protectedReason } from "./protected-paths.ts";
import { isEditRule, isReadRule, ruleNamesTool, type Rule } from "./rules.ts";
import {
  bashRuleMatches,
  bashRuleMayMatch,
  criticalRemoval,
  isReadOnlyCommand,
} from "./shell/index.ts";
import type { Hazard, SimpleCommand } from "./shell/types.ts";

/** A rule that applies, and what it applies to, in words. */
export interface RuleHit {
  rule: string;
  reason: string;
}

/** Hazards that hide what runs or which files are named, so no rule can be checked against them. */
const hidingHazards: ReadonlySet<Hazard["kind"]> = new Set([
  "command_substitution",
  "process_substitution",
  "eval",
  "dynamic_program",
  "other",
]);

/**
 * The first rule of the list that restricts this command: a Bash rule matching any simple command
 * in it; a Read rule covering a file it names as an argument or input; an Edit rule covering a
 * file it writes (a redirect, or an argument of a command that is not read-only); a WebFetch
 * domain rule covering a URL among its arguments.
 */
export function bashRestriction(
  rules: readonly Rule[],
  facts: CommandFacts,
  context: DecisionContext,
): RuleHit | undefined {
  for (const rule of rules) {
    if (ruleNamesTool(rule, "Bash")) {
      if (rule.specifier === undefined)
        return { rule: rule.source, reason: "covers every command" };
      const spec = rule.specifier;
      // A run-time word ($VAR, a glob) may stand for anything a deny or ask rule names.
      const hit = facts.commands.find((c) => bashRuleMayMatch(spec, c.command));
      if (hit) return { rule: rule.source, reason: `matches \`${hit.command.text}\`` };
      const copied = copiedProgram(spec, facts);
      if (copied) return { rule: rule.source, reason: copied };
      continue;
    }
    if (rule.specifier === undefined) continue;
    if (isReadRule(rule) || isEditRule(rule)) {
      const matcher = pathMatcher(rule, context);
      const reading = isReadRule(rule);
      for (const command of facts.commands) {
        const named = command.operands.find(
          (o) =>
            (reading ? readsOperand(o) : writesOperand(command, o)) && operandMatches(matcher, o),
        );
        if (named) {
          return {
            rule: rule.source,
            reason: `\`${command.command.text}\` ${reading ? "names" : "writes"} ${named.word}`,
          };
        }
      }
      continue;
    }
    if (rule.tool === "WebFetch") {
      const pattern = parseDomainSpecifier(rule.specifier);
      if (!pattern) continue;
      for (const command of facts.commands) {
        for (const word of command.command.argv.slice(1)) {
          if (word.kind !== "literal" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(word.value)) continue;
          const host = hostOf(word.value);
          if (host !== undefined && domainMatches(pattern, host)) {
            return { rule: rule.source, reason: `\`${command.command.text}\` reaches ${host}` };
          }
        }
      }
    }
  }
  return undefined;
}

/**
 * A rule that denies a whole program (`curl`, `curl:*`, `curl *`) is judged by the program's
 * name, so a copy under another name would dodge it: a command that names the program's file by
 * path (`cp /usr/bin/curl ./fetch`, `ln -s /usr/bin/curl x`, `cat /usr/bin/curl > x`) is covered
 * by the rule too. Returns the reason, or undefined.
 */
function copiedProgram(specifier: string, facts: CommandFacts): string | undefined {
  const program = /^([A-Za-z0-9_.+-]+)(?::\*| \*)?$/.exec(specifier.trim())?.[1];
  if (program === undefined) return undefined;
  for (const command of facts.commands) {
    const named = command.operands.find(
      (o) => o.word.includes("/") && o.word.slice(o.word.lastIndexOf("/") + 1) === program,
    );
    if (named) {
      return `\`${command.command.text}\` names the program ${program} by its path (${named.word}), so a copy could run under another name`;
    }
  }
  return undefined;
}

/**
 * Why the command cannot be checked against these rules (it did not parse, or it hides what runs),
 * when some rule would need checking; undefined when nothing is hidden or no rule could apply.
 */
export function bashUncheckable(rules: readonly Rule[], facts: CommandFacts): string | undefined {
  const relevant = rules.find(
    (r) =>
      r.specifier !== undefined &&
      (ruleNamesTool(r, "Bash") || isReadRule(r) || isEditRule(r) || r.tool === "WebFetch"),
  );
  if (!relevant) return undefined;
  const hidden = hidingHazard(facts);
  if (hidden !== undefined) return `${hidden}, so rule ${relevant.source} cannot be checked`;
  // A recursive search reads files it never names (`grep -r KEY .` reads .env): a Read rule
  // cannot be checked against them.
  const readRule = rules.find((r) => r.specifier !== undefined && isReadRule(r));
  const searching = readRule && facts.commands.find((c) => searchesRecursively(c.command));
  return searching && readRule
    ? `\`${searching.command.text}\` reads files it does not name, so rule ${readRule.source} cannot be checked`
    : undefined;
}

/** grep -r, rg, ag, ack and git grep read whole folders, the working directory by default. */
function searchesRecursively(command: SimpleCommand): boolean {
  const [program, ...args] = command.argv.map((w) => (w.kind === "literal" ? w.value : ""));
  const name = (program ?? "").slice((program ?? "").lastIndexOf("/") + 1);
  if (["rg", "ag", "ack", "ack-grep"].includes(name)) return true;
  if (name === "git") return args.find((a) => !a.startsWith("-")) === "grep";
  if (!["grep", "egrep", "fgrep"].includes(name)) return false;
  return args.some(
    (a) =>
      /^-[^-]*[rR]/.test(a) ||
      a === "--recursive" ||
      a === "--dereference-recursive" ||
      a === "--directories=recurse",
  );
}

/** A simple command that removes `/`, home, a workspace root or a folder above one. */
export function criticalCommand(facts: CommandFacts, context: DecisionContext): string | undefined {
  const critical = facts.commands.find((c) =>
    // Judged from every folder the command may run in; from the root when that is unknown.
    (c.cwds ?? [context.cwd]).some((cwd) =>
      criticalRemoval(c.command, { home: context.home, workspaceRoots: context.roots, cwd }),
    ),
  );
  return critical?.command.text;
}

/** Why the command writes a protected path (through a redirect or an argument of a writing command). */
export function bashProtectedWrite(
  facts: CommandFacts,
  context: DecisionContext,
): string | undefined {
  for (const command of facts.commands) {
    for (const operand of command.operands) {
      if (!writesOperand(command, operand)) continue;
      for (const path of operand.resolved) {
        const reason =
          protectedReason(path.real, context) ?? protectedReason(path.absolute, context);
        if (reason !== undefined)
          return `\`${command.command.text}\` may write ${operand.word}: ${reason}`;
      }
    }
  }
  return undefined;
}

/** A redirect that writes outside the workspace. */
export function bashOutsideWrite(facts: CommandFacts): string | undefined {
  for (const command of facts.commands) {
    const outside = command.operands.find(
      (o) => o.role === "output" && o.resolved.some((path) => !path.inside),
    );
    if (outside) return `\`${command.command.text}\` writes ${outside.word}, outside the workspace`;
  }
  return undefined;
}

/** Whether the command may change anything: it is not wholly read-only commands with no writes. */
export function commandMutates(facts: CommandFacts): boolean {
  if (facts.analysis.kind === "unparsable" || facts.analysis.hazards.length > 0) return true;
  return facts.commands.some(
    (c) =>
      !onlyReads(c) ||
      c.operands.some((o) => o.role === "output") ||
      c.unresolved.some((u) => u.role === "output"),
  );
}

export type BashApproval =
  | { approved: true; rules: string[] }
  /** `restricted`: a deny or ask rule, not the lack of an allow rule, kept it from approval. */
  | { approved: false; reason: string; restricted?: true };

/**
 * Whether allow rules and the read-only list approve the whole command: it parsed, hides nothing,
 * every simple command is allowed by a rule or is read-only (naming only paths inside the
 * workspace), and each file it writes through a redirect is allowed (an Edit rule, or acceptEdits
 * inside the workspace). With Read/Edit deny or ask rules in force, a word that cannot be resolved
 * (`$F`) is not approved either: it might name what they cover.
 */
export function bashApproval(
  allow: readonly Rule[],
  restrictions: readonly Rule[],
  facts: CommandFacts,
  context: DecisionContext,
  acceptEdits: boolean,
): BashApproval {
  const bare = allow.find((r) => ruleNamesTool(r, "Bash") && r.specifier === undefined);
  if (bare) return { approved: true, rules: [bare.source] };
  if (facts.analysis.kind === "unparsable") {
    return {
      approved: false,
      reason: `the command could not be parsed (${facts.analysis.reason})`,
    };
  }
  const hazard = facts.analysis.hazards[0];
  if (hazard) return { approved: false, reason: `${describeHazard(hazard)}: \`${hazard.text}\`` };
  const pathRule = restrictions.find(
    (r) => r.specifier !== undefined && (isReadRule(r) || isEditRule(r)),
  );
  const used: string[] = [];
  for (const command of facts.commands) {
    const text = command.command.text;
    const unknown = command.unresolved[0];
    if (unknown && pathRule) {
      return {
        approved: false,
        reason: `\`${unknown.text}\` in \`${text}\` cannot be checked against ${pathRule.source}`,
        restricted: true,
      };
    }
    const rule = allow.find(
      (r) =>
        ruleNamesTool(r, "Bash") &&
        r.specifier !== undefined &&
        bashRuleMatches(r.specifier, command.command),
    );
    if (rule) {
      if (!used.includes(rule.source)) used.push(rule.source);
    } else if (!onlyReads(command)) {
      return {
        approved: false,
        reason: `\`${text}\` is not allowed by a rule and is not read-only`,
      };
    } else {
      const obstacle = readOnlyObstacle(command);
      // Reading outside the workspace is the boundary's ask, not the lack of a rule.
      if (obstacle !== undefined) {
        return obstacle.outside
          ? { approved: false, reason: obstacle.reason, restricted: true }
          : { approved: false, reason: obstacle.reason };
      }
    }
    for (const operand of command.operands) {
      if (operand.role !== "output") continue;
      if (!outputAllowed(operand, allow, context, acceptEdits)) {
        return {
          approved: false,
          reason: `\`${text}\` writes ${operand.word}, which no rule allows`,
        };
      }
    }
    const output = command.unresolved.find((u) => u.role === "output");
    if (output) return { approved: false, reason: `\`${text}\` writes to \`${output.text}\`` };
  }
  return { approved: true, rules: used };
}

/**
 * Why a command the read-only list (or `cd`) accepts cannot run unasked: it names a path outside
 * the workspace or a word known only at run time; undefined when it can.
 */
function readOnlyObstacle(
  command: SimpleCommandFacts,
): { reason: string; outside: boolean } | undefined {
  const text = command.command.text;
  const unknown = command.unresolved[0];
  if (unknown) {
    return {
      reason: `\`${text}\` names \`${unknown.text}\`, which is only known when it runs`,
      outside: false,
    };
  }
  const outside = command.operands.find(
    (o) => o.role !== "output" && o.resolved.some((path) => !path.inside),
  );
  if (outside) {
    return { reason: `\`${text}\` reads ${outside.word}, outside the workspace`, outside: true };
  }
  return undefined;
}

/** Read-only, or a change of folder (`cd`, `pushd`, `popd`: command-facts.ts follows where it goes). */
function onlyReads(command: SimpleCommandFacts): boolean {
  const cmd = command.command;
  const program = cmd.argv[0];
  if (program?.kind === "literal" && ["cd", "pushd", "popd"].includes(program.value)) {
    return (
      cmd.assignments.length === 0 &&
      cmd.redirects.length === 0 &&
      cmd.argv.every((w) => w.kind === "literal")
    );
  }
  return isReadOnlyCommand(cmd);
}

function outputAllowed(
  operand: Operand,
  allow: readonly Rule[],
  context: DecisionContext,
  acceptEdits: boolean,
): boolean {
  if (!operand.resolved.every((path) => path.inside)) return false;
  if (acceptEdits) return true;
  return operand.resolved.every((path) =>
    allow.some(
      (r) =>
        isEditRule(r) && (r.specifier === undefined || pathMatcher(r, context).matches(path.real)),
    ),
  );
}

function readsOperand(operand: Operand): boolean {
  return operand.role === "argument" || operand.role === "input";
}

/** Redirect targets, and every argument of a command not known to be read-only. */
function writesOperand(command: SimpleCommandFacts, operand: Operand): boolean {
  if (operand.role === "output") return true;
  return operand.role === "argument" && !onlyReads(command);
}

function operandMatches(matcher: PathMatcher, operand: Operand): boolean {
  return operand.resolved.some(
    (path) => matcher.matches(path.absolute) || matcher.matches(path.real),
  );
}

export function pathMatcher(rule: Rule, context: DecisionContext): PathMatcher {
  return compilePathPattern(rule.specifier ?? "**", context, rule.root);
}

function hidingHazard(facts: CommandFacts): string | undefined {
  if (facts.analysis.kind === "unparsable") {
    return `the command could not be parsed (${facts.analysis.reason})`;
  }
  const hazard = facts.analysis.hazards.find((h) => hidingHazards.has(h.kind));
  return hazard && `${describeHazard(hazard)} (\`${hazard.text}\`)`;
}

function describeHazard(hazard: Hazard): string {
  switch (hazard.kind) {
    case "command_substitution":
      return "it runs a command substitution";
    case "process_substitution":
      return "it runs a process substitution";
    case "eval":
      return "it runs a script built at run time";
    case "dynamic_program":
      return "the program's name is only known at run time";
    case "dangerous_env":
      return "it sets an environment variable that changes what runs";
    case "background":
      return "it starts a background process";
    case "function_definition":
      return "it defines a shell function";
    case "other":
      return "it uses shell syntax that cannot be judged";
    default: {
      const never: never = hazard;
      return never;
    }
  }
}
