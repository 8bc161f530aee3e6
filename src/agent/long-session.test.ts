import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import type { AgentEvent } from "../core/events.ts";
import { userText, type Message } from "../core/messages.ts";
import type { StreamEvent } from "../core/stream.ts";
import { lookupModel, type ModelInfo } from "../providers/catalog.ts";
import type { ModelRequest } from "../providers/types.ts";
import { createToolSession, defineTool } from "../tools/index.ts";
import { textTurn, toolTurn } from "../../test/support/scripted-provider.ts";
import { lastUserText, windowProvider } from "../../test/support/window-provider.ts";
import { createAgent, type Conversation } from "./loop.ts";
import { summaryMessagePrefix, summaryRequestHeading } from "./summary-prompt.ts";

const steps = 300;
const window = 20_000;

/** A tool whose output is a few KB, the kind that fills a context window: a build log. */
const step = defineTool({
  name: "Step",
  description: "Runs step n of the job and prints its log.",
  input: z.strictObject({ n: z.number() }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: (input) =>
    Promise.resolve({
      content:
        `step ${input.n} done\n` +
        Array.from({ length: 100 }, (_, i) => `log line ${i} of step ${input.n}: ok`).join("\n"),
    }),
});

/**
 * A model that works through the steps in order. It knows where it is only from what the request
 * shows it (tool output, or a summary), so a compaction that loses the thread makes it repeat or
 * skip a step, and the test sees it.
 */
function model(summaries: string[]) {
  return (request: ModelRequest): StreamEvent[] => {
    const seen = JSON.stringify(request.messages);
    const done = Math.max(0, ...[...seen.matchAll(/step (\d+) done/g)].map((m) => Number(m[1])));
    if (lastUserText(request).includes(summaryRequestHeading)) {
      const summary =
        `Goal: run the ${steps} steps of the job in order. Progress: step ${done} done, ` +
        `next is step ${done + 1}. Summary number ${summaries.length + 1}.`;
      summaries.push(summary);
      return textTurn(summary);
    }
    if (done >= steps) return textTurn("all steps done");
    const next = done + 1;
    const events = toolTurn([{ id: `call_${next}`, name: "Step", input: { n: next } }]);
    // Some commentary each turn, as models write: it is not tool output, so it is never elided.
    return [
      events[0] as StreamEvent,
      { type: "block_start", index: 9, block: { type: "text" } },
      { type: "text_delta", index: 9, text: `Running step ${next}; `.repeat(12) },
      { type: "block_stop", index: 9 },
      ...events.slice(1),
    ];
  };
}

describe("a long session under a small context window", () => {
  it(`runs ${steps} tool turns, compacting several times, and finishes`, async () => {
    const summaries: string[] = [];
    const replies = model(summaries);
    // The provider counts 3.5 characters a token, so cairn's 4-character estimate runs low and
    // the meter has to learn the difference from the reported usage.
    const provider = windowProvider({ window, charsPerToken: 3.5, reply: replies });
    const info: ModelInfo = { ...lookupModel("claude-sonnet-4-5"), contextWindow: window };
    const agent = createAgent({
      provider,
      model: info,
      system: "You run jobs.",
      tools: [step],
      policy: { mode: "default", allow: [], ask: [], deny: [] },
      toolSession: createToolSession({
        root: await mkdtemp(join(tmpdir(), "cairn-long-")),
        additionalDirs: [],
      }),
      maxTokens: 2_000,
    });
    const events: AgentEvent[] = [];
    const conversation: Conversation = { messages: [] };
    const result = await agent.run(conversation, userText(`Run the ${steps} steps.`), {
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("success");
    expect(result.finalText).toBe("all steps done");
    expect(provider.violations).toEqual([]);
    expect(provider.refusals).toBe(0);
    expect(Math.max(...provider.counts)).toBeLessThanOrEqual(window);

    // Every step ran exactly once, in order: the thread survived each compaction.
    const ran = events.flatMap((e) =>
      e.type === "tool_start" ? [(e.input as { n: number }).n] : [],
    );
    expect(ran).toEqual(Array.from({ length: steps }, (_, i) => i + 1));

    const compactions = events.filter((e) => e.type === "compaction");
    const summarised = compactions.filter((e) => e.summary !== null);
    expect(summarised.length).toBeGreaterThanOrEqual(3);
    expect(compactions.length).toBeGreaterThan(summarised.length); // elision alone, in between
    expect(summarised.map((e) => e.summary)).toEqual(summaries);
    for (const compaction of summarised) {
      expect(compaction.tokensAfter).toBeLessThan(compaction.tokensBefore);
      // The request after a compaction starts from its summary.
      const after = provider.requests.find(
        (r) =>
          r.messages[0] !== undefined &&
          firstText(r.messages[0]).includes(compaction.summary ?? "?"),
      );
      expect(firstText(after?.messages[0])).toContain(summaryMessagePrefix);
      expect(after?.messages[1]?.role).toBe("assistant");
    }
    // The conversation holds only the end; the events (what a transcript records) hold it all.
    expect(conversation.messages.length).toBeLessThan(150);
    expect(events.filter((e) => e.type === "user" && e.origin === "tool_results")).toHaveLength(
      steps,
    );
    expect(result.contextWindow).toBe(window);
    expect(result.contextTokens).toBeLessThan(window);
    expect(result.numTurns).toBe(steps + 1);
  });
});

function firstText(message: Message | undefined): string {
  if (message?.role !== "user") return "";
  return message.content.map((b) => (b.type === "text" ? b.text : "")).join("\n");
}
