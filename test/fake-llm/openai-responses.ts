// Renders scripted replies in the OpenAI Responses wire format: the documented `response.*`
// SSE events (numbered, no [DONE]), the complete `response` object, and the error envelope.

import { openAiContextLengthBody, openAiErrorBody } from "./openai-error.ts";
import { findResponsesViolation } from "./openai-responses-checks.ts";
import { chunks, planReply, type PlannedBlock, type ReplyPlan } from "./reply-plan.ts";
import type { ReplyTurn } from "./scenario.ts";
import type { RenderContext, ScriptedStreamError, SseEvent, WireFormat } from "./wire-format.ts";

export const openAiResponsesWire: WireFormat = {
  wire: "openai-responses",
  requestIdHeader: "x-request-id",
  findViolation: findResponsesViolation,
  streamEvents: responsesStreamEvents,
  streamError: responsesStreamError,
  completeResponse: responsesComplete,
  errorBody: (status, message) => openAiErrorBody(status, message),
  promptTooLongBody: () =>
    openAiContextLengthBody(
      "Your input exceeds the context window of this model. Please adjust your input and try again.",
      "input",
    ),
};

/** An event before numbering: its type and the rest of its payload. */
type PendingEvent = [type: string, payload: object];

/** An output item: the events that stream it, and the item as `output_item.done` shows it. */
interface RenderedItem {
  events: PendingEvent[];
  item: object;
}

export function responsesStreamEvents(turn: ReplyTurn, ctx: RenderContext): SseEvent[] {
  const plan = planFor(turn, ctx);
  const inProgress = responseObject(plan, ctx, undefined);
  const items = renderItems(plan, ctx);
  const done = responseObject(
    plan,
    ctx,
    items.map((rendered) => rendered.item),
  );
  const pending: PendingEvent[] = [
    ["response.created", { response: inProgress }],
    ["response.in_progress", { response: inProgress }],
    ...items.flatMap((rendered) => rendered.events),
    [
      done.status === "incomplete" ? "response.incomplete" : "response.completed",
      { response: done },
    ],
  ];
  return pending.map(([type, payload], sequence) => numbered(type, payload, sequence));
}

export function responsesComplete(turn: ReplyTurn, ctx: RenderContext): unknown {
  const plan = planFor(turn, ctx);
  return responseObject(
    plan,
    ctx,
    renderItems(plan, ctx).map((rendered) => rendered.item),
  );
}

export function responsesStreamError(error: ScriptedStreamError, eventIndex: number): SseEvent {
  return numbered("error", { code: error.type, message: error.message, param: null }, eventIndex);
}

function numbered(type: string, payload: object, sequence: number): SseEvent {
  return { event: type, data: JSON.stringify({ type, sequence_number: sequence, ...payload }) };
}

function planFor(turn: ReplyTurn, ctx: RenderContext): ReplyPlan {
  return planReply(turn, {
    turnNumber: ctx.turnNumber,
    toolIdPrefix: "call",
    requestChars: ctx.requestChars,
  });
}

/** The response envelope; `output` is undefined while the response is still in progress. */
function responseObject(plan: ReplyPlan, ctx: RenderContext, output: object[] | undefined) {
  const truncated = plan.stopReason === "max_tokens";
  const final = output !== undefined;
  const status = !final ? "in_progress" : truncated ? "incomplete" : "completed";
  const body = ctx.body;
  return {
    id: `resp_fake_${ctx.turnNumber}`,
    object: "response",
    created_at: ctx.nowSeconds,
    status,
    background: false,
    error: null,
    incomplete_details: final && truncated ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: ctx.model,
    output: output ?? [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    usage: final ? responsesUsage(plan) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** Responses counts cached tokens inside input_tokens. */
function responsesUsage(plan: ReplyPlan) {
  const u = plan.usage;
  const input = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return {
    input_tokens: input,
    input_tokens_details: {
      cached_tokens: u.cache_read_input_tokens,
      cache_write_tokens: u.cache_creation_input_tokens,
    },
    output_tokens: u.output_tokens,
    output_tokens_details: { reasoning_tokens: u.reasoning_tokens },
    total_tokens: input + u.output_tokens,
  };
}

function renderItems(plan: ReplyPlan, ctx: RenderContext): RenderedItem[] {
  return plan.blocks.map((block, index) => renderItem(block, index, plan.chunkSize, ctx));
}

function renderItem(
  block: PlannedBlock,
  outputIndex: number,
  chunkSize: number,
  ctx: RenderContext,
): RenderedItem {
  const id = (prefix: string) => `${prefix}_fake_${ctx.turnNumber}_${outputIndex + 1}`;
  switch (block.type) {
    case "text":
      return messageItem(id("msg"), outputIndex, block.text, chunkSize);
    case "thinking":
      return reasoningItem(id("rs"), outputIndex, block.thinking, chunkSize, {
        encrypted: encryptedThinking(block.thinking, block.signature),
        include: wantsEncryptedReasoning(ctx.body),
      });
    case "redacted_thinking":
      return reasoningItem(id("rs"), outputIndex, "", chunkSize, {
        encrypted: block.data,
        include: wantsEncryptedReasoning(ctx.body),
      });
    case "tool_use":
      return functionCallItem(id("fc"), outputIndex, block, chunkSize);
    default: {
      const unhandled: never = block;
      throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

function messageItem(
  id: string,
  outputIndex: number,
  text: string,
  chunkSize: number,
): RenderedItem {
  const at = { item_id: id, output_index: outputIndex, content_index: 0 };
  const part = (t: string) => ({ type: "output_text", text: t, annotations: [], logprobs: [] });
  const item = (status: string, content: object[]) => ({
    id,
    type: "message",
    status,
    role: "assistant",
    content,
  });
  const events: PendingEvent[] = [
    ["response.output_item.added", { output_index: outputIndex, item: item("in_progress", []) }],
    ["response.content_part.added", { ...at, part: part("") }],
    ...chunks(text, chunkSize).map((delta): PendingEvent => [
      "response.output_text.delta",
      { ...at, delta, logprobs: [] },
    ]),
    ["response.output_text.done", { ...at, text, logprobs: [] }],
    ["response.content_part.done", { ...at, part: part(text) }],
  ];
  const done = item("completed", [part(text)]);
  events.push(["response.output_item.done", { output_index: outputIndex, item: done }]);
  return { events, item: done };
}

function reasoningItem(
  id: string,
  outputIndex: number,
  summary: string,
  chunkSize: number,
  encryption: { encrypted: string; include: boolean },
): RenderedItem {
  // Documented: encrypted_content is only returned when the request includes it.
  const encrypted = encryption.include ? { encrypted_content: encryption.encrypted } : {};
  const parts = summary === "" ? [] : [{ type: "summary_text", text: summary }];
  const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
  const summaryEvents: PendingEvent[] =
    summary === ""
      ? []
      : [
          [
            "response.reasoning_summary_part.added",
            { ...at, part: { type: "summary_text", text: "" } },
          ],
          ...chunks(summary, chunkSize).map((delta): PendingEvent => [
            "response.reasoning_summary_text.delta",
            { ...at, delta },
          ]),
          ["response.reasoning_summary_text.done", { ...at, text: summary }],
          ["response.reasoning_summary_part.done", { ...at, part: parts[0] }],
        ];
  const done = { id, type: "reasoning", summary: parts, ...encrypted };
  return {
    events: [
      [
        "response.output_item.added",
        { output_index: outputIndex, item: { id, type: "reasoning", summary: [], ...encrypted } },
      ],
      ...summaryEvents,
      ["response.output_item.done", { output_index: outputIndex, item: done }],
    ],
    item: done,
  };
}

function functionCallItem(
  id: string,
  outputIndex: number,
  call: Extract<PlannedBlock, { type: "tool_use" }>,
  chunkSize: number,
): RenderedItem {
  const item = (status: string, args: string) => ({
    id,
    type: "function_call",
    status,
    arguments: args,
    call_id: call.id,
    name: call.name,
  });
  const at = { item_id: id, output_index: outputIndex };
  const done = item("completed", call.arguments);
  return {
    events: [
      ["response.output_item.added", { output_index: outputIndex, item: item("in_progress", "") }],
      ...chunks(call.arguments, chunkSize).map((delta): PendingEvent => [
        "response.function_call_arguments.delta",
        { ...at, delta },
      ]),
      [
        "response.function_call_arguments.done",
        { ...at, name: call.name, arguments: call.arguments },
      ],
      ["response.output_item.done", { output_index: outputIndex, item: done }],
    ],
    item: done,
  };
}

function wantsEncryptedReasoning(body: Record<string, unknown>): boolean {
  return Array.isArray(body.include) && body.include.includes("reasoning.encrypted_content");
}

/** A stable, reversible stand-in for the opaque blob the real API returns. */
export function encryptedThinking(thinking: string, signature: string): string {
  return Buffer.from(JSON.stringify({ fake: "reasoning", thinking, signature })).toString("base64");
}
