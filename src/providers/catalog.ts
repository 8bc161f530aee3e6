// Looks a model id up in the shipped catalog; unknown ids get conservative defaults, never an error.

import type { Usage } from "../core/usage.ts";
import { catalogData, type CatalogEntry, type ModelPricing } from "./catalog-data.ts";

export interface ModelInfo extends CatalogEntry {
  id: string;
  /** False when the id is not in the catalog and the defaults below apply. */
  known: boolean;
}

const unknownModel: CatalogEntry = {
  contextWindow: 128_000,
  maxOutputTokens: 8_192,
  pricing: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 },
  thinking: "none",
  images: false,
};

/**
 * Exact id first, then the longest catalog id that prefixes it ("claude-sonnet-4-5-20250929"
 * is "claude-sonnet-4-5"); a router prefix such as "anthropic/" or "openai/" is ignored.
 */
export function lookupModel(id: string): ModelInfo {
  const bare = id.includes("/") ? id.slice(id.lastIndexOf("/") + 1) : id;
  const exact = catalogData[bare];
  if (exact) return { ...exact, id, known: true };
  let best: string | undefined;
  for (const key of Object.keys(catalogData)) {
    const boundary = bare.charAt(key.length);
    if (bare.startsWith(key) && (boundary === "-" || boundary === "@" || boundary === ":")) {
      if (!best || key.length > best.length) best = key;
    }
  }
  const entry = best ? catalogData[best] : undefined;
  return entry ? { ...entry, id, known: true } : { ...unknownModel, id, known: false };
}

export function costUsd(pricing: ModelPricing, usage: Usage): number {
  const perToken = (price: number, tokens: number): number => (price * tokens) / 1_000_000;
  return (
    perToken(pricing.input, usage.inputTokens) +
    perToken(pricing.output, usage.outputTokens) +
    perToken(pricing.cacheWrite, usage.cacheCreationInputTokens) +
    perToken(pricing.cacheRead, usage.cacheReadInputTokens)
  );
}
