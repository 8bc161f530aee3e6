// The screen's history for a conversation read back from a transcript (`cairn -c`, `/resume`):
// prompts, answers and one line per tool call. Durations and diffs were not recorded, so tool
// lines show only name, target and outcome.

import type { Message, ToolResultBlock } from "../core/messages.ts";
import { toolTarget } from "./tool-target.ts";
import type { HistoryItem } from "./types.ts";

export function historyFromMessages(
  messages: readonly Message[],
  root: string | undefined,
): HistoryItem[] {
  const results = new Map<string, ToolResultBlock>();
  for (const message of messages) {
    if (message.role !== "user") continue;
    for (const block of message.content) {
      if (block.type === "tool_result") results.set(block.tool_use_id, block);
    }
  }
  const items: HistoryItem[] = [];
  const id = (): string => `r${items.length}`;
  for (const message of messages) {
    if (message.role === "user") {
      // Text beside tool results is cairn's own (nested memory files), not something typed.
      if (message.content.some((b) => b.type === "tool_result")) continue;
      const text = message.content
        .map((b) => (b.type === "text" ? b.text : b.type === "image" ? "[image]" : ""))
        .filter((t) => t !== "")
        .join("\n");
      if (text !== "") items.push({ type: "user", id: id(), text });
      continue;
    }
    for (const block of message.content) {
      if (block.type === "text" && block.text.trim() !== "") {
        items.push({ type: "assistant", id: id(), markdown: block.text });
      } else if (block.type === "tool_use") {
        const result = results.get(block.id);
        items.push({
          type: "tool",
          id: id(),
          name: block.name,
          target: toolTarget(block.name, block.input, root),
          status: result?.is_error === true ? "error" : "done",
          durationMs: 0,
        });
      }
    }
  }
  return items;
}
