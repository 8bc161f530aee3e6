// The normalised event stream every provider adapter produces, whatever its wire format.
// Blocks are addressed by index; the assembler (agent/assemble.ts) turns events into a message.

import type { ProviderData } from "./messages.ts";
import type { Usage } from "./usage.ts";

export type StopReason =
  "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | "pause_turn" | "other";

export type BlockStart =
  | { type: "text" }
  | { type: "thinking" }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string };

export type StreamEvent =
  | { type: "message_start"; messageId: string; model: string }
  | { type: "block_start"; index: number; block: BlockStart }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; thinking: string }
  | { type: "signature_delta"; index: number; signature: string }
  | { type: "tool_input_delta"; index: number; partialJson: string }
  /** `providerData` lets an adapter attach opaque data known only once a block completes. */
  | { type: "block_stop"; index: number; providerData?: ProviderData }
  | { type: "message_stop"; stopReason: StopReason; usage: Usage }
  /**
   * Emitted by the retry wrapper, never by an adapter: everything streamed since the last
   * `message_start` is void and the request is being sent again after `delayMs`.
   */
  | {
      type: "retry";
      attempt: number;
      maxRetries: number;
      delayMs: number;
      errorStatus: number | null;
      error: string;
    };
