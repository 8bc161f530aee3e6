// What a hook may print on stdout when it exits 0: Claude Code's documented JSON object, or
// plain text. JSON that does not parse or has fields of the wrong type is reported, never fatal.

import * as z from "zod/mini";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";

useEnglishValidationMessages();

const text = z.string();

/** Loose: Claude Code keeps adding fields (`defer`, `updatedPermissions`…); unknown ones are ignored. */
const hookSpecificOutputSchema = z.looseObject({
  hookEventName: z.optional(text),
  permissionDecision: z.optional(z.enum(["allow", "deny", "ask", "defer"])),
  permissionDecisionReason: z.optional(text),
  updatedInput: z.optional(z.record(z.string(), z.unknown())),
  additionalContext: z.optional(text),
});

const hookOutputSchema = z.looseObject({
  continue: z.optional(z.boolean()),
  stopReason: z.optional(text),
  suppressOutput: z.optional(z.boolean()),
  systemMessage: z.optional(text),
  /** `approve`/`block` is the deprecated PreToolUse form; `block` also serves the other events. */
  decision: z.optional(z.enum(["approve", "block"])),
  reason: z.optional(text),
  hookSpecificOutput: z.optional(hookSpecificOutputSchema),
});

export type HookOutput = z.output<typeof hookOutputSchema>;

export type ParsedStdout =
  | { kind: "empty" }
  | { kind: "text"; text: string }
  | { kind: "json"; output: HookOutput }
  /** Looked like JSON but was not usable: `problem` says why, for a warning. */
  | { kind: "invalid"; problem: string };

/** Reads a successful hook's stdout: JSON when it is a JSON object, else plain text. */
export function parseStdout(stdout: string): ParsedStdout {
  const trimmed = stdout.trim();
  if (trimmed === "") return { kind: "empty" };
  if (!trimmed.startsWith("{")) return { kind: "text", text: trimmed };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return {
      kind: "invalid",
      problem: `its output is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const parsed = hookOutputSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join(".") || "(top level)"}: ${issue.message}`,
    );
    return { kind: "invalid", problem: `its JSON output has wrong fields: ${issues.join("; ")}` };
  }
  return { kind: "json", output: parsed.data };
}
