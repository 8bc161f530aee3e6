import { describe, expect, it } from "vitest";
import { lookupModel, costUsd } from "./catalog.ts";
import { createProvider, resolveModel } from "./resolve.ts";

describe("resolveModel", () => {
  it("splits provider/model-id", () => {
    expect(resolveModel("anthropic/claude-sonnet-4-5", {})).toMatchObject({
      provider: "anthropic",
      model: "claude-sonnet-4-5",
    });
    expect(resolveModel("openai/gpt-5", {})).toMatchObject({ provider: "openai", model: "gpt-5" });
    expect(resolveModel("openai-chat/qwen/qwen3-coder", {})).toMatchObject({
      provider: "openai-chat",
      model: "qwen/qwen3-coder",
    });
  });

  it("infers the provider of a bare well-known id and expands aliases", () => {
    expect(resolveModel("claude-haiku-4-5", {}).provider).toBe("anthropic");
    expect(resolveModel("gpt-5-mini", {}).provider).toBe("openai");
    expect(resolveModel("sonnet", {}).model).toBe("claude-sonnet-5-5");
  });

  it("picks a default from the keys that are set", () => {
    expect(resolveModel(undefined, { ANTHROPIC_API_KEY: "k" }).model).toBe("claude-sonnet-5-5");
    expect(resolveModel(undefined, { OPENAI_API_KEY: "k" })).toMatchObject({
      provider: "openai",
      model: "gpt-5",
    });
    expect(resolveModel(undefined, { CAIRN_MODEL: "openai-chat/llama3" }).provider).toBe(
      "openai-chat",
    );
  });

  it("says exactly how to configure a provider when none is", () => {
    expect(() => resolveModel(undefined, {})).toThrow("no model provider is configured");
    try {
      resolveModel(undefined, {});
    } catch (error) {
      expect((error as { hint: string }).hint).toContain("export ANTHROPIC_API_KEY=");
      expect((error as { hint: string }).hint).toContain("OPENAI_BASE_URL");
    }
  });

  it("rejects an unknown provider prefix with the valid ones", () => {
    expect(() => resolveModel("gemini/pro", {})).toThrow('unknown provider "gemini"');
  });

  it("names the missing key when the chosen provider has no credentials", async () => {
    await expect(
      createProvider(resolveModel("anthropic/claude-sonnet-4-5", {}), {}),
    ).rejects.toThrow("ANTHROPIC_API_KEY");
    await expect(createProvider(resolveModel("openai/gpt-5", {}), {})).rejects.toThrow(
      "OPENAI_API_KEY",
    );
  });
});

describe("catalog", () => {
  it("knows dated ids by their family and falls back for unknown ones", () => {
    expect(lookupModel("claude-sonnet-4-5-20250929")).toMatchObject({
      known: true,
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
    });
    expect(lookupModel("gpt-5-mini").pricing.input).toBe(0.25);
    expect(lookupModel("my-local-model")).toMatchObject({ known: false, contextWindow: 128_000 });
  });

  it("never prices a different model as a known one", () => {
    expect(lookupModel("o3-pro")).toMatchObject({ known: false, pricing: { input: 0 } });
    expect(lookupModel("gpt-4.1-2025-04-14")).toMatchObject({ known: true, pricing: { input: 2 } });
    expect(lookupModel("claude-haiku-4-5@20251001").known).toBe(true);
  });

  it("guesses how an unlisted model of a known family thinks", () => {
    expect(lookupModel("gpt-5.7").thinking).toBe("budget");
    expect(lookupModel("claude-sonnet-6").thinking).toBe("adaptive");
    expect(lookupModel("claude-sonnet-4-7").thinking).toBe("adaptive");
    expect(lookupModel("qwen3-coder").thinking).toBe("none");
  });

  it("prices usage including cache reads and writes", () => {
    const cost = costUsd(lookupModel("claude-sonnet-4-5").pricing, {
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      cacheCreationInputTokens: 1_000_000,
      cacheReadInputTokens: 1_000_000,
    });
    expect(cost).toBeCloseTo(3 + 15 + 3.75 + 0.3, 6);
  });
});

describe("providers defined in settings", () => {
  const custom = {
    lab: {
      type: "openai-chat" as const,
      baseUrl: "http://127.0.0.1:9/v1",
      apiKeyEnv: "LAB_KEY",
      headers: { "X-Team": "core" },
      models: { "qwen3-coder": { contextWindow: 32_000, inputPrice: 1, outputPrice: 2 } },
    },
  };

  it("resolves name/model to the server's protocol, base URL, headers and model figures", () => {
    const resolved = resolveModel("lab/qwen3-coder", {}, custom);
    expect(resolved).toMatchObject({
      provider: "openai-chat",
      model: "qwen3-coder",
      endpoint: { name: "lab", baseUrl: "http://127.0.0.1:9/v1", headers: { "X-Team": "core" } },
    });
    expect(resolved.info.contextWindow).toBe(32_000);
    expect(resolved.info.pricing).toMatchObject({ input: 1, output: 2, cacheRead: 0.1 });
    // A model the settings say nothing about gets the catalog's (or the default) figures.
    expect(resolveModel("lab/other", {}, custom).info.contextWindow).toBe(128_000);
  });

  it("names the key variable the settings chose when it is unset", async () => {
    const resolved = resolveModel("lab/qwen3-coder", {}, custom);
    await expect(createProvider(resolved, {})).rejects.toThrow(
      "--model lab/qwen3-coder needs LAB_KEY",
    );
    const provider = await createProvider(resolved, { LAB_KEY: "k" });
    expect(provider).toMatchObject({ id: "openai-chat", baseUrl: "http://127.0.0.1:9/v1" });
  });

  it("mentions settings-defined names when the prefix is unknown", () => {
    let hint: string | undefined;
    try {
      resolveModel("nope/x", {}, custom);
    } catch (error) {
      hint = (error as { hint?: string }).hint;
    }
    expect(hint).toContain("lab/<model-id>");
  });
});
