// A subagent definition: what a `.claude/agents/*.md` file (or a built-in) says about a child
// agent, checked field by field. Parsing only; finding the files is load.ts.

import * as z from "zod/mini";
import { useEnglishValidationMessages } from "../../core/validation-messages.ts";
import { splitRuleList } from "../../permissions/index.ts";
import { ExtensionFileError } from "../file-error.ts";
import { lineOfKey } from "../key-line.ts";

// Loaded lazily by the loaders, which catch this class; it comes with the module.
export { ExtensionFileError };
import { parseFrontmatterLenient } from "../lenient-frontmatter.ts";

useEnglishValidationMessages();

export interface AgentDefinition {
  /** The `subagent_type` a Task call names. */
  name: string;
  /** When to use it: listed in the Task tool's description for the model. */
  description: string;
  /** Tool names it may use (always within the parent's); undefined inherits the parent's. */
  tools?: readonly string[];
  disallowedTools?: readonly string[];
  /** `inherit` (default), `sonnet`, `opus`, `haiku`, or a cairn model spec (`openai/gpt-5`). */
  model: string;
  /** Model calls the child may make; undefined means no limit of its own. */
  maxTurns?: number;
  /** The child's instructions; the working directory and platform lines are added to them. */
  prompt: string;
  /** Where it came from: a file path, or "built-in". */
  source: string;
}

/** Lowercase letters, digits and hyphens, as Claude Code documents `name` (underscores tolerated). */
const namePattern = /^[a-z0-9][a-z0-9_-]*$/;

/** `Read, Grep` or a YAML list; `Bash(git:*)` counts as `Bash` (a tool list, not a rule list). */
const toolList = z.union([z.string(), z.array(z.string())]);

const frontmatterSchema = z.object({
  name: z.string().check(z.regex(namePattern, "expected lowercase letters, digits and hyphens")),
  description: z.string().check(z.minLength(1, "expected a non-empty description")),
  tools: z.optional(z.nullable(toolList)),
  disallowedTools: z.optional(z.nullable(toolList)),
  model: z.optional(z.nullable(z.string())),
  maxTurns: z.optional(
    z.union([
      z.number().check(z.int(), z.positive()),
      z.string().check(z.regex(/^\d+$/, "expected a positive whole number")),
    ]),
  ),
});

/** Reads an agent file's text; throws ExtensionFileError naming the file, line and field. */
export function parseAgentDefinition(text: string, file: string): AgentDefinition {
  const doc = parseFrontmatterLenient(text, file);
  const parsed = frontmatterSchema.safeParse(doc.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = typeof issue?.path[0] === "string" ? issue.path[0] : undefined;
    const missing = key !== undefined && !(key in doc.data);
    throw new ExtensionFileError(
      file,
      key !== undefined && !missing ? lineOfKey(text, key) : 1,
      key === undefined
        ? (issue?.message ?? "invalid frontmatter")
        : missing
          ? `${key}: required in the frontmatter`
          : `${key}: ${issue?.message ?? "invalid"}`,
    );
  }
  const data = parsed.data;
  const prompt = doc.body.trim();
  if (prompt === "") {
    throw new ExtensionFileError(
      file,
      doc.bodyLine,
      "the body (the agent's system prompt) is empty",
    );
  }
  const tools = toolNames(data.tools);
  const disallowed = toolNames(data.disallowedTools);
  return {
    name: data.name,
    description: data.description.trim(),
    ...(tools !== undefined ? { tools } : {}),
    ...(disallowed !== undefined ? { disallowedTools: disallowed } : {}),
    model: data.model?.trim() || "inherit",
    ...(data.maxTurns !== undefined ? { maxTurns: Number(data.maxTurns) } : {}),
    prompt,
    source: file,
  };
}

/** The names in a `tools` value; undefined when absent or empty (both mean "inherit"). */
function toolNames(value: string | string[] | null | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : splitRuleList([value]);
  const names = items
    .map((item) =>
      item
        .trim()
        .replace(/\(.*\)$/s, "")
        .trim(),
    )
    .filter((name) => name !== "");
  return names.length > 0 ? [...new Set(names)] : undefined;
}
