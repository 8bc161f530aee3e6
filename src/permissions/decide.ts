// The permission decision: a pure function of the mode, the rules and what a call would access.
// Deny beats ask beats allow. The front-end answers "ask"; this module never does I/O.

import type { Access } from "../tools/tool.ts";
import { canonicalToolName, type Rule } from "./rules.ts";

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

export interface PermissionQuery {
  toolName: string;
  readOnly: boolean;
  access: Access;
  /** True when a path the call reads or writes resolves (symlinks followed) outside the workspace. */
  outsideWorkspace?: boolean;
}

export interface Decision {
  behavior: "allow" | "ask" | "deny";
  /** Why, in words a user or model can act on. */
  reason: string;
  /** The rule that decided, if one did. */
  rule?: string;
}

export function decide(policy: PermissionPolicy, query: PermissionQuery): Decision {
  const denied = policy.deny.find((r) => ruleCovers(r, query, "restrict"));
  if (denied)
    return { behavior: "deny", reason: `denied by rule ${denied.source}`, rule: denied.source };
  const asked = policy.ask.find((r) => ruleCovers(r, query, "restrict"));
  if (asked) return { behavior: "ask", reason: `rule ${asked.source} asks`, rule: asked.source };
  if (policy.mode === "bypassPermissions")
    return { behavior: "allow", reason: "bypassPermissions mode" };
  const allowed = policy.allow.find((r) => ruleCovers(r, query, "grant"));
  if (allowed)
    return { behavior: "allow", reason: `allowed by rule ${allowed.source}`, rule: allowed.source };
  if (query.outsideWorkspace) {
    if (policy.mode === "dontAsk" || policy.mode === "plan") {
      return { behavior: "deny", reason: `${query.toolName} would reach outside the workspace` };
    }
    return { behavior: "ask", reason: `${query.toolName} would reach outside the workspace` };
  }
  if (query.readOnly) return { behavior: "allow", reason: "read-only tool" };
  switch (policy.mode) {
    case "plan":
      return { behavior: "deny", reason: "plan mode allows no changes" };
    case "acceptEdits":
      if (query.access.kind === "write") return { behavior: "allow", reason: "acceptEdits mode" };
      return { behavior: "ask", reason: `${query.toolName} needs approval` };
    case "dontAsk":
      return { behavior: "deny", reason: `${query.toolName} is not pre-approved (dontAsk mode)` };
    case "default":
      return { behavior: "ask", reason: `${query.toolName} needs approval` };
    default: {
      const never: never = policy.mode;
      return never;
    }
  }
}

/**
 * Whether a rule applies to a call. Specifier matching (shell commands, paths, domains) is not
 * implemented yet, so a rule with a specifier fails safe: it never grants, and it always restricts.
 */
function ruleCovers(rule: Rule, query: PermissionQuery, use: "grant" | "restrict"): boolean {
  if (
    rule.tool !== canonicalToolName(query.toolName) &&
    !mcpServerCovers(rule.tool, query.toolName)
  ) {
    return false;
  }
  if (rule.specifier === undefined) return true;
  return use === "restrict";
}

/** `mcp__server` and `mcp__server__*` cover every tool of that server. */
function mcpServerCovers(ruleTool: string, toolName: string): boolean {
  if (!ruleTool.startsWith("mcp__")) return false;
  const server = ruleTool.endsWith("__*") ? ruleTool.slice(0, -3) : ruleTool;
  return server.split("__").length === 2 && toolName.startsWith(`${server}__`);
}
