import { describe, expect, it } from "vitest";
import { userText, type AssistantMessage, type Message } from "../core/messages.ts";
import { estimateTokens } from "../core/token-estimate.ts";
import { emptyUsage } from "../core/usage.ts";
import { createContextMeter } from "./context-meter.ts";

const reply = (text: string): AssistantMessage => ({
  role: "assistant",
  content: [{ type: "text", text }],
});

describe("the context meter", () => {
  it("estimates a request it has no count for from its characters", () => {
    const meter = createContextMeter(100_000, "sys", []);
    const messages = [userText("x".repeat(4_000))];
    expect(meter.requestTokens(messages)).toBe(estimateTokens(messages, "sys", []));
  });

  it("builds on the provider's count: the last request, plus the reply and what came after", () => {
    const meter = createContextMeter(100_000, "sys", []);
    const messages: Message[] = [userText("x".repeat(4_000))];
    const sent = meter.snapshot(messages);
    const answer = reply("y".repeat(400));
    messages.push(answer);
    const counted = meter.observe(
      sent,
      { ...emptyUsage(), inputTokens: 500, cacheReadInputTokens: 1_500, outputTokens: 90 },
      answer,
    );
    expect(counted).toBe(2_000);
    // The provider counts twice what the estimate said, so later estimates are doubled too.
    const ratio = 2_000 / sent.raw;
    expect(meter.requestTokens(messages)).toBe(2_090);
    messages.push(userText("z".repeat(4_000)));
    expect(meter.requestTokens(messages)).toBe(
      2_090 + Math.ceil(ratio * estimateTokens([messages[2]!])),
    );
  });

  it("ignores usage a server did not really count, and starts over when the history changes", () => {
    const meter = createContextMeter(100_000, "sys", []);
    const messages: Message[] = [userText("x".repeat(40_000))];
    const estimate = meter.requestTokens(messages);
    meter.observe(meter.snapshot(messages), { ...emptyUsage(), inputTokens: 10 }, undefined);
    expect(meter.requestTokens(messages)).toBe(estimate);

    meter.observe(meter.snapshot(messages), { ...emptyUsage(), inputTokens: 12_000 }, undefined);
    expect(meter.requestTokens(messages)).toBe(12_000);
    const rewritten = [userText("x".repeat(40_000))];
    expect(meter.requestTokens(rewritten)).toBe(meter.estimate(rewritten));
  });

  it("shrinks the window to what a server says its limit is", () => {
    const meter = createContextMeter(200_000, "sys", []);
    const messages = [userText("x".repeat(40_000))];
    meter.refused(meter.snapshot(messages), { promptTokens: 12_000, limitTokens: 8_192 });
    expect(meter.window).toBe(8_192);
    expect(meter.estimate(messages)).toBeGreaterThanOrEqual(12_000);
    // Without figures: below what was refused.
    const other = createContextMeter(200_000, "sys", []);
    other.refused(other.snapshot(messages), {});
    expect(other.window).toBeLessThan(other.estimate(messages));
  });
});
