// `--include-partial-messages`: normalised stream events rendered as the Anthropic Messages
// streaming events `claude -p` prints inside `stream_event` lines, whatever provider produced them.

import type { StreamEvent } from "../core/stream.ts";

export function anthropicStreamEvents(event: StreamEvent): Array<Record<string, unknown>> {
  switch (event.type) {
    case "message_start":
      return [
        {
          type: "message_start",
          message: {
            id: event.messageId,
            type: "message",
            role: "assistant",
            model: event.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
      ];
    case "block_start": {
      const block = event.block;
      const contentBlock =
        block.type === "text"
          ? { type: "text", text: "" }
          : block.type === "thinking"
            ? { type: "thinking", thinking: "", signature: "" }
            : block.type === "redacted_thinking"
              ? { type: "redacted_thinking", data: block.data }
              : { type: "tool_use", id: block.id, name: block.name, input: {} };
      return [{ type: "content_block_start", index: event.index, content_block: contentBlock }];
    }
    case "text_delta":
      return [delta(event.index, { type: "text_delta", text: event.text })];
    case "thinking_delta":
      return [delta(event.index, { type: "thinking_delta", thinking: event.thinking })];
    case "signature_delta":
      return [delta(event.index, { type: "signature_delta", signature: event.signature })];
    case "tool_input_delta":
      return [delta(event.index, { type: "input_json_delta", partial_json: event.partialJson })];
    case "block_stop":
      return [{ type: "content_block_stop", index: event.index }];
    case "message_stop":
      return [
        {
          type: "message_delta",
          delta: { stop_reason: event.stopReason, stop_sequence: null },
          usage: {
            input_tokens: event.usage.inputTokens,
            output_tokens: event.usage.outputTokens,
            cache_creation_input_tokens: event.usage.cacheCreationInputTokens,
            cache_read_input_tokens: event.usage.cacheReadInputTokens,
          },
        },
        { type: "message_stop" },
      ];
    case "retry":
      return [];
    default: {
      const never: never = event;
      throw new Error(`unhandled stream event ${JSON.stringify(never)}`);
    }
  }
}

function delta(index: number, body: Record<string, unknown>): Record<string, unknown> {
  return { type: "content_block_delta", index, delta: body };
}
