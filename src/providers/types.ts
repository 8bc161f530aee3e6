// The provider contract: one streaming call, normalised events, typed failures.

import type { Message } from "../core/messages.ts";
import type { StreamEvent } from "../core/stream.ts";
import type { ThinkingStyle } from "./catalog-data.ts";

export type ProviderId = "anthropic" | "openai" | "openai-chat";

/** A tool as the model sees it: JSON Schema for the input, generated from the tool's zod schema. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  /** The provider's own model id, e.g. "claude-sonnet-4-5" or "gpt-5". */
  model: string;
  system: string;
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  /** Output token cap; undefined lets the server choose (some local servers reject large values). */
  maxTokens: number | undefined;
  /** Extended thinking / reasoning budget in tokens; undefined means the provider's default. */
  thinkingBudget: number | undefined;
  /**
   * How the model thinks, from the catalog: "budget" models take thinkingBudget as is,
   * "adaptive" ones (newer Claude) reject budgets and decide for themselves, "none" is unknown
   * or non-reasoning. Reasoning models keep their reasoning between turns whatever the budget.
   */
  thinkingStyle: ThinkingStyle;
}

export interface Provider {
  readonly id: ProviderId;
  /** Where requests go, for error messages: never contains credentials. */
  readonly baseUrl: string;
  /**
   * Sends one request and yields its events. Throws `ProviderError` for every failure, before
   * or during the stream; never retries (see retry.ts).
   */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
}
