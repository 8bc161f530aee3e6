// The screen's history for a conversation read back from a transcript (`cairn -c`, `/resume`):
// prompts, answers and one line per tool call. Durations and diffs were not recorded, so tool
// lines show only name, target and outcome.

import type { Message, ToolResultBlock } from "../core/messages.ts";
import { interruptionNote } from "./interruption.ts";
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
      // Text beside tool results is cairn's own (nested memory files), not something typed; what
      // follows an interruption note was typed (the next prompt, merged into that message).
      let typedFollows = !message.content.some((b) => b.type === "tool_result");
      let typed: string[] = [];
      const flush = (): void => {
        const text = typed.filter((t) => t !== "").join("\n");
        if (text !== "") items.push({ type: "user", id: id(), text });
        typed = [];
      };
      for (const b of message.content) {
        if (b.type === "text" && b.text === interruptionNote) {
          flush();
          items.push(interruptedItem(id()));
          typedFollows = true;
        } else if (typedFollows && b.type !== "tool_result") {
          typed.push(b.type === "text" ? b.text : "[image]");
        }
      }
      flush();
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

function interruptedItem(id: string): HistoryItem {
  return { type: "notice", id, text: "Interrupted.", level: "info" };
}
