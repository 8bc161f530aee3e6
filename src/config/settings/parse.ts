// One settings file's text → validated settings plus warnings, or a CairnError that names the
// file, the place (line and column, or key path) and what was expected. No file system here.

import { useEnglishValidationMessages } from "../../core/validation-messages.ts";
import { describeIssue, unknownKeys, unknownKeyWarning, type UnknownKey } from "./issues.ts";
import { findJsonSyntaxProblem, lineAndColumn } from "./json-syntax.ts";
import { deleteValueAt, isPlainObject, valueAt } from "./key-path.ts";
import { settingsSchema, type Settings } from "./schema.ts";
import { settingsError } from "./settings-error.ts";

useEnglishValidationMessages();

export interface ParsedSettings {
  settings: Settings;
  /** Each names the file: unknown keys, values cairn reads differently. */
  warnings: string[];
  /** The keys that were dropped as unknown (also in `warnings`). */
  unknownKeys: UnknownKey[];
}

const syntaxHint =
  "Settings files are strict JSON: double quotes, no comments, no trailing commas. Nothing from this file was used.";

/**
 * Parses a settings file's text. A file with nothing but white space is an error, like any other
 * invalid JSON: an empty file is more often a failed write than a wish for no settings, and
 * silently dropping a file that should hold deny rules is the unsafe reading. Write `{}`.
 */
export function parseSettingsText(text: string, file: string): ParsedSettings {
  return parseSettingsValue(parseJson(text, file), file);
}

/** The JSON value of a settings file's text; a syntax error names the line and column. */
export function parseJson(text: string, file: string): unknown {
  // Editors on Windows may start the file with a byte order mark; JSON.parse refuses it.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (body.trim() === "") {
    throw settingsError(file, "the file is empty", "Write {} for no settings, or delete the file");
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const problem = findJsonSyntaxProblem(body) ?? fromV8(body, error);
    const where = `line ${problem.line}, column ${problem.column}`;
    throw settingsError(file, `${where}: ${problem.message}`, syntaxHint, { cause: error });
  }
}

/** Validates an already parsed value (the file's JSON, or settings built from flags). */
export function parseSettingsValue(input: unknown, file: string): ParsedSettings {
  if (!isPlainObject(input)) {
    throw settingsError(
      file,
      `expected an object {...} at the top level, got ${describeTop(input)}`,
      'Write the settings as one JSON object, e.g. {"permissions": {"allow": ["Bash(npm test:*)"]}}',
    );
  }
  const warnings: string[] = [];
  const cleaned = structuredClone(input);
  if (valueAt(cleaned, ["permissions", "defaultMode"]) === "auto") {
    // Claude Code's classifier mode; refusing the whole file over it would strand its users.
    deleteValueAt(cleaned, ["permissions", "defaultMode"]);
    warnings.push(
      `settings: ${file}: permissions.defaultMode "auto" is not supported by cairn, ignored (the mode stays "default")`,
    );
  }
  const first = settingsSchema.safeParse(cleaned);
  if (first.success) return { settings: first.data, warnings, unknownKeys: [] };

  const problems: string[] = [];
  const unknown: UnknownKey[] = [];
  const unknownPaths: Array<ReadonlyArray<string | number>> = [];
  for (const issue of first.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of unknownKeys(issue)) {
        unknown.push(key);
        warnings.push(`settings: ${file}: ${unknownKeyWarning(key)}`);
      }
      for (const key of issue.keys) unknownPaths.push([...issuePath(issue.path), key]);
    } else {
      problems.push(describeIssue(issue, cleaned));
    }
  }
  if (problems.length > 0) {
    const [head, ...rest] = problems;
    const more = rest.length > 0 ? `Also: ${rest.slice(0, 5).join("; ")}` : undefined;
    throw settingsError(file, head ?? "invalid settings", more ?? "Fix or remove that key");
  }
  for (const path of unknownPaths) deleteValueAt(cleaned, path);
  const second = settingsSchema.safeParse(cleaned);
  if (!second.success) {
    // Unreachable in practice: the only issues were the keys just removed.
    const issue = second.error.issues[0];
    throw settingsError(file, issue ? describeIssue(issue, cleaned) : "invalid settings");
  }
  return { settings: second.data, warnings, unknownKeys: unknown };
}

function issuePath(path: readonly PropertyKey[]): Array<string | number> {
  return path.map((part) => (typeof part === "number" ? part : String(part)));
}

function describeTop(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** Only when the scanner found nothing wrong but V8 did: its message, with its own position if any. */
function fromV8(text: string, error: unknown): { line: number; column: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const offset = /at position (\d+)/.exec(message)?.[1];
  const at = offset === undefined ? text.length : Number(offset);
  return {
    ...lineAndColumn(text, at),
    message: message.replace(/ in JSON at position \d+.*$/, ""),
  };
}
