// The Chat Completions adapter (OpenAI and OpenAI-compatible servers): sends a request with the
// official SDK and maps streamed chunks to normalised StreamEvents, tolerating the variations
// of local servers (reasoning fields, missing tool-call ids). Request bodies: openai-chat-request.ts.

import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import { newToolUseId } from "../core/ids.ts";
import type { StopReason, StreamEvent } from "../core/stream.ts";
import { emptyUsage, type Usage } from "../core/usage.ts";
import { displayBaseUrl, normaliseBaseUrl } from "./endpoint.ts";
import { buildChatRequest } from "./openai-chat-request.ts";
import {
  OPENAI_BASE_URL,
  OPENAI_ERRORS,
  createOpenAIClient,
  type OpenAIProviderOptions,
} from "./openai-client.ts";
import { CHAT_DATA, isRecord } from "./provider-data.ts";
import { type CallSite, streamEndedEarly, withProviderErrors } from "./sdk-errors.ts";
import type { ModelRequest, Provider } from "./types.ts";

export function createOpenAIChatProvider(opts: OpenAIProviderOptions): Provider {
  const baseURL = normaliseBaseUrl(opts.baseUrl ?? OPENAI_BASE_URL);
  const site: CallSite = {
    provider: "openai-chat",
    baseUrl: displayBaseUrl(baseURL),
    errors: OPENAI_ERRORS,
  };
  const client = createOpenAIClient(opts, baseURL);
  return {
    id: "openai-chat",
    baseUrl: site.baseUrl,
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
      return withProviderErrors(site, signal, async function* () {
        const chunks = await client.chat.completions.create(buildChatRequest(request), { signal });
        yield* chatEvents(chunks, request.model, site, signal);
      });
    },
  };
}

interface ToolCallState {
  /** Block index once block_start was emitted; a call is started when its name is known. */
  index: number | undefined;
  id: string;
  name: string;
  /** Argument text that arrived before the name. */
  pending: string;
}

type ProseKind = "text" | "thinking";

/**
 * Maps Chat Completions chunks to StreamEvents. Text and reasoning become blocks that close
 * when something else starts; tool calls become tool_use blocks, kept open until the end
 * because some servers interleave the argument deltas of parallel calls.
 */
export async function* chatEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
  requestedModel: string,
  site: CallSite,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  let started = false;
  let nextIndex = 0;
  let prose: { kind: ProseKind; index: number; field: string } | undefined;
  const calls = new Map<number, ToolCallState>();
  let lastCallKey = -1;
  let finishReason: string | null = null;
  let usage: CompletionUsage | undefined;

  function* closeProse(): Generator<StreamEvent> {
    if (!prose) return;
    const { index, kind, field } = prose;
    prose = undefined;
    yield kind === "thinking"
      ? { type: "block_stop", index, providerData: { [CHAT_DATA]: { field } } }
      : { type: "block_stop", index };
  }

  function* proseDelta(kind: ProseKind, text: string, field: string): Generator<StreamEvent> {
    if (prose?.kind !== kind) {
      yield* closeProse();
      prose = { kind, index: nextIndex++, field };
      yield { type: "block_start", index: prose.index, block: { type: kind } };
    }
    yield kind === "text"
      ? { type: "text_delta", index: prose.index, text }
      : { type: "thinking_delta", index: prose.index, thinking: text };
  }

  function* startCall(call: ToolCallState): Generator<StreamEvent> {
    call.index = nextIndex++;
    // Some servers (older Ollama, some llama.cpp templates) send calls without an id.
    if (!call.id) call.id = newToolUseId();
    yield {
      type: "block_start",
      index: call.index,
      block: { type: "tool_use", id: call.id, name: call.name },
    };
    if (call.pending) {
      yield { type: "tool_input_delta", index: call.index, partialJson: call.pending };
      call.pending = "";
    }
  }

  for await (const chunk of chunks) {
    if (!started) {
      started = true;
      yield {
        type: "message_start",
        messageId: chunk.id ?? "",
        model: chunk.model || requestedModel,
      };
    }
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const delta = choice.delta ?? {};

    const reasoning = reasoningOf(delta);
    if (reasoning) yield* proseDelta("thinking", reasoning.text, reasoning.field);
    if (typeof delta.content === "string" && delta.content !== "") {
      yield* proseDelta("text", delta.content, "content");
    }

    for (const part of delta.tool_calls ?? []) {
      yield* closeProse();
      // Without an index, a part with an id starts a new call and one without continues the last.
      const key =
        typeof part.index === "number"
          ? part.index
          : part.id || lastCallKey < 0
            ? calls.size
            : lastCallKey;
      lastCallKey = key;
      let call = calls.get(key);
      if (!call) {
        call = { index: undefined, id: "", name: "", pending: "" };
        calls.set(key, call);
      }
      if (part.id && !call.id) call.id = part.id;
      if (call.index === undefined && part.function?.name) call.name += part.function.name;
      const args = part.function?.arguments ?? "";
      if (call.index === undefined && call.name) yield* startCall(call);
      if (args) {
        if (call.index === undefined) call.pending += args;
        else yield { type: "tool_input_delta", index: call.index, partialJson: args };
      }
    }

    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  // The SDK ends quietly on abort, so check before treating the end as normal.
  if (finishReason === null || signal.aborted)
    throw streamEndedEarly(site, signal, "a finish_reason");
  yield* closeProse();
  for (const call of calls.values()) {
    if (call.index === undefined) yield* startCall(call);
    // startCall always sets the index.
    yield { type: "block_stop", index: call.index as number };
  }
  yield {
    type: "message_stop",
    stopReason: stopReasonOf(finishReason, calls.size > 0),
    usage: chatUsage(usage),
  };
}

/**
 * Reasoning text from the non-standard fields local servers use: `reasoning_content`
 * (DeepSeek, vLLM, llama.cpp) or `reasoning` (Ollama, OpenRouter).
 */
function reasoningOf(delta: object): { text: string; field: string } | undefined {
  const fields = delta as Record<string, unknown>;
  for (const field of ["reasoning_content", "reasoning"]) {
    const value = fields[field];
    if (typeof value === "string" && value !== "") return { text: value, field };
  }
  return undefined;
}

function stopReasonOf(finishReason: string, sawToolCall: boolean): StopReason {
  switch (finishReason) {
    case "tool_calls":
    case "function_call":
      return "tool_use";
    // Some servers report "stop" after emitting tool calls; the calls are what matters.
    case "stop":
      return sawToolCall ? "tool_use" : "end_turn";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      return "other";
  }
}

/** `prompt_tokens` includes cached tokens (and cache writes, where reported); ours excludes them. */
export function chatUsage(usage: CompletionUsage | undefined): Usage {
  if (!usage) return emptyUsage();
  const details: unknown = usage.prompt_tokens_details;
  const cached = isRecord(details) ? count(details.cached_tokens) : 0;
  const written = isRecord(details) ? count(details.cache_write_tokens) : 0;
  return {
    inputTokens: Math.max(0, count(usage.prompt_tokens) - cached - written),
    outputTokens: count(usage.completion_tokens),
    cacheCreationInputTokens: written,
    cacheReadInputTokens: cached,
  };
}

/** Compatible servers sometimes send null or omit counts. */
function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
