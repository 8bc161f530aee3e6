// Renders scripted replies in the OpenAI Chat Completions wire format: `chat.completion.chunk`
// SSE data lines ending in [DONE], the complete `chat.completion`, and the error envelope.

import { openAiContextLengthBody, openAiErrorBody } from "./openai-error.ts";
import { findChatViolation } from "./openai-chat-checks.ts";
import { chunks, planReply, type PlannedBlock, type ReplyPlan } from "./reply-plan.ts";
import type { ReplyTurn } from "./scenario.ts";
import type { RenderContext, ScriptedStreamError, SseEvent, WireFormat } from "./wire-format.ts";

export const openAiChatWire: WireFormat = {
  wire: "openai-chat",
  requestIdHeader: "x-request-id",
  findViolation: findChatViolation,
  streamEvents: chatStreamEvents,
  streamError: chatStreamError,
  completeResponse: chatCompletion,
  errorBody: (status, message) => openAiErrorBody(status, message),
  promptTooLongBody: (tokens, limit) =>
    openAiContextLengthBody(
      `This model's maximum context length is ${limit} tokens. However, your messages resulted ` +
        `in ${tokens} tokens. Please reduce the length of the messages.`,
      "messages",
    ),
};

const FINISH_REASONS = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  tool_use: "tool_calls",
} as const;

export function chatStreamEvents(turn: ReplyTurn, ctx: RenderContext): SseEvent[] {
  const plan = planFor(turn, ctx);
  const includeUsage = wantsUsage(ctx.body);
  const chunk = (delta: object, finishReason: string | null = null) =>
    data({
      ...chunkEnvelope(ctx),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      // Documented: with include_usage every chunk but the last carries `usage: null`.
      ...(includeUsage ? { usage: null } : {}),
    });
  const toolIndexes = toolCallIndexes(plan.blocks);
  return [
    chunk({ role: "assistant", content: "", refusal: null }),
    ...plan.blocks
      .flatMap((block, i) => blockDeltas(block, toolIndexes[i] ?? 0, plan.chunkSize))
      .map((delta) => chunk(delta)),
    chunk({}, FINISH_REASONS[plan.stopReason]),
    ...(includeUsage ? [data({ ...chunkEnvelope(ctx), choices: [], usage: chatUsage(plan) })] : []),
    { data: "[DONE]" },
  ];
}

export function chatStreamError(error: ScriptedStreamError): SseEvent {
  return data({ error: { message: error.message, type: error.type, param: null, code: null } });
}

export function chatCompletion(turn: ReplyTurn, ctx: RenderContext): unknown {
  const plan = planFor(turn, ctx);
  const text = plan.blocks.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  const reasoning = plan.blocks.flatMap((b) => (b.type === "thinking" ? [b.thinking] : []));
  const toolCalls = plan.blocks.flatMap((b) =>
    b.type === "tool_use"
      ? [{ id: b.id, type: "function", function: { name: b.name, arguments: b.arguments } }]
      : [],
  );
  return {
    id: `chatcmpl-fake-${ctx.turnNumber}`,
    object: "chat.completion",
    created: ctx.nowSeconds,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: text === "" ? null : text,
          refusal: null,
          ...(reasoning.length > 0 ? { reasoning_content: reasoning.join("") } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH_REASONS[plan.stopReason],
      },
    ],
    usage: chatUsage(plan),
    system_fingerprint: "fp_fake",
  };
}

function planFor(turn: ReplyTurn, ctx: RenderContext): ReplyPlan {
  return planReply(turn, {
    turnNumber: ctx.turnNumber,
    toolIdPrefix: "call",
    requestChars: ctx.requestChars,
  });
}

function wantsUsage(body: Record<string, unknown>): boolean {
  const options = body.stream_options;
  return (
    typeof options === "object" &&
    options !== null &&
    "include_usage" in options &&
    options.include_usage === true
  );
}

function chunkEnvelope(ctx: RenderContext) {
  return {
    id: `chatcmpl-fake-${ctx.turnNumber}`,
    object: "chat.completion.chunk",
    created: ctx.nowSeconds,
    model: ctx.model,
    system_fingerprint: "fp_fake",
  };
}

function data(payload: object): SseEvent {
  return { data: JSON.stringify(payload) };
}

/** Tool calls are numbered among themselves, not among all blocks. */
function toolCallIndexes(blocks: readonly PlannedBlock[]): number[] {
  let next = 0;
  return blocks.map((block) => (block.type === "tool_use" ? next++ : -1));
}

function blockDeltas(block: PlannedBlock, toolIndex: number, chunkSize: number): object[] {
  switch (block.type) {
    case "text":
      return chunks(block.text, chunkSize).map((content) => ({ content }));
    case "thinking":
      // Not part of OpenAI's API: the field DeepSeek, vLLM and llama.cpp stream thinking in.
      return chunks(block.thinking, chunkSize).map((reasoning_content) => ({ reasoning_content }));
    case "redacted_thinking":
      return [];
    case "tool_use":
      return [
        {
          tool_calls: [
            {
              index: toolIndex,
              id: block.id,
              type: "function",
              function: { name: block.name, arguments: "" },
            },
          ],
        },
        ...chunks(block.arguments, chunkSize).map((args) => ({
          tool_calls: [{ index: toolIndex, function: { arguments: args } }],
        })),
      ];
    default: {
      const unhandled: never = block;
      throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Chat Completions counts cached tokens inside prompt_tokens. */
function chatUsage(plan: ReplyPlan) {
  const u = plan.usage;
  const prompt = u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: u.output_tokens,
    total_tokens: prompt + u.output_tokens,
    prompt_tokens_details: {
      cached_tokens: u.cache_read_input_tokens,
      cache_write_tokens: u.cache_creation_input_tokens,
      audio_tokens: 0,
    },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning_tokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
