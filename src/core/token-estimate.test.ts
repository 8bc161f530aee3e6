import { describe, expect, it } from "vitest";
import type { Message } from "./messages.ts";
import { estimateTokens, IMAGE_TOKENS } from "./token-estimate.ts";

describe("token estimate", () => {
  it("is about a token per four characters of the blocks' JSON", () => {
    const text = "x".repeat(4_000);
    const estimate = estimateTokens([{ role: "user", content: [{ type: "text", text }] }]);
    expect(estimate).toBeGreaterThanOrEqual(1_000);
    expect(estimate).toBeLessThan(1_020);
  });

  it("counts an image at a flat rate, wherever it is, not by its base64", () => {
    const image = {
      type: "image" as const,
      source: { type: "base64" as const, media_type: "image/png", data: "A".repeat(400_000) },
    };
    const messages: Message[] = [
      { role: "user", content: [image] },
      { role: "assistant", content: [{ type: "tool_use", id: "r", name: "Read", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "r", content: [image] }] },
    ];
    const estimate = estimateTokens(messages);
    expect(estimate).toBeGreaterThanOrEqual(2 * IMAGE_TOKENS);
    expect(estimate).toBeLessThan(2 * IMAGE_TOKENS + 100);
  });

  it("adds the system prompt and the tool list", () => {
    const tools = [{ name: "Read", description: "d".repeat(400), inputSchema: {} }];
    expect(estimateTokens([], "s".repeat(400), tools)).toBeGreaterThan(200);
    expect(estimateTokens([], "s".repeat(400))).toBe(100);
  });
});
