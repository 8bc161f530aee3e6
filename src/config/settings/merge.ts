// Folds settings layers into the effective settings. Lists add up across layers (a managed deny
// rule cannot be taken away); a scalar comes from the highest layer that sets it.

import { isPlainObject } from "./key-path.ts";
import type { Settings } from "./schema.ts";

/**
 * Layers lowest first. Per top-level key:
 * - `permissions`, `sandbox`, `env`, `hooks`: merged key by key, recursively; lists concatenate
 *   without duplicates (so hooks of every layer run, once each), other values: highest wins.
 * - `providers`: per provider name, the highest layer's entry whole. Merging entries would send
 *   one layer's headers (often credentials) to another layer's base URL.
 * - everything else: the highest layer's value whole. `$schema` is dropped.
 */
export function mergeSettings(layers: readonly Settings[]): Settings {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined || key === "$schema") continue;
      merged[key] = mergeKey(key, merged[key], value);
    }
  }
  // Each key keeps the shape every layer validated against: merging never changes a type.
  return merged;
}

function mergeKey(key: string, lower: unknown, higher: unknown): unknown {
  switch (key) {
    case "permissions":
    case "sandbox":
    case "env":
    case "hooks":
      return deepMerge(lower, higher);
    case "providers":
      return isPlainObject(lower) && isPlainObject(higher) ? { ...lower, ...higher } : higher;
    default:
      return higher;
  }
}

function deepMerge(lower: unknown, higher: unknown): unknown {
  if (Array.isArray(lower) && Array.isArray(higher)) return uniqueConcat(lower, higher);
  if (isPlainObject(lower) && isPlainObject(higher)) {
    const result: Record<string, unknown> = { ...lower };
    for (const [key, value] of Object.entries(higher)) {
      if (value !== undefined) result[key] = deepMerge(lower[key], value);
    }
    return result;
  }
  return higher === undefined ? lower : higher;
}

function uniqueConcat(lower: readonly unknown[], higher: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const result: unknown[] = [];
  for (const item of [...lower, ...higher]) {
    const identity = typeof item === "string" ? `s:${item}` : `j:${JSON.stringify(item)}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    result.push(item);
  }
  return result;
}
