// The OpenAI Responses adapter: sends a stateless request with the official SDK and maps the
// streamed output items (messages, reasoning, function calls) to normalised StreamEvents.
// Request bodies are built in openai-responses-request.ts.

import type {
  Response,
  ResponseOutputItem,
  ResponseStreamEvent,
  ResponseUsage,
} from "openai/resources/responses/responses";
import { newToolUseId } from "../core/ids.ts";
import type { ProviderData } from "../core/messages.ts";
import type { StopReason, StreamEvent } from "../core/stream.ts";
import { emptyUsage, type Usage } from "../core/usage.ts";
import { displayBaseUrl, normaliseBaseUrl } from "./endpoint.ts";
import {
  OPENAI_BASE_URL,
  OPENAI_ERRORS,
  createOpenAIClient,
  type OpenAIProviderOptions,
} from "./openai-client.ts";
import { buildResponsesRequest } from "./openai-responses-request.ts";
import { RESPONSES_DATA } from "./provider-data.ts";
import {
  type CallSite,
  streamEndedEarly,
  streamErrorEvent,
  withProviderErrors,
} from "./sdk-errors.ts";
import type { ModelRequest, Provider } from "./types.ts";

export function createOpenAIResponsesProvider(opts: OpenAIProviderOptions): Provider {
  const baseURL = normaliseBaseUrl(opts.baseUrl ?? OPENAI_BASE_URL);
  const site: CallSite = {
    provider: "openai",
    baseUrl: displayBaseUrl(baseURL),
    errors: OPENAI_ERRORS,
  };
  const client = createOpenAIClient(opts, baseURL);
  return {
    id: "openai",
    baseUrl: site.baseUrl,
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
      return withProviderErrors(site, signal, async function* () {
        const events = await client.responses.create(buildResponsesRequest(request), { signal });
        yield* responsesEvents(events, site, signal);
      });
    },
  };
}

interface OpenBlock {
  index: number;
  kind: "text" | "thinking" | "tool_use";
  /** Whether any delta was streamed; if not, the content is taken from the finished item. */
  streamed: boolean;
  /** Reasoning summaries come in parts; a blank line separates them in the thinking text. */
  summaryIndex: number | undefined;
}

/**
 * Maps Responses stream events to StreamEvents: each output item is one block, addressed by
 * our own index (the item's output_index maps to it). Item kinds cairn does not use are skipped.
 */
export async function* responsesEvents(
  events: AsyncIterable<ResponseStreamEvent>,
  site: CallSite,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const blocks = new Map<number, OpenBlock>();
  let nextIndex = 0;
  let sawFunctionCall = false;
  let started = false;

  function* open(
    outputIndex: number,
    item: ResponseOutputItem | undefined,
    kind: OpenBlock["kind"],
  ): Generator<StreamEvent, OpenBlock> {
    const block: OpenBlock = { index: nextIndex++, kind, streamed: false, summaryIndex: undefined };
    blocks.set(outputIndex, block);
    if (kind === "tool_use") {
      sawFunctionCall = true;
      const call = item?.type === "function_call" ? item : undefined;
      yield {
        type: "block_start",
        index: block.index,
        // A compatible server may leave call_id empty; the id only has to pair call and result.
        block: { type: "tool_use", id: call?.call_id || newToolUseId(), name: call?.name ?? "" },
      };
    } else {
      yield { type: "block_start", index: block.index, block: { type: kind } };
    }
    return block;
  }

  /** The block for a delta, opened on the spot if the server skipped output_item.added. */
  function* blockFor(
    outputIndex: number,
    kind: "text" | "thinking",
  ): Generator<StreamEvent, OpenBlock | undefined> {
    const existing = blocks.get(outputIndex);
    if (existing) return existing.kind === kind ? existing : undefined;
    return yield* open(outputIndex, undefined, kind);
  }

  for await (const event of events) {
    switch (event.type) {
      case "response.created":
        started = true;
        yield { type: "message_start", messageId: event.response.id, model: event.response.model };
        break;
      case "response.output_item.added": {
        const kind = blockKind(event.item);
        if (kind && !blocks.has(event.output_index))
          yield* open(event.output_index, event.item, kind);
        break;
      }
      case "response.output_text.delta":
      case "response.refusal.delta": {
        const block = yield* blockFor(event.output_index, "text");
        if (!block || !event.delta) break;
        block.streamed = true;
        yield { type: "text_delta", index: block.index, text: event.delta };
        break;
      }
      case "response.reasoning_summary_text.delta": {
        const block = yield* blockFor(event.output_index, "thinking");
        if (!block || !event.delta) break;
        const separator =
          block.summaryIndex !== undefined && block.summaryIndex !== event.summary_index
            ? "\n\n"
            : "";
        block.summaryIndex = event.summary_index;
        block.streamed = true;
        yield { type: "thinking_delta", index: block.index, thinking: separator + event.delta };
        break;
      }
      // Raw reasoning text, sent by open-weight models behind compatible servers.
      case "response.reasoning_text.delta": {
        const block = yield* blockFor(event.output_index, "thinking");
        if (!block || !event.delta) break;
        block.streamed = true;
        yield { type: "thinking_delta", index: block.index, thinking: event.delta };
        break;
      }
      case "response.function_call_arguments.delta": {
        const block = blocks.get(event.output_index);
        if (block?.kind !== "tool_use" || !event.delta) break;
        block.streamed = true;
        yield { type: "tool_input_delta", index: block.index, partialJson: event.delta };
        break;
      }
      case "response.output_item.done": {
        const kind = blockKind(event.item);
        if (!kind) break;
        const block =
          blocks.get(event.output_index) ?? (yield* open(event.output_index, event.item, kind));
        blocks.delete(event.output_index);
        yield* finishBlock(block, event.item);
        break;
      }
      case "response.completed":
      case "response.incomplete": {
        if (signal.aborted) break;
        if (!started) {
          yield {
            type: "message_start",
            messageId: event.response.id,
            model: event.response.model,
          };
        }
        for (const block of blocks.values()) yield { type: "block_stop", index: block.index };
        yield {
          type: "message_stop",
          stopReason: stopReasonOf(event.response, sawFunctionCall),
          usage: responsesUsage(event.response.usage),
        };
        return;
      }
      case "response.failed": {
        const error = event.response.error;
        throw streamErrorEvent(site, error?.code, error?.message ?? "response failed", event);
      }
      case "error":
        throw streamErrorEvent(site, event.code, event.message, event);
      default:
        break;
    }
  }
  throw streamEndedEarly(site, signal, "response.completed");
}

function blockKind(item: ResponseOutputItem): OpenBlock["kind"] | undefined {
  switch (item.type) {
    case "message":
      return "text";
    case "reasoning":
      return "thinking";
    case "function_call":
      return "tool_use";
    default:
      return undefined;
  }
}

/**
 * Emits what the deltas did not carry (some servers send only the finished item), then the
 * block stop with the data a later request needs: the whole reasoning item, or the call's id.
 */
function* finishBlock(block: OpenBlock, item: ResponseOutputItem): Generator<StreamEvent> {
  let providerData: ProviderData | undefined;
  if (item.type === "message") {
    const text = item.content
      .map((part) => (part.type === "output_text" ? part.text : part.refusal))
      .join("");
    if (!block.streamed && text) yield { type: "text_delta", index: block.index, text };
    // Replayed with its id: a reasoning item must be followed by the very item it led to.
    if (item.id) providerData = { [RESPONSES_DATA]: { itemId: item.id } };
  } else if (item.type === "reasoning") {
    const text = item.summary.map((part) => part.text).join("\n\n");
    if (!block.streamed && text)
      yield { type: "thinking_delta", index: block.index, thinking: text };
    providerData = { [RESPONSES_DATA]: { item } };
  } else if (item.type === "function_call") {
    if (!block.streamed && item.arguments) {
      yield { type: "tool_input_delta", index: block.index, partialJson: item.arguments };
    }
    if (item.id) providerData = { [RESPONSES_DATA]: { itemId: item.id } };
  }
  yield providerData
    ? { type: "block_stop", index: block.index, providerData }
    : { type: "block_stop", index: block.index };
}

function stopReasonOf(response: Response, sawFunctionCall: boolean): StopReason {
  if (response.status === "incomplete") {
    const reason = response.incomplete_details?.reason;
    if (reason === "max_output_tokens") return "max_tokens";
    if (reason === "content_filter") return "refusal";
    return "other";
  }
  return sawFunctionCall ? "tool_use" : "end_turn";
}

/** `input_tokens` includes cached tokens (and cache writes, where reported); ours excludes them. */
export function responsesUsage(usage: ResponseUsage | undefined): Usage {
  if (!usage) return emptyUsage();
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  const written = usage.input_tokens_details?.cache_write_tokens ?? 0;
  return {
    inputTokens: Math.max(0, usage.input_tokens - cached - written),
    outputTokens: usage.output_tokens,
    cacheCreationInputTokens: written,
    cacheReadInputTokens: cached,
  };
}
