// The typed events the agent emits while it runs. Every front-end (print mode, TUI, ACP, SDK)
// renders these and nothing else.

import type { AssistantMessage, Message, UserMessage } from "./messages.ts";
import type { StopReason, StreamEvent } from "./stream.ts";
import type { Usage } from "./usage.ts";

export interface AssistantTurn {
  /** The provider's message id (or a generated one). */
  id: string;
  model: string;
  stopReason: StopReason | null;
  usage: Usage;
  /**
   * Input tokens of the request this turn answered: the provider's count (input + cache read +
   * cache creation) when it reported one, else cairn's estimate. With the model's context
   * window, what a front-end shows as "% of context used".
   */
  contextTokens: number;
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
  | {
      type: "tool_end";
      toolUseId: string;
      name: string;
      isError: boolean;
      display?: unknown;
      /** For a failed call, the start of what the model was told (for front-ends to show). */
      errorText?: string;
    }
  | {
      type: "permission_denied";
      toolUseId: string;
      toolName: string;
      input: unknown;
      reason: string;
    }
  /**
   * The conversation was shortened to fit the context window: old tool output elided, and (when
   * `summary` is not null) everything but the latest turns replaced by the model's summary.
   * `messages` is the whole conversation from now on; the transcript keeps what came before.
   */
  | {
      type: "compaction";
      trigger: "auto" | "manual";
      summary: string | null;
      /** How many tool results had their content replaced by a short marker. */
      elided: number;
      messages: Message[];
      /** Input tokens of a request before and after (estimates, or the provider's count before). */
      tokensBefore: number;
      tokensAfter: number;
      /** What the summary call spent (zero when only tool output was elided). */
      usage: Usage;
    }
  /**
   * An event of a subagent (a child agent the Task tool runs), wrapped so front-ends that do not
   * know subagents cannot mistake it for the main agent's: `parentToolUseId` is the Task call's
   * id (stream-json's `parent_tool_use_id`). Children never nest, so `event` is never a subagent.
   */
  | { type: "subagent"; parentToolUseId: string; agentType: string; event: AgentEvent };
