// A cheap, tokenizer-free estimate of how many input tokens a request will cost: about four
// characters per token of the JSON the blocks become, and a flat figure per image. Not a
// tokenizer: the agent corrects it with the provider's reported usage (agent/context-meter.ts).

import type { Block, Message } from "./messages.ts";

/** Roughly what a provider charges for one image of typical screenshot size. */
export const IMAGE_TOKENS = 1_600;

const CHARS_PER_TOKEN = 4;
/** Role markers and separators each message costs on the wire. */
const MESSAGE_OVERHEAD_TOKENS = 4;

/** Estimated input tokens of a request: the messages, plus the system prompt and tool list if given. */
export function estimateTokens(
  messages: readonly Message[],
  system?: string,
  tools?: readonly unknown[],
): number {
  let tokens = 0;
  for (const message of messages) tokens += estimateMessageTokens(message);
  if (system !== undefined) tokens += Math.ceil(system.length / CHARS_PER_TOKEN);
  if (tools !== undefined && tools.length > 0) {
    tokens += Math.ceil(JSON.stringify(tools).length / CHARS_PER_TOKEN);
  }
  return tokens;
}

export function estimateMessageTokens(message: Message): number {
  let tokens = MESSAGE_OVERHEAD_TOKENS;
  for (const block of message.content) tokens += estimateBlockTokens(block);
  return tokens;
}

export function estimateBlockTokens(block: Block): number {
  switch (block.type) {
    case "image":
      return IMAGE_TOKENS;
    case "tool_result": {
      if (typeof block.content === "string") return charTokens(block);
      // Images inside a tool result (Read of a picture) cost what a standalone image does;
      // their base64 must not be counted as text.
      const images = block.content.filter((b) => b.type === "image").length;
      const text = block.content.filter((b) => b.type !== "image");
      return charTokens({ ...block, content: text }) + images * IMAGE_TOKENS;
    }
    case "text":
    case "thinking":
    case "redacted_thinking":
    case "tool_use":
      return charTokens(block);
    default: {
      const never: never = block;
      return never;
    }
  }
}

function charTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / CHARS_PER_TOKEN);
}
