// The first, cheap step of compaction: the content of old, large tool results is replaced by a
// one-line marker saying what it was. The blocks themselves stay (same tool_use_id and is_error),
// so every tool_use keeps its answer. Messages that change are copied, never edited in place.

import type {
  ImageBlock,
  Message,
  TextBlock,
  ToolResultBlock,
  ToolUseBlock,
  UserMessage,
} from "../core/messages.ts";
import { IMAGE_TOKENS } from "../core/token-estimate.ts";

export interface ElisionOptions {
  /** Results in this many of the latest messages carrying tool results are left alone. */
  keepRecentResultMessages: number;
  /** Only results longer than this (text characters, images counted as their token cost) go. */
  minChars: number;
}

export const standardElision: ElisionOptions = { keepRecentResultMessages: 3, minChars: 2_000 };
/** For a summary request that would not fit otherwise: everything but the latest results. */
export const aggressiveElision: ElisionOptions = { keepRecentResultMessages: 1, minChars: 500 };

const markerStart = "[earlier output of ";
const maxInputShown = 120;

export interface Elided {
  messages: Message[];
  /** How many tool results were shortened. */
  count: number;
}

export function elideOldToolResults(messages: readonly Message[], options: ElisionOptions): Elided {
  const calls = new Map<string, ToolUseBlock>();
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const block of message.content) if (block.type === "tool_use") calls.set(block.id, block);
  }
  const resultMessages = messages
    .map((m, i) => (m.role === "user" && m.content.some(isToolResult) ? i : -1))
    .filter((i) => i >= 0);
  const protectedFrom =
    resultMessages.length > options.keepRecentResultMessages
      ? (resultMessages[resultMessages.length - options.keepRecentResultMessages] ?? 0)
      : 0;

  let count = 0;
  const out = messages.map((message, index): Message => {
    if (message.role !== "user" || index >= protectedFrom) return message;
    let changed = false;
    const content = message.content.map((block) => {
      if (!isToolResult(block) || isElided(block) || resultSize(block) <= options.minChars) {
        return block;
      }
      changed = true;
      count++;
      return elide(block, calls.get(block.tool_use_id));
    });
    return changed ? ({ role: "user", content } satisfies UserMessage) : message;
  });
  return { messages: out, count };
}

/** Characters of text, plus four characters per token an image costs. */
export function resultSize(block: ToolResultBlock): number {
  if (typeof block.content === "string") return block.content.length;
  return block.content.reduce(
    (n, b) => n + (b.type === "text" ? b.text.length : IMAGE_TOKENS * 4),
    0,
  );
}

function elide(block: ToolResultBlock, call: ToolUseBlock | undefined): ToolResultBlock {
  const parts: Array<TextBlock | ImageBlock> =
    typeof block.content === "string" ? [{ type: "text", text: block.content }] : block.content;
  const chars = parts.reduce((n, b) => n + (b.type === "text" ? b.text.length : 0), 0);
  const images = parts.filter((b) => b.type === "image").length;
  const what = [`${chars.toLocaleString("en-US")} chars`];
  if (images > 0) what.push(`${images} image${images === 1 ? "" : "s"}`);
  const marker =
    `${markerStart}${describeCall(call)} elided to save context: ${what.join(", ")}; ` +
    "run the tool again if you need it]";
  return {
    type: "tool_result",
    tool_use_id: block.tool_use_id,
    content: marker,
    ...(block.is_error === undefined ? {} : { is_error: block.is_error }),
  };
}

/** `Read {"file_path":"src/a.ts"}`: enough for the model to run the same call again. */
function describeCall(call: ToolUseBlock | undefined): string {
  if (call === undefined) return "a tool";
  const input = JSON.stringify(call.input) ?? "";
  if (input === "{}" || input === "") return call.name;
  const shown = input.length > maxInputShown ? `${input.slice(0, maxInputShown)}…` : input;
  return `${call.name} ${shown}`;
}

function isToolResult(block: UserMessage["content"][number]): block is ToolResultBlock {
  return block.type === "tool_result";
}

function isElided(block: ToolResultBlock): boolean {
  return typeof block.content === "string" && block.content.startsWith(markerStart);
}
