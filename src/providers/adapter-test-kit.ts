// Helpers for the adapter tests: canned conversations, feeding wire events to a mapper, and
// checking that a normalised event stream is well formed. Test support only; nothing imports it
// outside *.test.ts files.

import type { AssistantBlock, Message, ProviderData } from "../core/messages.ts";
import type { StreamEvent } from "../core/stream.ts";
import { ANTHROPIC_ERRORS } from "./anthropic.ts";
import { OPENAI_ERRORS } from "./openai-client.ts";
import type { CallSite } from "./sdk-errors.ts";
import type { ModelRequest, ToolSpec } from "./types.ts";

export const SITE: CallSite = {
  provider: "test",
  baseUrl: "http://127.0.0.1:1",
  errors: ANTHROPIC_ERRORS,
};
export const OPENAI_SITE: CallSite = { ...SITE, errors: OPENAI_ERRORS };

export const TOOLS: ToolSpec[] = [
  {
    name: "Read",
    description: "Read a file.",
    inputSchema: {
      type: "object",
      properties: { file_path: { type: "string" } },
      required: ["file_path"],
    },
  },
  {
    name: "Bash",
    description: "Run a command.",
    inputSchema: {
      type: "object",
      properties: { command: { type: "string" } },
      required: ["command"],
    },
  },
];

export function request(
  messages: readonly Message[],
  extra: Partial<ModelRequest> = {},
): ModelRequest {
  return {
    model: "test-model",
    system: "You are a careful coding agent.",
    messages,
    tools: TOOLS,
    maxTokens: undefined,
    thinkingBudget: undefined,
    thinkingStyle: "none",
    ...extra,
  };
}

/** A session that grows by one tool round per turn: user asks, assistant calls Read, result. */
export function conversation(turns: number): Message[] {
  const messages: Message[] = [
    { role: "user", content: [{ type: "text", text: "Fix the bug in a.ts" }] },
  ];
  for (let i = 1; i <= turns; i++) {
    messages.push({
      role: "assistant",
      content: [
        { type: "thinking", thinking: `Plan ${i}`, signature: `sig-${i}==` },
        { type: "text", text: `Reading file ${i}.` },
        { type: "tool_use", id: `toolu_${i}`, name: "Read", input: { file_path: `/src/${i}.ts` } },
      ],
    });
    messages.push({
      role: "user",
      content: [{ type: "tool_result", tool_use_id: `toolu_${i}`, content: `contents of ${i}` }],
    });
  }
  return messages;
}

export async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

export async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

/** Collects until the stream throws; returns the events so far and the error. */
export async function collectUntilError(
  events: AsyncIterable<StreamEvent>,
): Promise<{ events: StreamEvent[]; error: unknown }> {
  const out: StreamEvent[] = [];
  try {
    for await (const event of events) out.push(event);
  } catch (error) {
    return { events: out, error };
  }
  throw new Error(`expected the stream to fail; it produced ${out.length} events`);
}

/**
 * Problems with a complete event stream: message_start first and message_stop last, every
 * block started once before its deltas, stopped once, and block indexes unique.
 */
export function streamProblems(events: readonly StreamEvent[]): string[] {
  const problems: string[] = [];
  if (events[0]?.type !== "message_start") problems.push("first event is not message_start");
  if (events.at(-1)?.type !== "message_stop") problems.push("last event is not message_stop");
  const state = new Map<number, "open" | "stopped">();
  events.forEach((event, i) => {
    switch (event.type) {
      case "block_start":
        if (state.has(event.index)) problems.push(`event ${i}: block ${event.index} started twice`);
        state.set(event.index, "open");
        break;
      case "text_delta":
      case "thinking_delta":
      case "signature_delta":
      case "tool_input_delta":
        if (state.get(event.index) !== "open")
          problems.push(`event ${i}: delta for block ${event.index} not open`);
        break;
      case "block_stop":
        if (state.get(event.index) !== "open")
          problems.push(`event ${i}: stop for block ${event.index} not open`);
        state.set(event.index, "stopped");
        break;
      default:
        break;
    }
  });
  for (const [index, s] of state) if (s === "open") problems.push(`block ${index} never stopped`);
  return problems;
}

/** A minimal assembler for round-trip tests (the real one lives above providers, in agent/). */
export function assemble(events: readonly StreamEvent[]): Message {
  const blocks = new Map<number, { block: AssistantBlock; json: string }>();
  for (const event of events) {
    const entry = "index" in event ? blocks.get(event.index) : undefined;
    switch (event.type) {
      case "block_start": {
        const start = event.block;
        const block: AssistantBlock =
          start.type === "text"
            ? { type: "text", text: "" }
            : start.type === "thinking"
              ? { type: "thinking", thinking: "", signature: "" }
              : start.type === "redacted_thinking"
                ? { type: "redacted_thinking", data: start.data }
                : { type: "tool_use", id: start.id, name: start.name, input: {} };
        blocks.set(event.index, { block, json: "" });
        break;
      }
      case "text_delta":
        if (entry?.block.type === "text") entry.block.text += event.text;
        break;
      case "thinking_delta":
        if (entry?.block.type === "thinking") entry.block.thinking += event.thinking;
        break;
      case "signature_delta":
        if (entry?.block.type === "thinking") entry.block.signature += event.signature;
        break;
      case "tool_input_delta":
        if (entry) entry.json += event.partialJson;
        break;
      case "block_stop":
        if (!entry) break;
        if (event.providerData)
          (entry.block as { providerData?: ProviderData }).providerData = event.providerData;
        if (entry.block.type === "tool_use")
          entry.block.input = entry.json ? (JSON.parse(entry.json) as unknown) : {};
        break;
      default:
        break;
    }
  }
  const content = [...blocks.entries()].sort(([a], [b]) => a - b).map(([, e]) => e.block);
  return { role: "assistant", content };
}
