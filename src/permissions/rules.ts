// Permission rules in Claude Code's documented syntax: `Tool` or `Tool(specifier)`.
// Parsing only; deciding is decide.ts.

import { CairnError } from "../core/errors.ts";

export interface Rule {
  /** The rule as written, for messages and the "decided by" field. */
  source: string;
  tool: string;
  /** undefined for a bare tool name or `Tool(*)`: the rule covers every call of the tool. */
  specifier: string | undefined;
}

/** Old and new names of the same tool, so rules written for either keep working. */
const toolAliases: Readonly<Record<string, string>> = { Task: "Agent" };

export function canonicalToolName(name: string): string {
  return toolAliases[name] ?? name;
}

export function parseRule(text: string, origin: string): Rule {
  const source = text.trim();
  const match = /^([A-Za-z0-9_*-]+)(?:\((.*)\))?$/s.exec(source);
  if (!match?.[1]) {
    throw new CairnError(
      "bad_flag",
      `${origin}: "${text}" is not a permission rule`,
      'Write a tool name, optionally with a specifier: "Read", "Bash(npm test:*)", "WebFetch(domain:example.com)"',
    );
  }
  const specifier = match[2]?.trim();
  return {
    source,
    tool: canonicalToolName(match[1]),
    specifier:
      specifier === undefined || specifier === "" || specifier === "*" ? undefined : specifier,
  };
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
