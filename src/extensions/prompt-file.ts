// One Markdown prompt file (a custom command or a SKILL.md) read into its checked fields:
// description, argument hint, allowed tools as permission rules, model, and who may invoke it.
// A problem is a ExtensionFileError naming the file, the line and what was expected.

import { ExtensionFileError } from "./file-error.ts";
import { lineOfKey } from "./key-line.ts";

// Loaded lazily by the loaders, which catch this class; it comes with the module.
export { ExtensionFileError };
import { readFile } from "node:fs/promises";
import * as z from "zod/mini";
import { CairnError } from "../core/errors.ts";
import { parseRule, splitRuleList, type Rule } from "../permissions/index.ts";

export interface PromptFile {
  file: string;
  /** `name` from the frontmatter, when given (skills). */
  name?: string;
  /** From the frontmatter, else the body's first line. */
  description: string;
  argumentHint?: string;
  allowedTools: Rule[];
  model?: string;
  disableModelInvocation: boolean;
  userInvocable: boolean;
  body: string;
}

const text = z.string();
const flag = z.union([z.boolean(), z.enum(["true", "false"])]);
const fields = z.object({
  name: z.optional(text),
  description: z.optional(z.union([text, z.number()])),
  // `argument-hint: [message]` is a YAML list; people mean the brackets.
  "argument-hint": z.optional(z.union([text, z.array(z.union([text, z.number()]))])),
  "allowed-tools": z.optional(z.union([text, z.array(text)])),
  model: z.optional(text),
  "disable-model-invocation": z.optional(flag),
  "user-invocable": z.optional(flag),
});

const expected: Readonly<Record<string, string>> = {
  name: "a string",
  description: "a string",
  "argument-hint": 'a string like "[issue-number]"',
  "allowed-tools": 'a permission rule list like "Bash(git add:*), Bash(git status:*)"',
  model: 'a model name like "sonnet" or "anthropic/claude-sonnet-4-5"',
  "disable-model-invocation": "true or false",
  "user-invocable": "true or false",
};

/**
 * Reads and checks `file`. `ruleRoot` anchors `/path` patterns of allowed-tools (the workspace
 * root for a project's files).
 */
export async function readPromptFile(file: string, ruleRoot: string): Promise<PromptFile> {
  const source = await readFile(file, "utf8");
  // The YAML parser costs tens of milliseconds to load: only sessions that have such files pay.
  const { parseFrontmatterLenient } = await import("./lenient-frontmatter.ts");
  const parsed = parseFrontmatterLenient(source, file);
  const checked = fields.safeParse(parsed.data);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const key = String(issue?.path[0] ?? "");
    throw new ExtensionFileError(
      file,
      lineOfKey(source, key),
      `${key}: expected ${expected[key] ?? "a different value"}`,
    );
  }
  const data = checked.data;
  const rules: Rule[] = [];
  const tools = data["allowed-tools"];
  if (tools !== undefined) {
    for (const rule of splitRuleList(typeof tools === "string" ? [tools] : tools)) {
      try {
        rules.push(parseRule(rule, `allowed-tools (${file})`, ruleRoot));
      } catch (error) {
        if (!(error instanceof CairnError)) throw error;
        throw new ExtensionFileError(
          file,
          lineOfKey(source, "allowed-tools"),
          `allowed-tools: "${rule}" is not a permission rule (${error.hint ?? "write e.g. Bash(git status:*)"})`,
        );
      }
    }
  }
  const hint = data["argument-hint"];
  const description =
    data.description !== undefined ? String(data.description).trim() : firstLine(parsed.body);
  return {
    file,
    ...(data.name !== undefined ? { name: data.name.trim() } : {}),
    description,
    ...(hint !== undefined
      ? { argumentHint: typeof hint === "string" ? hint : hint.map((h) => `[${h}]`).join(" ") }
      : {}),
    allowedTools: rules.map((rule) => ({ ...rule, source: `${rule.source} (allowed-tools)` })),
    // "inherit" (Claude Code's word for the session's model) is the same as no model.
    ...(data.model !== undefined && !["", "inherit"].includes(data.model.trim())
      ? { model: data.model.trim() }
      : {}),
    disableModelInvocation: isTrue(data["disable-model-invocation"]),
    userInvocable: data["user-invocable"] === undefined || isTrue(data["user-invocable"]),
    body: parsed.body,
  };
}

function isTrue(value: boolean | "true" | "false" | undefined): boolean {
  return value === true || value === "true";
}

/** The body's first non-empty line without Markdown heading marks, short enough for a menu. */
function firstLine(body: string): string {
  const line = body
    .split("\n")
    .map((l) => l.replace(/^#+\s*/, "").trim())
    .find((l) => l !== "");
  if (line === undefined) return "";
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
