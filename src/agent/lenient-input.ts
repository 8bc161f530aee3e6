// A second reading of a tool call's input that failed its schema: models other than Claude
// often send a top-level array or object as a JSON string (`"todos": "[{...}]"`), a number as
// a string (`"timeout": "5000"`) or a boolean as one. Where the tool's JSON Schema says which
// type a property has, such a string is read as that type; nothing else changes, and the
// result still goes through the tool's own schema.

import { isPlainObject } from "../core/plain-object.ts";

type JsonType = "array" | "object" | "number" | "integer" | "boolean";

/**
 * `input` with the string values of top-level properties read as the type `schema` gives them,
 * or undefined when no property needed it (the original failure then stands).
 */
export function lenientInput(input: unknown, schema: Record<string, unknown>): unknown {
  if (!isPlainObject(input) || !isPlainObject(schema.properties)) return undefined;
  const properties = schema.properties;
  let changed = false;
  const result: Record<string, unknown> = { ...input };
  for (const [key, value] of Object.entries(input)) {
    const property = properties[key];
    if (typeof value !== "string" || !isPlainObject(property)) continue;
    const type = property.type;
    if (!isJsonType(type)) continue;
    const read = readAs(value.trim(), type);
    if (read === undefined) continue;
    result[key] = read;
    changed = true;
  }
  return changed ? result : undefined;
}

function isJsonType(type: unknown): type is JsonType {
  return (
    type === "array" ||
    type === "object" ||
    type === "number" ||
    type === "integer" ||
    type === "boolean"
  );
}

function readAs(text: string, type: JsonType): unknown {
  switch (type) {
    case "array":
    case "object": {
      if (!text.startsWith(type === "array" ? "[" : "{")) return undefined;
      try {
        const parsed: unknown = JSON.parse(text);
        return (type === "array" ? Array.isArray(parsed) : isPlainObject(parsed))
          ? parsed
          : undefined;
      } catch {
        return undefined;
      }
    }
    case "number":
    case "integer": {
      if (!/^-?\d+(\.\d+)?$/.test(text)) return undefined;
      const number = Number(text);
      return type === "integer" && !Number.isInteger(number) ? undefined : number;
    }
    case "boolean":
      return text === "true" ? true : text === "false" ? false : undefined;
    default: {
      const never: never = type;
      return never;
    }
  }
}
