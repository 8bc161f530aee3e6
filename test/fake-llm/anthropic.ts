// Renders scripted replies in the Anthropic Messages wire format: the documented SSE event
// sequence, the complete message for non-streaming requests, and the error envelope.

import { findAnthropicViolation } from "./anthropic-checks.ts";
import { chunks, planReply, type PlannedBlock, type ReplyPlan } from "./reply-plan.ts";
import type { ReplyTurn } from "./scenario.ts";
import type { RenderContext, ScriptedStreamError, SseEvent, WireFormat } from "./wire-format.ts";

export const anthropicWire: WireFormat = {
  wire: "anthropic",
  requestIdHeader: "request-id",
  findViolation: findAnthropicViolation,
  streamEvents: anthropicStreamEvents,
  streamError: anthropicStreamError,
  completeResponse: anthropicMessage,
  errorBody: anthropicErrorBody,
  promptTooLongBody: (tokens, limit, requestId) =>
    anthropicErrorBody(400, `prompt is too long: ${tokens} tokens > ${limit} maximum`, requestId),
};

export function anthropicStreamEvents(turn: ReplyTurn, ctx: RenderContext): SseEvent[] {
  const plan = planFor(turn, ctx);
  const usage = plan.usage;
  return [
    event("message_start", {
      message: {
        ...messageEnvelope(ctx),
        content: [],
        stop_reason: null,
        stop_sequence: null,
        // The real API reports a token or so here; message_delta carries the final count.
        usage: { ...inputUsage(plan), output_tokens: Math.min(1, usage.output_tokens) },
      },
    }),
    event("ping", {}),
    ...plan.blocks.flatMap((block, index) => blockEvents(block, index, plan.chunkSize)),
    event("message_delta", {
      delta: { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence },
      usage: { ...inputUsage(plan), output_tokens: usage.output_tokens },
    }),
    event("message_stop", {}),
  ];
}

export function anthropicStreamError(error: ScriptedStreamError): SseEvent {
  return event("error", { error: { type: error.type, message: error.message } });
}

export function anthropicMessage(turn: ReplyTurn, ctx: RenderContext): unknown {
  const plan = planFor(turn, ctx);
  return {
    ...messageEnvelope(ctx),
    content: plan.blocks.map(completeBlock),
    stop_reason: plan.stopReason,
    stop_sequence: plan.stopSequence,
    usage: { ...inputUsage(plan), output_tokens: plan.usage.output_tokens },
  };
}

export function anthropicErrorBody(status: number, message: string, requestId: string): unknown {
  return {
    type: "error",
    error: { type: anthropicErrorType(status), message },
    request_id: requestId,
  };
}

/** The documented error `type` for an HTTP status. */
export function anthropicErrorType(status: number): string {
  const byStatus: Record<number, string> = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
  };
  return byStatus[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

function planFor(turn: ReplyTurn, ctx: RenderContext): ReplyPlan {
  return planReply(turn, {
    turnNumber: ctx.turnNumber,
    toolIdPrefix: "toolu",
    requestChars: ctx.requestChars,
  });
}

function messageEnvelope(ctx: RenderContext) {
  return {
    id: `msg_fake_${ctx.turnNumber}`,
    type: "message",
    role: "assistant",
    model: ctx.model,
  } as const;
}

function inputUsage(plan: ReplyPlan) {
  return {
    input_tokens: plan.usage.input_tokens,
    cache_creation_input_tokens: plan.usage.cache_creation_input_tokens,
    cache_read_input_tokens: plan.usage.cache_read_input_tokens,
  };
}

function event(type: string, payload: object): SseEvent {
  return { event: type, data: JSON.stringify({ type, ...payload }) };
}

function blockEvents(block: PlannedBlock, index: number, chunkSize: number): SseEvent[] {
  const delta = (payload: object) => event("content_block_delta", { index, delta: payload });
  const start = (contentBlock: object) =>
    event("content_block_start", { index, content_block: contentBlock });
  const stop = event("content_block_stop", { index });
  switch (block.type) {
    case "text":
      return [
        start({ type: "text", text: "" }),
        ...chunks(block.text, chunkSize).map((text) => delta({ type: "text_delta", text })),
        stop,
      ];
    case "thinking":
      return [
        start({ type: "thinking", thinking: "", signature: "" }),
        ...chunks(block.thinking, chunkSize).map((thinking) =>
          delta({ type: "thinking_delta", thinking }),
        ),
        delta({ type: "signature_delta", signature: block.signature }),
        stop,
      ];
    case "redacted_thinking":
      return [start({ type: "redacted_thinking", data: block.data }), stop];
    case "tool_use":
      // As documented, the first input_json_delta of a tool_use block is empty.
      return [
        start({ type: "tool_use", id: block.id, name: block.name, input: {} }),
        ...["", ...chunks(block.arguments, chunkSize)].map((partial_json) =>
          delta({ type: "input_json_delta", partial_json }),
        ),
        stop,
      ];
    default: {
      const unhandled: never = block;
      throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

function completeBlock(block: PlannedBlock): object {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return {
        type: "tool_use",
        id: block.id,
        name: block.name,
        input: parseOrRaw(block.arguments),
      };
    default: {
      const unhandled: never = block;
      throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Scripted invalid JSON (rawInput) is passed through as a string rather than hidden. */
function parseOrRaw(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
