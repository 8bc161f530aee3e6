// Turns zod's findings on a settings file into sentences: "permissions.allow[2]: expected a
// string like "Bash(npm test:*)", got a number", and "unknown key "permisions" (did you mean…)".

import type * as z from "zod/mini";
import { formatKeyPath, valueAt } from "./key-path.ts";
import { nearestName } from "./near-name.ts";
import { knownKeysAt } from "./schema.ts";

type Issue = z.core.$ZodIssue;

/** What a value at a path should look like, where a bare type name would not help enough. */
const examples: ReadonlyArray<[pattern: string, text: string]> = [
  ["permissions.allow.#", 'a string like "Bash(npm test:*)"'],
  ["permissions.ask.#", 'a string like "Bash(git push:*)"'],
  ["permissions.deny.#", 'a string like "Read(./.env)"'],
  ["permissions.additionalDirectories.#", 'a folder path like "../docs"'],
  ["env.*", 'a string (numbers and booleans go in quotes: "1")'],
  ["model", 'a model name like "anthropic/claude-sonnet-4-5"'],
];

const typeNames: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list [...]",
  object: "an object {...}",
  record: "an object {...}",
};

/** Whether a path (numbers for list positions) matches a pattern of keys, `*` and `#`. */
function matches(pattern: string, path: readonly PropertyKey[]): boolean {
  const parts = pattern === "" ? [] : pattern.split(".");
  if (parts.length !== path.length) return false;
  return parts.every((part, i) => {
    const actual = path[i];
    if (part === "#") return typeof actual === "number";
    if (part === "*") return typeof actual === "string";
    return part === actual;
  });
}

/** One line for an issue that makes the file unusable. `input` is the file's parsed JSON. */
export function describeIssue(issue: Issue, input: unknown): string {
  const where = formatKeyPath(issue.path);
  const value = valueAt(input, issue.path);
  const missing = value === undefined;
  switch (issue.code) {
    case "invalid_type": {
      const example = examples.find(([pattern]) => matches(pattern, issue.path))?.[1];
      const expected = example ?? typeNames[issue.expected] ?? issue.expected;
      if (missing) return `${where}: missing, expected ${expected}`;
      // A number that is the wrong kind of number (1.5 for a count) is shown as itself.
      const numeric = issue.expected === "int" || issue.expected === "number";
      const got = numeric && typeof value === "number" ? show(value) : typeOf(value);
      // The schema's own wording ("expected a whole number of days") where it has one.
      if (!issue.message.startsWith("Invalid")) return `${where}: ${issue.message}, got ${got}`;
      return `${where}: expected ${expected}, got ${got}`;
    }
    case "invalid_value":
      if (missing) return `${where}: missing, expected ${oneOf(issue.values)}`;
      return `${where}: expected ${oneOf(issue.values)}, got ${show(value)}`;
    case "invalid_union": {
      // zod lists a discriminated union's allowed tags at run time; its types do not declare them.
      const options: unknown = Reflect.get(issue, "options");
      if (Array.isArray(options)) {
        if (missing) return `${where}: missing, expected ${oneOf(options)}`;
        return `${where}: expected ${oneOf(options)}, got ${show(value)}`;
      }
      return `${where}: does not match any allowed form, got ${show(value)}`;
    }
    case "invalid_key": {
      const key = issue.path[issue.path.length - 1];
      const inner = issue.issues[0]?.message ?? issue.message;
      return `${formatKeyPath(issue.path.slice(0, -1))}: key ${JSON.stringify(String(key))}: ${inner}`;
    }
    case "unrecognized_keys":
      return `${where}: unknown keys ${issue.keys.join(", ")}`;
    case "invalid_format":
    case "too_small":
    case "too_big":
    case "not_multiple_of":
    case "invalid_element":
    case "custom":
      return `${where}: ${lowerFirst(issue.message)}, got ${missing ? "nothing" : show(value)}`;
    default: {
      const unhandled: never = issue;
      return String(unhandled);
    }
  }
}

export interface UnknownKey {
  /** Its key path, as formatKeyPath writes it. */
  path: string;
  /** A known key path of a near name, when one is close. */
  near: string | undefined;
}

/** Each key of an `unrecognized_keys` issue, with a near known name if one is close. */
export function unknownKeys(issue: Issue & { code: "unrecognized_keys" }): UnknownKey[] {
  const known = Object.entries(knownKeysAt).find(([pattern]) => matches(pattern, issue.path))?.[1];
  return issue.keys.map((key) => {
    const near = known && nearestName(key, known);
    return {
      path: formatKeyPath([...issue.path, key]),
      near: near === undefined ? undefined : formatKeyPath([...issue.path, near]),
    };
  });
}

export function unknownKeyWarning(key: UnknownKey): string {
  return key.near === undefined
    ? `unknown key ${key.path}, ignored`
    : `unknown key ${key.path} (did you mean ${key.near}?), ignored`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? (shown[0] ?? "") : `one of ${shown.join(", ")}`;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return `a string (${show(value)})`;
    case "number":
      return "a number";
    case "boolean":
      return `${String(value)}`;
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}

/** A value as it appears in JSON, cut short. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
