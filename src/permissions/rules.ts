// Permission rules in Claude Code's documented syntax: `Tool` or `Tool(specifier)`, and which
// tools a rule's name covers. Parsing only; matching specifiers is path-rules.ts, domain-rules.ts
// and the shell analysis, deciding is decide.ts.

import { CairnError } from "../core/errors.ts";
import { parseDomainSpecifier } from "./domain-rules.ts";

export interface Rule {
  /** The rule as written, for messages and the "decided by" field. */
  source: string;
  tool: string;
  /** undefined for a bare tool name or `Tool(*)`: the rule covers every call of the tool. */
  specifier: string | undefined;
  /**
   * Where `/path` patterns anchor: the project root for project settings, the workspace root for
   * CLI rules. Undefined: the working directory.
   */
  root?: string;
}

/** Old and new names of the same tool, so rules written for either keep working. */
const toolAliases: Readonly<Record<string, string>> = { Task: "Agent" };

/**
 * Tools a rule names beyond its own: Read rules cover the search tools, Edit rules every tool that
 * writes files (a rule on one way of writing a file must not be sidestepped by another). A Write
 * rule names only Write, so `--disallowedTools Write` can leave editing existing files possible.
 */
const ruleFamilies: Readonly<Record<string, readonly string[]>> = {
  Read: ["Read", "Glob", "Grep", "LS"],
  Edit: ["Edit", "Write", "MultiEdit", "apply_patch", "NotebookEdit"],
};

export function canonicalToolName(name: string): string {
  return toolAliases[name] ?? name;
}

/** Whether a rule names this tool: directly, through its family, or as an MCP server's tool. */
export function ruleNamesTool(rule: Rule, toolName: string): boolean {
  const tool = canonicalToolName(toolName);
  if (rule.tool === tool) return true;
  if (ruleFamilies[rule.tool]?.includes(tool)) return true;
  return mcpServerCovers(rule.tool, tool);
}

/** Rules whose specifier is a path pattern that Read (and its family) judge. */
export function isReadRule(rule: Rule): boolean {
  return rule.tool === "Read";
}

/** Rules whose path pattern judges what a shell command writes (redirects, written arguments). */
export function isEditRule(rule: Rule): boolean {
  return rule.tool === "Edit" || rule.tool === "Write";
}

export function parseRule(text: string, origin: string, root?: string): Rule {
  const source = text.trim();
  const match = /^([A-Za-z0-9_*-]+)(?:\((.*)\))?$/s.exec(source);
  if (!match?.[1]) {
    throw new CairnError(
      "bad_flag",
      `${origin}: "${text}" is not a permission rule`,
      'Write a tool name, optionally with a specifier: "Read", "Bash(npm test:*)", "WebFetch(domain:example.com)"',
    );
  }
  const raw = match[2]?.trim();
  const specifier = raw === undefined || raw === "" || raw === "*" ? undefined : raw;
  const tool = canonicalToolName(match[1]);
  if (tool === "WebFetch" && specifier?.startsWith("domain:") && !parseDomainSpecifier(specifier)) {
    throw new CairnError(
      "bad_flag",
      `${origin}: "${text}" names no valid domain`,
      'Write a host name, "*.example.com" for its subdomains, or "*" for any: "WebFetch(domain:example.com)"',
    );
  }
  return { source, tool, specifier, ...(root === undefined ? {} : { root }) };
}

/**
 * Splits a CLI rule list the way `--allowedTools` takes it: separate arguments, each of which may
 * hold several rules separated by commas or spaces outside parentheses.
 */
export function splitRuleList(values: readonly string[]): string[] {
  const rules: string[] = [];
  for (const value of values) {
    let depth = 0;
    let current = "";
    for (const char of value) {
      if (char === "(") depth++;
      if (char === ")") depth = Math.max(0, depth - 1);
      if (depth === 0 && (char === "," || char === " ")) {
        if (current.trim()) rules.push(current.trim());
        current = "";
      } else {
        current += char;
      }
    }
    if (current.trim()) rules.push(current.trim());
  }
  return rules;
}

/** `mcp__server` and `mcp__server__*` cover every tool of that server. */
function mcpServerCovers(ruleTool: string, toolName: string): boolean {
  if (!ruleTool.startsWith("mcp__")) return false;
  const server = ruleTool.endsWith("__*") ? ruleTool.slice(0, -3) : ruleTool;
  return server.split("__").length === 2 && toolName.startsWith(`${server}__`);
}
