// The Anthropic Messages adapter: sends a request with the official SDK and maps the raw SSE
// events to normalised StreamEvents. Request bodies are built in anthropic-request.ts; retries
// live in the retry wrapper, never here.

import { BaseAnthropic } from "@anthropic-ai/sdk/client";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk/core/error";
import type { Stream } from "@anthropic-ai/sdk/core/streaming";
import type {
  ContentBlock,
  RawMessageStreamEvent,
  StopReason as WireStopReason,
} from "@anthropic-ai/sdk/resources/messages";
import type { BlockStart, StopReason, StreamEvent } from "../core/stream.ts";
import { emptyUsage, type Usage } from "../core/usage.ts";
import { buildAnthropicRequest } from "./anthropic-request.ts";
import { displayBaseUrl, normaliseBaseUrl } from "./endpoint.ts";
import {
  type CallSite,
  type SdkErrorClasses,
  streamEndedEarly,
  withProviderErrors,
} from "./sdk-errors.ts";
import type { ModelRequest, Provider } from "./types.ts";

export const ANTHROPIC_BASE_URL = "https://api.anthropic.com";
/** Time allowed until response headers; long prompts on a busy API can take minutes. */
const CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

export interface AnthropicProviderOptions {
  apiKey?: string;
  authToken?: string;
  baseUrl?: string;
  /** Extra headers on every request (a gateway's own auth or routing headers). */
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
}

export const ANTHROPIC_ERRORS: SdkErrorClasses = {
  APIError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
};

/**
 * The SDK's base client, posting to /v1/messages itself. The full `Anthropic` class attaches
 * every API (batches, files, beta, organization...), three times the code to load at start-up;
 * and its Messages resource writes a deprecation notice for some models straight to the
 * console, which would land in the middle of the interactive UI's frame on every request.
 * The SDK resolves credentials from profile files and workload-identity variables when none
 * is passed; cairn resolves credentials itself and passes them in, so that chain stays off.
 */
class MessagesClient extends BaseAnthropic {
  protected override _shouldResolveDefaultCredentials(): boolean {
    return false;
  }
}

export function createAnthropicProvider(opts: AnthropicProviderOptions): Provider {
  const baseURL = normaliseBaseUrl(opts.baseUrl ?? ANTHROPIC_BASE_URL);
  const site: CallSite = {
    provider: "anthropic",
    baseUrl: displayBaseUrl(baseURL),
    errors: ANTHROPIC_ERRORS,
  };
  // The SDK accepts at most one credential; an API key wins when both are configured.
  // `null` (not undefined) keeps the SDK from reading ANTHROPIC_API_KEY / _AUTH_TOKEN itself.
  const apiKey = opts.apiKey || null;
  const authToken = apiKey ? null : opts.authToken || null;
  const client = new MessagesClient({
    apiKey,
    authToken,
    baseURL,
    maxRetries: 0,
    timeout: CLIENT_TIMEOUT_MS,
    // SDK logs would land on stdout, which print mode reserves; failures surface as errors.
    logLevel: "off",
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    // Without any credential, send no Authorization header (a local proxy may need none)
    // instead of letting the SDK refuse the request.
    defaultHeaders: { ...opts.headers, ...(apiKey || authToken ? {} : { Authorization: null }) },
  });

  return {
    id: "anthropic",
    baseUrl: site.baseUrl,
    stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
      return withProviderErrors(site, signal, async function* () {
        const events = await client.post<Stream<RawMessageStreamEvent>>("/v1/messages", {
          body: buildAnthropicRequest(request),
          stream: true,
          signal,
        });
        yield* anthropicEvents(events, site, signal);
      });
    },
  };
}

/**
 * Maps raw Messages stream events to StreamEvents. Block indexes are Anthropic's own; blocks
 * of kinds cairn does not use (server tools) are skipped with their deltas.
 */
export async function* anthropicEvents(
  events: AsyncIterable<RawMessageStreamEvent>,
  site: CallSite,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const usage: Usage = emptyUsage();
  let stopReason: StopReason = "other";
  const open = new Set<number>();

  for await (const event of events) {
    switch (event.type) {
      case "message_start": {
        const start = event.message.usage;
        usage.inputTokens = start.input_tokens;
        usage.outputTokens = start.output_tokens;
        usage.cacheCreationInputTokens = start.cache_creation_input_tokens ?? 0;
        usage.cacheReadInputTokens = start.cache_read_input_tokens ?? 0;
        yield { type: "message_start", messageId: event.message.id, model: event.message.model };
        break;
      }
      case "content_block_start": {
        const block = event.content_block;
        const start = blockStart(block);
        if (!start) break;
        open.add(event.index);
        yield { type: "block_start", index: event.index, block: start };
        // Starts normally carry empty text; anything already present must not be lost.
        if (block.type === "text" && block.text) {
          yield { type: "text_delta", index: event.index, text: block.text };
        } else if (block.type === "thinking") {
          if (block.thinking) {
            yield { type: "thinking_delta", index: event.index, thinking: block.thinking };
          }
          if (block.signature) {
            yield { type: "signature_delta", index: event.index, signature: block.signature };
          }
        }
        break;
      }
      case "content_block_delta": {
        if (!open.has(event.index)) break;
        const delta = event.delta;
        switch (delta.type) {
          case "text_delta":
            yield { type: "text_delta", index: event.index, text: delta.text };
            break;
          case "thinking_delta":
            yield { type: "thinking_delta", index: event.index, thinking: delta.thinking };
            break;
          case "signature_delta":
            yield { type: "signature_delta", index: event.index, signature: delta.signature };
            break;
          case "input_json_delta":
            yield { type: "tool_input_delta", index: event.index, partialJson: delta.partial_json };
            break;
          case "citations_delta":
            break;
          default: {
            const never: never = delta;
            void never;
          }
        }
        break;
      }
      case "content_block_stop":
        if (open.delete(event.index)) yield { type: "block_stop", index: event.index };
        break;
      case "message_delta": {
        stopReason = stopReasonOf(event.delta.stop_reason);
        // message_delta usage is cumulative; input counts are present only when they changed.
        const delta = event.usage;
        usage.outputTokens = delta.output_tokens;
        if (delta.input_tokens != null) usage.inputTokens = delta.input_tokens;
        if (delta.cache_creation_input_tokens != null) {
          usage.cacheCreationInputTokens = delta.cache_creation_input_tokens;
        }
        if (delta.cache_read_input_tokens != null) {
          usage.cacheReadInputTokens = delta.cache_read_input_tokens;
        }
        break;
      }
      case "message_stop":
        if (signal.aborted) break;
        yield { type: "message_stop", stopReason, usage: { ...usage } };
        return;
      default: {
        // Event types newer than this code are ignored, not fatal.
        const never: never = event;
        void never;
      }
    }
  }
  throw streamEndedEarly(site, signal, "message_stop");
}

function blockStart(block: ContentBlock): BlockStart | undefined {
  switch (block.type) {
    case "text":
      return { type: "text" };
    case "thinking":
      return { type: "thinking" };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name };
    default:
      return undefined;
  }
}

function stopReasonOf(reason: WireStopReason | null): StopReason {
  switch (reason) {
    case "end_turn":
    case "max_tokens":
    case "stop_sequence":
    case "tool_use":
    case "pause_turn":
    case "refusal":
      return reason;
    // The output was cut by the context window: for the loop, the same as hitting max_tokens.
    case "model_context_window_exceeded":
      return "max_tokens";
    case null:
      return "other";
    default: {
      const never: never = reason;
      void never;
      return "other";
    }
  }
}
