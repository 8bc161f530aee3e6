// The permission decision: a pure function of the mode, the rules and what a call would access,
// with paths and shell commands already resolved by the caller (prepare-query.ts). The front-end
// answers "ask"; this module never does I/O.

import { isWithin, type ResolvedPath } from "../tools/index.ts";
import {
  bashApproval,
  bashOutsideWrite,
  bashProtectedWrite,
  bashRestriction,
  bashUncheckable,
  commandMutates,
  criticalCommand,
  pathMatcher,
  type RuleHit,
} from "./bash-decision.ts";
import type { CommandFacts } from "./command-facts.ts";
import { domainMatches, hostOf } from "../core/domains.ts";
import { parseDomainSpecifier } from "./domain-rules.ts";
import { protectedReason } from "./protected-paths.ts";
import { ruleNamesTool, type Rule } from "./rules.ts";

export type PermissionMode = "default" | "acceptEdits" | "plan" | "dontAsk" | "bypassPermissions";

export const permissionModes: readonly PermissionMode[] = [
  "default",
  "acceptEdits",
  "plan",
  "dontAsk",
  "bypassPermissions",
];

export interface PermissionPolicy {
  mode: PermissionMode;
  allow: readonly Rule[];
  ask: readonly Rule[];
  deny: readonly Rule[];
}

/** Where the call happens: what relative rules, protected paths and the boundary are judged against. */
export interface DecisionContext {
  /** The session's working directory (a real path); `path` and `./path` patterns anchor here. */
  cwd: string;
  /** The user's home folder (a real path). */
  home: string;
  /** darwin and win32 compare paths case-insensitively. */
  platform: NodeJS.Platform;
  /** The workspace roots (real paths): the start folder and added directories. */
  roots: readonly string[];
  /** Real git folders that `.git` files near the written paths point to (`gitdir: …`). */
  gitDirs: readonly string[];
  /**
   * Folders outside the workspace that reads may reach as if inside it (real paths): the
   * session's output folder, where a long command's whole output is kept for Read and Grep.
   */
  readable?: readonly string[];
}

/** What a call would access, resolved: real paths for file tools, the parsed command for Bash. */
export type ResolvedAccess =
  | { kind: "none" }
  | { kind: "read"; paths: readonly ResolvedPath[] }
  | { kind: "write"; paths: readonly ResolvedPath[] }
  | { kind: "command"; command: string; facts: CommandFacts }
  | { kind: "network"; url: string }
  | { kind: "mcp"; server: string; tool: string };

export interface PermissionQuery {
  toolName: string;
  readOnly: boolean;
  access: ResolvedAccess;
  context: DecisionContext;
}

export interface Decision {
  behavior: "allow" | "ask" | "deny";
  /** Why, in words a user or model can act on. */
  reason: string;
  /** The rule that decided, if one did (several, comma-separated, for a compound command). */
  rule?: string;
  /**
   * Set on an "ask" that only the mode's default made: no rule matched and no safety check
   * (protected path, workspace boundary, critical removal, a rule that cannot be checked) asked.
   * Only such an ask may a PreToolUse hook's "allow" answer (agent/run-tools.ts).
   */
  byDefault?: true;
}

/**
 * The order: deny rules; ask rules; `rm` of a critical path (asks even in bypassPermissions);
 * plan mode's refusal of changes; bypassPermissions; writes to protected paths (ask); the
 * workspace boundary (ask, unless an allow rule names the outside path); allow rules; read-only
 * tools and commands; the mode. In dontAsk mode every "ask" is a deny.
 */
export function decide(policy: PermissionPolicy, query: PermissionQuery): Decision {
  const { access, context } = query;
  const mode = policy.mode;
  const mutates = accessMutates(query);
  const ask = (reason: string, rule?: string): Decision => {
    if (mode === "dontAsk") {
      return withRule(
        { behavior: "deny", reason: `${reason} (dontAsk mode denies what it would ask)` },
        rule,
      );
    }
    if (mode === "plan" && mutates) {
      return withRule(
        { behavior: "deny", reason: `${reason} (plan mode allows no changes)` },
        rule,
      );
    }
    return withRule({ behavior: "ask", reason }, rule);
  };

  const denied = restriction(policy.deny, query);
  if (denied) {
    return {
      behavior: "deny",
      reason: `denied by rule ${denied.rule}: ${denied.reason}`,
      rule: denied.rule,
    };
  }
  if (access.kind === "command") {
    const hidden = bashUncheckable([...policy.deny, ...policy.ask], access.facts);
    if (hidden !== undefined) return ask(hidden);
  }
  const asked = restriction(policy.ask, query);
  if (asked) return ask(`rule ${asked.rule} asks: ${asked.reason}`, asked.rule);
  if (access.kind === "command") {
    const critical = criticalCommand(access.facts, context);
    if (critical !== undefined) return ask(`\`${critical}\` removes a critical path`);
  }
  if (mode === "plan" && mutates) {
    return { behavior: "deny", reason: `plan mode allows no changes (${query.toolName})` };
  }
  if (mode === "bypassPermissions") return { behavior: "allow", reason: "bypassPermissions mode" };

  const protectedWrite = protectedWriteReason(query);
  if (protectedWrite !== undefined) return ask(protectedWrite);

  if (access.kind === "command") return decideCommand(policy, query, access.facts, ask);

  const outside = fileAccessOutside(query);
  const granted = grantingRules(policy.allow, query);
  if (outside !== undefined && granted === undefined) {
    return ask(`${query.toolName} would reach ${outside}, outside the workspace`);
  }
  if (granted !== undefined) {
    return {
      behavior: "allow",
      reason: `allowed by rule ${granted.join(", ")}`,
      rule: granted.join(", "),
    };
  }
  if (query.readOnly && (access.kind === "read" || access.kind === "none")) {
    return { behavior: "allow", reason: "read-only tool" };
  }
  if (mode === "acceptEdits" && access.kind === "write") {
    return { behavior: "allow", reason: "acceptEdits mode" };
  }
  return byDefault(ask(needsApproval(query)));
}

function decideCommand(
  policy: PermissionPolicy,
  query: PermissionQuery,
  facts: CommandFacts,
  ask: (reason: string, rule?: string) => Decision,
): Decision {
  const outside = bashOutsideWrite(facts);
  if (outside !== undefined) return ask(outside);
  const approval = bashApproval(
    policy.allow,
    [...policy.deny, ...policy.ask],
    facts,
    query.context,
    policy.mode === "acceptEdits",
  );
  if (!approval.approved) {
    const asked = ask(`${query.toolName} needs approval: ${approval.reason}`);
    return approval.restricted ? asked : byDefault(asked);
  }
  if (approval.rules.length === 0) return { behavior: "allow", reason: "read-only command" };
  const rule = approval.rules.join(", ");
  return { behavior: "allow", reason: `allowed by rule ${rule}`, rule };
}

/** The first rule of the list that covers the call (deny and ask lists: any path, any command). */
function restriction(rules: readonly Rule[], query: PermissionQuery): RuleHit | undefined {
  const { access } = query;
  if (access.kind === "command") return bashRestriction(rules, access.facts, query.context);
  for (const rule of rules) {
    if (!ruleNamesTool(rule, query.toolName)) continue;
    if (rule.specifier === undefined)
      return { rule: rule.source, reason: `covers ${query.toolName}` };
    switch (access.kind) {
      case "read":
      case "write": {
        const matcher = pathMatcher(rule, query.context);
        const path = access.paths.find(
          (p) => matcher.matches(p.absolute) || matcher.matches(p.real),
        );
        if (path) return { rule: rule.source, reason: `covers ${path.display}` };
        break;
      }
      case "network": {
        const pattern = parseDomainSpecifier(rule.specifier);
        const host = hostOf(access.url);
        // A specifier that is not a domain, or a URL without a host, cannot be judged: it restricts.
        if (!pattern || host === undefined || domainMatches(pattern, host)) {
          return { rule: rule.source, reason: `covers ${host ?? access.url}` };
        }
        break;
      }
      case "none":
      case "mcp":
        // Specifiers of other tools are not understood yet: they restrict rather than be ignored.
        return { rule: rule.source, reason: `covers ${query.toolName}` };
      default: {
        const never: never = access;
        return never;
      }
    }
  }
  return undefined;
}

/**
 * The allow rules that together grant every part of the call, or undefined. A bare rule grants
 * inside the workspace; outside it, only a rule whose path pattern names the (real) path does.
 */
function grantingRules(allow: readonly Rule[], query: PermissionQuery): string[] | undefined {
  const { access } = query;
  const rules = allow.filter((r) => ruleNamesTool(r, query.toolName));
  switch (access.kind) {
    case "read":
    case "write": {
      const used = new Set<string>();
      for (const path of access.paths) {
        const rule = rules.find((r) =>
          r.specifier === undefined
            ? path.inside
            : pathMatcher(r, query.context).matches(path.real),
        );
        if (!rule) return undefined;
        used.add(rule.source);
      }
      return used.size === 0 ? undefined : [...used];
    }
    case "network": {
      const host = hostOf(access.url);
      const rule = rules.find((r) => {
        if (r.specifier === undefined) return true;
        const pattern = parseDomainSpecifier(r.specifier);
        return pattern !== undefined && host !== undefined && domainMatches(pattern, host);
      });
      return rule && [rule.source];
    }
    case "none":
    case "mcp": {
      const rule = rules.find((r) => r.specifier === undefined);
      return rule && [rule.source];
    }
    case "command":
      return undefined; // decideCommand
    default: {
      const never: never = access;
      return never;
    }
  }
}

/** Why a file write is protected, judged on the path as written and as resolved. */
function protectedWriteReason(query: PermissionQuery): string | undefined {
  const { access, context } = query;
  if (access.kind === "command") return bashProtectedWrite(access.facts, context);
  if (access.kind !== "write") return undefined;
  for (const path of access.paths) {
    const reason = protectedReason(path.real, context) ?? protectedReason(path.absolute, context);
    if (reason !== undefined) return `${query.toolName} would write ${path.display}: ${reason}`;
  }
  return undefined;
}

function fileAccessOutside(query: PermissionQuery): string | undefined {
  const { access } = query;
  if (access.kind !== "read" && access.kind !== "write") return undefined;
  const readable = access.kind === "read" ? (query.context.readable ?? []) : [];
  return access.paths.find((p) => !p.inside && !readable.some((dir) => isWithin(dir, p.real)))
    ?.display;
}

function accessMutates(query: PermissionQuery): boolean {
  const { access } = query;
  switch (access.kind) {
    case "write":
      return true;
    case "command":
      return commandMutates(access.facts);
    case "read":
    case "network":
      return false;
    case "none":
    case "mcp":
      // A server's readOnlyHint is its own claim: plan mode trusts it, the allow step below does not.
      return !query.readOnly;
    default: {
      const never: never = access;
      return never;
    }
  }
}

function needsApproval(query: PermissionQuery): string {
  const { access } = query;
  if (access.kind === "network")
    return `${query.toolName} needs approval to reach ${hostOf(access.url) ?? access.url}`;
  if (access.kind === "mcp")
    return `${query.toolName} (tool "${access.tool}" of MCP server "${access.server}") needs approval`;
  return `${query.toolName} needs approval`;
}

/** Marks an ask that came from the mode's default alone (dontAsk and plan turned it into a deny). */
function byDefault(decision: Decision): Decision {
  return decision.behavior === "ask" ? { ...decision, byDefault: true } : decision;
}

function withRule(decision: Decision, rule: string | undefined): Decision {
  return rule === undefined ? decision : { ...decision, rule };
}
