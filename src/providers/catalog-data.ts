// Known models: context window, output limit, prices (USD per million tokens) and capabilities.
// Data only; lookup rules live in catalog.ts. Figures are the providers' published list prices.

export interface ModelPricing {
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

export interface CatalogEntry {
  contextWindow: number;
  maxOutputTokens: number;
  pricing: ModelPricing;
  thinking: boolean;
  images: boolean;
}

const claude = (
  maxOutputTokens: number,
  input: number,
  output: number,
  thinking = true,
): CatalogEntry => ({
  contextWindow: 200_000,
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
  thinking: boolean,
): CatalogEntry => ({
  contextWindow,
  maxOutputTokens,
  pricing: { input, output, cacheWrite: 0, cacheRead },
  thinking,
  images: true,
});

export const catalogData: Readonly<Record<string, CatalogEntry>> = {
  "claude-opus-4-5": claude(64_000, 5, 25),
  "claude-opus-4-1": claude(32_000, 15, 75),
  "claude-opus-4": claude(32_000, 15, 75),
  "claude-sonnet-4-5": claude(64_000, 3, 15),
  "claude-sonnet-4": claude(64_000, 3, 15),
  "claude-3-7-sonnet": claude(64_000, 3, 15),
  "claude-haiku-4-5": claude(64_000, 1, 5),
  "claude-3-5-haiku": claude(8_192, 0.8, 4, false),
  "gpt-5": openai(400_000, 128_000, 1.25, 10, 0.125, true),
  "gpt-5-codex": openai(400_000, 128_000, 1.25, 10, 0.125, true),
  "gpt-5-mini": openai(400_000, 128_000, 0.25, 2, 0.025, true),
  "gpt-5-nano": openai(400_000, 128_000, 0.05, 0.4, 0.005, true),
  "gpt-4.1": openai(1_047_576, 32_768, 2, 8, 0.5, false),
  "gpt-4.1-mini": openai(1_047_576, 32_768, 0.4, 1.6, 0.1, false),
  "gpt-4o": openai(128_000, 16_384, 2.5, 10, 1.25, false),
  "gpt-4o-mini": openai(128_000, 16_384, 0.15, 0.6, 0.075, false),
  o3: openai(200_000, 100_000, 2, 8, 0.5, true),
  "o4-mini": openai(200_000, 100_000, 1.1, 4.4, 0.275, true),
};
