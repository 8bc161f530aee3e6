// Compaction over real HTTP: the agent with each provider adapter against fake-llm, whose
// context limit refuses an over-long prompt the way each real API does.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { withFakeLlm, type Scenario, type Turn } from "../../test/fake-llm/index.ts";
import type { AgentEvent } from "../core/events.ts";
import { userText } from "../core/messages.ts";
import { createAnthropicProvider } from "../providers/anthropic.ts";
import { lookupModel, type ModelInfo } from "../providers/catalog.ts";
import { createOpenAIChatProvider } from "../providers/openai-chat.ts";
import { createOpenAIResponsesProvider } from "../providers/openai-responses.ts";
import type { Provider } from "../providers/types.ts";
import { createToolSession, defineTool, type Tool } from "../tools/index.ts";
import { createAgent, type Conversation } from "./loop.ts";
import { summaryRequestHeading } from "./summary-prompt.ts";

const wires = ["anthropic", "openai-chat", "openai-responses"] as const;
type WireName = (typeof wires)[number];

function providerFor(wire: WireName, url: string): Provider {
  switch (wire) {
    case "anthropic":
      return createAnthropicProvider({ apiKey: "sk-test", baseUrl: url });
    case "openai-chat":
      return createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${url}/v1` });
    case "openai-responses":
      return createOpenAIResponsesProvider({ apiKey: "sk-test", baseUrl: `${url}/v1` });
    default: {
      const never: never = wire;
      return never;
    }
  }
}

const log = defineTool({
  name: "Log",
  description: "Prints the log of step n.",
  input: z.strictObject({ n: z.number() }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: (input) =>
    Promise.resolve({
      content: Array.from({ length: 80 }, (_, i) => `step ${input.n} line ${i}: ok`).join("\n"),
    }),
});

const steps = 40;
const limit = 6_000;

function scenario(): Scenario {
  const turns: Turn[] = Array.from({ length: steps }, (_, i) => ({
    blocks: [
      { type: "text", text: `Step ${i + 1}. `.repeat(20) },
      { type: "tool_use", name: "Log", input: { n: i + 1 } },
    ],
  }));
  turns.push({ blocks: [{ type: "text", text: "all logged" }] });
  return {
    turns,
    contextLimitTokens: limit,
    onRequestIncluding: [
      {
        text: summaryRequestHeading,
        reply: {
          blocks: [
            { type: "text", text: "Goal: log every step. Next: the one after the last result." },
          ],
        },
      },
    ],
  };
}

async function run(wire: WireName, url: string, info: ModelInfo) {
  const agent = createAgent({
    provider: providerFor(wire, url),
    model: info,
    system: "You log steps.",
    tools: [log] as Tool[],
    policy: { mode: "default", allow: [], ask: [], deny: [] },
    toolSession: createToolSession({
      root: await mkdtemp(join(tmpdir(), "cairn-compact-http-")),
      additionalDirs: [],
    }),
    maxTokens: 1_000,
  });
  const events: AgentEvent[] = [];
  const conversation: Conversation = { messages: [] };
  const result = await agent.run(conversation, userText("Log the steps."), {
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  return { result, events };
}

describe.each(wires)("compaction over %s", (wire) => {
  it("learns a server's smaller window from its refusal and finishes", async () => {
    await withFakeLlm(scenario(), async (fake) => {
      // The catalog's window is far larger than what this server accepts.
      const { result, events } = await run(wire, fake.url, lookupModel("claude-sonnet-5-5"));
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe("success");
      expect(result.finalText).toBe("all logged");
      expect(fake.violations).toEqual([]);
      expect(fake.remainingTurns()).toBe(0);
      const refused = fake.requests.filter((r) => r.overLimit !== undefined);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeLessThanOrEqual(2);
      const summaries = events.filter((e) => e.type === "compaction" && e.summary !== null);
      expect(summaries.length).toBeGreaterThan(1);
      expect(fake.requests.filter((r) => r.standingReply === 0)).toHaveLength(summaries.length);
    });
  });

  it("never goes over a window it knows", async () => {
    await withFakeLlm(scenario(), async (fake) => {
      const info = { ...lookupModel("claude-sonnet-5-5"), contextWindow: limit };
      const { result } = await run(wire, fake.url, info);
      expect(result.outcome).toBe("success");
      expect(fake.violations).toEqual([]);
      expect(fake.requests.filter((r) => r.overLimit !== undefined)).toEqual([]);
      expect(fake.remainingTurns()).toBe(0);
    });
  });
});
