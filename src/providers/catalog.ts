// Looks a model id up in the shipped catalog; unknown ids get conservative defaults, never an error.

import type { Usage } from "../core/usage.ts";
import {
  catalogData,
  type CatalogEntry,
  type ModelPricing,
  type ThinkingStyle,
} from "./catalog-data.ts";

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
 * Exact id first, then a catalog id followed only by a version suffix: a date
 * ("claude-sonnet-4-5-20250929", "gpt-4.1-2025-04-14"), "-latest", or a platform tag after "@"
 * or ":". Anything else ("o3-pro", "gpt-5.2") is a different model: it gets conservative
 * defaults and no price rather than another model's. A router prefix ("openai/") is ignored.
 */
export function lookupModel(id: string): ModelInfo {
  const bare = id.includes("/") ? id.slice(id.lastIndexOf("/") + 1) : id;
  const exact = catalogData[bare];
  if (exact) return { ...exact, id, known: true };
  for (const [key, entry] of Object.entries(catalogData)) {
    if (bare.startsWith(key) && versionSuffix.test(bare.slice(key.length))) {
      return { ...entry, id, known: true };
    }
  }
  return { ...unknownModel, thinking: familyThinking(bare), id, known: false };
}

const versionSuffix = /^(-\d{8}|-\d{4}-\d{2}-\d{2}|-latest|[@:].*)$/;

/** How an unlisted model of a known family thinks, so newer releases work before the catalog knows them. */
function familyThinking(model: string): ThinkingStyle {
  if (/^(gpt-5|o\d|codex)/.test(model)) return "budget";
  const claude = /^claude-[a-z]+-(\d+)(?:-(\d+))?/.exec(model);
  if (claude) {
    const major = Number(claude[1]);
    const minor = Number(claude[2] ?? 0);
    return major > 4 || (major === 4 && minor >= 6) ? "adaptive" : "budget";
  }
  return "none";
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
