// The typed events the agent emits while it runs. Every front-end (print mode, TUI, ACP, SDK)
// renders these and nothing else.

import type { AssistantMessage, UserMessage } from "./messages.ts";
import type { StopReason, StreamEvent } from "./stream.ts";
import type { Usage } from "./usage.ts";

export interface AssistantTurn {
  /** The provider's message id (or a generated one). */
  id: string;
  model: string;
  stopReason: StopReason | null;
  usage: Usage;
}

export type AgentEvent =
  /** A raw stream event, for front-ends that render text as it arrives. */
  | { type: "stream"; event: StreamEvent }
  /** A model call failed and is being retried; anything streamed since its start is void. */
  | {
      type: "retry";
      attempt: number;
      maxRetries: number;
      delayMs: number;
      errorStatus: number | null;
      error: string;
    }
  /** A complete assistant message, as appended to the conversation. */
  | { type: "assistant"; message: AssistantMessage; turn: AssistantTurn }
  /** A user message appended to the conversation: the prompt, or the tool results of a turn. */
  | { type: "user"; message: UserMessage; origin: "prompt" | "tool_results" }
  | { type: "tool_start"; toolUseId: string; name: string; input: unknown }
  | { type: "tool_end"; toolUseId: string; name: string; isError: boolean; display?: unknown }
  | {
      type: "permission_denied";
      toolUseId: string;
      toolName: string;
      input: unknown;
      reason: string;
    };
