// Known models: context window, output limit, prices (USD per million tokens) and capabilities.
// Data only; lookup rules live in catalog.ts. Figures are the providers' published list prices.

export interface ModelPricing {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

/**
 * How a model is asked to think: "budget" takes a token budget (Anthropic `enabled` thinking,
 * OpenAI reasoning effort), "adaptive" decides for itself (newer Claude models reject budgets).
 */
export type ThinkingStyle = "none" | "budget" | "adaptive";

export interface CatalogEntry {
  contextWindow: number;
  maxOutputTokens: number;
  pricing: ModelPricing;
  thinking: ThinkingStyle;
  images: boolean;
}

const claude = (
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  thinking: ThinkingStyle,
): CatalogEntry => ({
  contextWindow,
  maxOutputTokens,
  pricing: { input, output, cacheWrite: input * 1.25, cacheRead: input * 0.1 },
  thinking,
  images: true,
});

const openai = (
  contextWindow: number,
  maxOutputTokens: number,
  input: number,
  output: number,
  cacheRead: number,
  thinking: ThinkingStyle,
): CatalogEntry => ({
  contextWindow,
  maxOutputTokens,
  pricing: { input, output, cacheWrite: 0, cacheRead },
  thinking,
  images: true,
});

const M = 1_000_000;
const K = 200_000;

export const catalogData: Readonly<Record<string, CatalogEntry>> = {
  "claude-fable-5-1": claude(M, 128_000, 10, 50, "adaptive"),
  "claude-fable-5": claude(M, 128_000, 10, 50, "adaptive"),
  "claude-opus-5-5": claude(M, 128_000, 4, 20, "adaptive"),
  "claude-opus-5": claude(M, 128_000, 5, 25, "adaptive"),
  "claude-sonnet-5-5": claude(M, 128_000, 2, 10, "adaptive"),
  "claude-sonnet-5": claude(M, 128_000, 2, 10, "adaptive"),
  "claude-haiku-5-5": claude(M, 128_000, 0.1, 0.5, "adaptive"),
  "claude-opus-4-8": claude(M, 128_000, 5, 25, "adaptive"),
  "claude-opus-4-7": claude(M, 128_000, 5, 25, "adaptive"),
  "claude-opus-4-6": claude(M, 128_000, 5, 25, "adaptive"),
  "claude-sonnet-4-6": claude(M, 128_000, 3, 15, "adaptive"),
  "claude-opus-4-5": claude(K, 64_000, 5, 25, "budget"),
  "claude-opus-4-1": claude(K, 32_000, 15, 75, "budget"),
  "claude-opus-4": claude(K, 32_000, 15, 75, "budget"),
  "claude-sonnet-4-5": claude(K, 64_000, 3, 15, "budget"),
  "claude-sonnet-4": claude(K, 64_000, 3, 15, "budget"),
  "claude-3-7-sonnet": claude(K, 64_000, 3, 15, "budget"),
  "claude-haiku-4-5": claude(K, 64_000, 1, 5, "budget"),
  "claude-3-5-haiku": claude(K, 8_192, 0.8, 4, "none"),
  "gpt-5.1": openai(400_000, 128_000, 1.25, 10, 0.125, "budget"),
  "gpt-5": openai(400_000, 128_000, 1.25, 10, 0.125, "budget"),
  "gpt-5-codex": openai(400_000, 128_000, 1.25, 10, 0.125, "budget"),
  "gpt-5-mini": openai(400_000, 128_000, 0.25, 2, 0.025, "budget"),
  "gpt-5-nano": openai(400_000, 128_000, 0.05, 0.4, 0.005, "budget"),
  "gpt-4.1": openai(1_047_576, 32_768, 2, 8, 0.5, "none"),
  "gpt-4.1-mini": openai(1_047_576, 32_768, 0.4, 1.6, 0.1, "none"),
  "gpt-4o": openai(128_000, 16_384, 2.5, 10, 1.25, "none"),
  "gpt-4o-mini": openai(128_000, 16_384, 0.15, 0.6, 0.075, "none"),
  o3: openai(200_000, 100_000, 2, 8, 0.5, "budget"),
  "o4-mini": openai(200_000, 100_000, 1.1, 4.4, 0.275, "budget"),
};
