import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairingViolations, type Message } from "../core/messages.ts";
import { lookupModel } from "../providers/catalog.ts";
import type { ModelRequest, Provider } from "../providers/types.ts";
import { textTurn } from "../../test/support/scripted-provider.ts";
import { conversationArb } from "../../test/support/random-conversation.ts";
import { lastUserText, roleViolations } from "../../test/support/window-provider.ts";
import { compactMessages, fitForSummary, type CompactionDeps } from "./compact.ts";
import { createContextMeter } from "./context-meter.ts";
import { cutPoints, longestTailWithin } from "./recent-turns.ts";
import { summaryMessagePrefix, summaryRequestHeading } from "./summary-prompt.ts";

/** Answers every call with a summary and keeps what it was sent. */
function summariser(): Provider & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  return {
    id: "anthropic",
    baseUrl: "test://",
    requests,
    async *stream(request) {
      await Promise.resolve();
      requests.push(request);
      yield* textTurn("SUMMARY");
    },
  };
}

function deps(window: number, provider: Provider): CompactionDeps {
  return {
    provider,
    model: { ...lookupModel("claude-sonnet-4-5"), contextWindow: window },
    system: "system",
    toolSpecs: [],
    maxTokens: 1_000,
    thinkingBudget: undefined,
    meter: createContextMeter(window, "system", []),
    config: undefined,
  };
}

const signal = new AbortController().signal;
const io = { signal, emit: () => undefined };

describe("cut points", () => {
  it("are the assistant messages after the first message", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "assistant", content: [{ type: "text", text: "b" }] },
      { role: "user", content: [{ type: "text", text: "c" }] },
      { role: "assistant", content: [{ type: "text", text: "d" }] },
      { role: "user", content: [{ type: "text", text: "e" }] },
    ];
    expect(cutPoints(messages)).toEqual([1, 3]);
    const size = () => 10;
    expect(longestTailWithin(messages, 20, size)).toBe(3);
    expect(longestTailWithin(messages, 40, size)).toBe(1);
    expect(longestTailWithin(messages, 19, size)).toBeUndefined();
  });
});

describe("compaction of any conversation", () => {
  it("leaves a conversation the API accepts, starting from the summary", async () => {
    await fc.assert(
      fc.asyncProperty(
        conversationArb({ endWith: "any" }),
        fc.integer({ min: 2_000, max: 40_000 }),
        fc.constantFrom("auto" as const, "manual" as const),
        fc.boolean(),
        async (messages, window, trigger, allowElideOnly) => {
          const provider = summariser();
          const d = deps(window, provider);
          const out = await compactMessages(d, messages, { trigger, allowElideOnly }, io);
          expect(out.outcome).toBe("compacted");
          if (out.outcome !== "compacted") return;
          expect(pairingViolations(out.messages)).toEqual([]);
          expect(roleViolations(out.messages)).toEqual([]);
          if (out.summary === null) {
            expect(allowElideOnly).toBe(true);
            expect(out.messages).toHaveLength(messages.length);
            expect(out.elided).toBeGreaterThan(0);
            expect(provider.requests).toEqual([]);
            return;
          }
          expect(out.summary).toBe("SUMMARY");
          const first = out.messages[0];
          expect(first?.role).toBe("user");
          expect(JSON.stringify(first)).toContain(summaryMessagePrefix);
          // The recent turns kept are the original's last messages (old output maybe elided).
          const kept = out.messages.slice(1);
          if (kept.length > 0) {
            expect(kept[0]?.role).toBe("assistant");
            expect(kept.map((m) => m.role)).toEqual(
              messages.slice(-kept.length).map((m) => m.role),
            );
          }
          // The summary call saw the history and asked for the summary last, and it fitted.
          const call = provider.requests[0];
          expect(call && lastUserText(call)).toContain(summaryRequestHeading);
          expect(pairingViolations(call?.messages ?? [])).toEqual([]);
          expect(roleViolations(call?.messages ?? [])).toEqual([]);
          expect(d.meter.estimate(call?.messages ?? [])).toBeLessThanOrEqual(window);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("fits the summary request into any budget, keeping the task", () => {
    fc.assert(
      fc.property(
        conversationArb({ endWith: "user" }),
        fc.integer({ min: 500, max: 30_000 }),
        (messages, budget) => {
          const meter = createContextMeter(100_000, "system", []);
          const fitted = fitForSummary(meter, messages, budget);
          expect(pairingViolations(fitted)).toEqual([]);
          expect(roleViolations(fitted)).toEqual([]);
          expect(JSON.stringify(fitted[0])).toContain("the task");
          if (meter.estimate(messages) <= budget) expect(fitted).toEqual(messages);
        },
      ),
      { numRuns: 300 },
    );
  });
});
