import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import type { AgentEvent } from "../core/events.ts";
import {
  pairingViolations,
  userText,
  type Message,
  type ToolResultBlock,
} from "../core/messages.ts";
import type { StreamEvent } from "../core/stream.ts";
import { emptyUsage } from "../core/usage.ts";
import { lookupModel, type ModelInfo } from "../providers/catalog.ts";
import { ProviderError } from "../providers/provider-error.ts";
import type { ModelRequest, Provider } from "../providers/types.ts";
import { createToolSession, defineTool, type Tool } from "../tools/index.ts";
import {
  scriptedProvider,
  textTurn,
  toolTurn,
  type ScriptedTurn,
} from "../../test/support/scripted-provider.ts";
import {
  lastUserText,
  roleViolations,
  windowProvider,
} from "../../test/support/window-provider.ts";
import { createAgent, type AgentConfig, type Conversation } from "./loop.ts";
import { summaryMessagePrefix, summaryRequestHeading } from "./summary-prompt.ts";

/** Prints `size` characters: output that fills a context window. */
const bigOutput = defineTool({
  name: "Big",
  description: "Prints size characters.",
  input: z.strictObject({ size: z.number(), fail: z.optional(z.boolean()) }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: (input) =>
    Promise.resolve({ content: "x".repeat(input.size), ...(input.fail ? { isError: true } : {}) }),
});

function model(window: number): ModelInfo {
  return { ...lookupModel("claude-sonnet-4-5"), contextWindow: window };
}

async function agentFor(provider: Provider, overrides: Partial<AgentConfig> = {}) {
  const cwd = await mkdtemp(join(tmpdir(), "cairn-compact-"));
  return createAgent({
    provider,
    model: model(200_000),
    system: "system",
    tools: [bigOutput] as Tool[],
    policy: { mode: "default", allow: [], ask: [], deny: [] },
    toolSession: createToolSession({ root: cwd, additionalDirs: [] }),
    maxTokens: 1_000,
    ...overrides,
  });
}

async function runAgent(
  provider: Provider,
  overrides: Partial<AgentConfig> = {},
  conversation: Conversation = { messages: [] },
  signal = new AbortController().signal,
) {
  const agent = await agentFor(provider, overrides);
  const events: AgentEvent[] = [];
  const result = await agent.run(conversation, userText("go"), {
    signal,
    emit: (e) => events.push(e),
  });
  return { agent, result, events, conversation };
}

/** Replies from a list; a summary request gets `summary` (or whatever `onSummary` returns). */
function script(
  turns: StreamEvent[][],
  onSummary: (request: ModelRequest) => StreamEvent[] | Error = () => textTurn("THE SUMMARY"),
) {
  let next = 0;
  return (request: ModelRequest): StreamEvent[] | Error => {
    if (lastUserText(request).includes(summaryRequestHeading)) return onSummary(request);
    const turn = turns[next++];
    if (!turn) throw new Error(`no scripted turn ${next}`);
    return turn;
  };
}

let talkId = 0;

/** A turn with a long text (never elided) and a small tool call. */
function talk(text: string): StreamEvent[] {
  const id = `talk_${++talkId}`;
  return [
    { type: "message_start", messageId: id, model: "scripted" },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "tool_use", id, name: "Big" } },
    { type: "tool_input_delta", index: 1, partialJson: '{"size":10}' },
    { type: "block_stop", index: 1 },
    { type: "message_stop", stopReason: "tool_use", usage: emptyUsage() },
  ];
}

function summaryEvents(events: AgentEvent[]) {
  return events.filter(
    (e): e is Extract<AgentEvent, { type: "compaction" }> => e.type === "compaction",
  );
}

function firstText(message: Message | undefined): string {
  return message?.role === "user"
    ? message.content.map((b) => (b.type === "text" ? b.text : "")).join("\n")
    : "";
}

describe("automatic compaction", () => {
  it("summarises when old tool output is not the problem, and continues from the summary", async () => {
    // Each turn's text (not tool output) is ~1,000 tokens; the window fits about eight.
    const turns = Array.from({ length: 12 }, (_, i) => talk(`${i} `.repeat(2_000)));
    const provider = windowProvider({
      window: 10_000,
      reply: script([...turns, textTurn("finished")]),
    });
    const { result, events } = await runAgent(provider, { model: model(10_000) });

    expect(result.outcome).toBe("success");
    expect(result.finalText).toBe("finished");
    expect(provider.violations).toEqual([]);
    expect(provider.refusals).toBe(0);
    const compactions = summaryEvents(events);
    expect(compactions.length).toBeGreaterThan(0);
    const first = compactions[0];
    expect(first).toMatchObject({ type: "compaction", trigger: "auto", summary: "THE SUMMARY" });

    const summaryCall = provider.requests.find((r) =>
      lastUserText(r).includes(summaryRequestHeading),
    );
    const before = provider.requests[provider.requests.indexOf(summaryCall!) - 1]!;
    // Same prefix as every turn (cached), the whole history, then the instruction last.
    expect(summaryCall?.system).toBe("system");
    expect(summaryCall?.tools.map((t) => t.name)).toEqual(["Big"]);
    expect(summaryCall?.messages.slice(0, before.messages.length)).toEqual(before.messages);
    expect(summaryCall?.messages.at(-1)?.content.map((b) => b.type)).toEqual([
      "tool_result",
      "text",
    ]);

    const after = provider.requests[provider.requests.indexOf(summaryCall!) + 1];
    expect(firstText(after?.messages[0])).toContain(summaryMessagePrefix);
    expect(firstText(after?.messages[0])).toContain("THE SUMMARY");
    expect(after?.messages[1]?.role).toBe("assistant");
    expect(after?.messages).toEqual(first?.messages);
    expect(first!.tokensAfter).toBeLessThan(first!.tokensBefore);
    // What the summary call spent is part of the run.
    expect(result.usage.inputTokens).toBe(provider.counts.reduce((a, b) => a + b, 0));
  });

  it("elides old, large tool output first and keeps each result's id and error flag", async () => {
    const call = (n: number, fail = false) =>
      toolTurn([{ id: `c${n}`, name: "Big", input: { size: 8_000, fail } }]);
    const provider = windowProvider({
      window: 12_000,
      reply: script([call(1, true), call(2), call(3), call(4), call(5), textTurn("done")], () => {
        throw new Error("no summary expected");
      }),
    });
    const { result, events, conversation } = await runAgent(provider, { model: model(12_000) });

    expect(result.outcome).toBe("success");
    const [compaction, ...more] = summaryEvents(events);
    expect(more).toEqual([]);
    expect(compaction).toMatchObject({ trigger: "auto", summary: null, elided: 2 });
    const results = conversation.messages.flatMap((m) =>
      m.role === "user"
        ? m.content.filter((b): b is ToolResultBlock => b.type === "tool_result")
        : [],
    );
    expect(results.map((r) => r.tool_use_id)).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(results[0]).toEqual({
      type: "tool_result",
      tool_use_id: "c1",
      is_error: true,
      content:
        '[earlier output of Big {"size":8000,"fail":true} elided to save context: 8,000 chars; ' +
        "run the tool again if you need it]",
    });
    expect(results.slice(2).every((r) => r.content === "x".repeat(8_000))).toBe(true);
    expect(pairingViolations(conversation.messages)).toEqual([]);
  });

  it("keeps only the summary and the user's words when even the last turn does not fit", async () => {
    const provider = windowProvider({
      window: 8_000,
      reply: script([
        toolTurn([{ id: "small", name: "Big", input: { size: 100 } }]),
        toolTurn([{ id: "huge", name: "Big", input: { size: 26_000 } }]),
        textTurn("carried on"),
      ]),
    });
    const { result, events } = await runAgent(provider, { model: model(8_000) });

    expect(result.outcome).toBe("success");
    expect(provider.violations).toEqual([]);
    const [compaction] = summaryEvents(events);
    expect(compaction?.messages).toHaveLength(1);
    const last = provider.requests.at(-1);
    expect(last?.messages).toHaveLength(1);
    expect(firstText(last?.messages[0])).toContain("THE SUMMARY");
    expect(firstText(last?.messages[0])).toContain("too large to keep");
  });

  it("uses the text of a summary reply that calls tools, and ignores the calls", async () => {
    const turns = Array.from({ length: 10 }, (_, i) => talk(`${i} `.repeat(2_000)));
    const provider = windowProvider({
      window: 10_000,
      reply: script([...turns, textTurn("ok")], () => talk("SUMMARY WITH A CALL")),
    });
    const { result, events } = await runAgent(provider, { model: model(10_000) });

    expect(result.outcome).toBe("success");
    expect(summaryEvents(events)[0]?.summary).toBe("SUMMARY WITH A CALL");
    expect(events.filter((e) => e.type === "tool_start")).toHaveLength(10);
  });

  it("fails the run with a clear error when the summary call fails, keeping the conversation", async () => {
    const turns = Array.from({ length: 10 }, (_, i) => talk(`${i} `.repeat(2_000)));
    const provider = windowProvider({
      window: 10_000,
      reply: script(
        turns,
        () => new ProviderError("overloaded", "anthropic (x): 529 overloaded_error: Overloaded"),
      ),
    });
    const { result, events, conversation } = await runAgent(provider, { model: model(10_000) });

    expect(result.outcome).toBe("error");
    expect(result.error).toBeInstanceOf(ProviderError);
    expect(result.error?.message).toBe(
      "compacting the conversation failed: anthropic (x): 529 overloaded_error: Overloaded",
    );
    expect(summaryEvents(events)).toEqual([]);
    // Nothing was lost: every turn is still there, answered.
    const toolResults = conversation.messages.filter(
      (m) => m.role === "user" && m.content.some((b) => b.type === "tool_result"),
    );
    expect(toolResults.length).toBe(provider.requests.length - 1);
    expect(pairingViolations(conversation.messages)).toEqual([]);
  });

  it("reports each request's size, and the conversation's against the window", async () => {
    const provider = windowProvider({
      window: 200_000,
      reply: script([toolTurn([{ id: "a", name: "Big", input: { size: 4_000 } }]), textTurn("ok")]),
    });
    const { result, events } = await runAgent(provider);
    const turns = events.flatMap((e) => (e.type === "assistant" ? [e.turn.contextTokens] : []));
    expect(turns).toEqual(provider.counts);
    expect(result.contextWindow).toBe(200_000);
    // The next request: the last one counted by the provider, plus the reply.
    expect(result.contextTokens).toBeGreaterThan(provider.counts.at(-1)!);
    expect(result.contextTokens).toBeLessThan(provider.counts.at(-1)! + 50);
  });

  it("does nothing when turned off", async () => {
    const turns = Array.from({ length: 12 }, (_, i) => talk(`${i} `.repeat(2_000)));
    const provider = windowProvider({ window: 10_000, reply: script(turns) });
    const { result, events } = await runAgent(provider, {
      model: model(10_000),
      compaction: { enabled: false },
    });
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toContain("prompt is too long");
    expect(summaryEvents(events)).toEqual([]);
  });

  it("compacts earlier with a lower threshold", async () => {
    const count = async (threshold: number) => {
      const turns = Array.from({ length: 14 }, (_, i) => talk(`${i} `.repeat(2_000)));
      const provider = windowProvider({
        window: 20_000,
        reply: script([...turns, textTurn("ok")]),
      });
      const { events } = await runAgent(provider, {
        model: model(20_000),
        compaction: { threshold },
      });
      return summaryEvents(events).length;
    };
    expect(await count(0.4)).toBeGreaterThan(await count(0.9));
  });
});

describe("a server that says the prompt is too long", () => {
  it("compacts once, retries, and learns the server's window", async () => {
    // The catalog says 200k; the server (a local model, say) stops at 9,000.
    const turns = Array.from({ length: 20 }, (_, i) => talk(`${i} `.repeat(2_000)));
    const provider = windowProvider({ window: 9_000, reply: script([...turns, textTurn("ok")]) });
    const { result, events } = await runAgent(provider);

    expect(result.outcome).toBe("success");
    expect(provider.refusals).toBe(1);
    expect(result.contextWindow).toBe(9_000);
    // After the first refusal the agent compacts before the server has to refuse again.
    expect(summaryEvents(events).length).toBeGreaterThan(1);
    expect(provider.violations).toEqual([]);
  });

  it("gives up with the server's error when the retry is refused too", async () => {
    const tooLong = () =>
      new ProviderError(
        "bad_request",
        "anthropic (x): 400 invalid_request_error: prompt is too long: 250000 tokens > 200000 maximum",
        { status: 400 },
      );
    const turns: ScriptedTurn[] = [
      toolTurn([{ id: "a", name: "Big", input: { size: 10 } }]),
      { error: tooLong() },
      textTurn("THE SUMMARY"),
      { error: tooLong() },
    ];
    const provider = scriptedProvider(turns);
    const { result, events } = await runAgent(provider);
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toContain("prompt is too long");
    expect(summaryEvents(events)).toHaveLength(1);
    expect(provider.requests).toHaveLength(4);
    expect(provider.violations).toEqual([]);
  });
});

describe("compacting on demand", () => {
  it("summarises with the user's instructions and keeps the last turn", async () => {
    const provider = scriptedProvider([
      toolTurn([{ id: "a", name: "Big", input: { size: 10 } }]),
      textTurn("first answer"),
      textTurn("MANUAL SUMMARY"),
    ]);
    // Keep less than the last turn: it is kept anyway, and nothing before it.
    const { agent, conversation } = await runAgent(provider, {
      compaction: { keepRecentTokens: 10 },
    });
    const events: AgentEvent[] = [];
    const compacted = await agent.compact(conversation, {
      instructions: "focus on the parser",
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });

    expect(compacted).toMatchObject({ outcome: "compacted", summary: "MANUAL SUMMARY" });
    expect(compacted.usage.inputTokens).toBe(10);
    expect(lastUserText(provider.requests[2]!)).toContain(
      "The user asked for this in the summary: focus on the parser",
    );
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(firstText(conversation.messages[0])).toContain("MANUAL SUMMARY");
    expect(conversation.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "first answer" }],
    });
    expect(events).toEqual([
      expect.objectContaining({ type: "compaction", trigger: "manual", summary: "MANUAL SUMMARY" }),
    ]);
    expect(roleViolations(conversation.messages)).toEqual([]);
  });

  it("says there is nothing to compact before the model has replied", async () => {
    const provider = scriptedProvider([]);
    const agent = await agentFor(provider);
    const compacted = await agent.compact(
      { messages: [userText("hello")] },
      { signal: new AbortController().signal, emit: () => undefined },
    );
    expect(compacted).toMatchObject({ outcome: "nothing_to_compact", summary: null });
    expect(provider.requests).toEqual([]);
  });

  it("leaves the conversation alone when aborted during the summary", async () => {
    const controller = new AbortController();
    const provider = scriptedProvider([
      textTurn("answer"),
      async function* (signal) {
        await Promise.resolve();
        controller.abort("SIGINT");
        if (signal.aborted) throw new ProviderError("aborted", "aborted");
        yield* textTurn("never");
      },
    ]);
    const { agent, conversation } = await runAgent(provider);
    const before = structuredClone(conversation.messages);
    const compacted = await agent.compact(conversation, {
      signal: controller.signal,
      emit: () => undefined,
    });
    expect(compacted.outcome).toBe("aborted");
    expect(conversation.messages).toEqual(before);
  });
});
