// `/context`: what fills the context window (system prompt, tools, memory files, conversation),
// as a bar per part with its share of the window.

import type { SlashCommand } from "../types.ts";
import { bar, columns, formatPercent, formatTokens } from "./format.ts";

const barWidth = 24;
/** From this share of the window on, /context suggests /compact. */
const crowded = 0.8;

export const contextCommand: SlashCommand = {
  name: "context",
  description: "Show what fills the context window",
  run(_args, context) {
    const { contextParts } = context.info;
    const window = context.info.status.contextWindow;
    const used = contextParts.reduce((sum, part) => sum + part.tokens, 0);
    const free = Math.max(0, window - used);
    const rows = [...contextParts, { label: "free", tokens: free }].map((part) => [
      `  ${part.label}`,
      bar(part.tokens, window, barWidth),
      formatTokens(part.tokens),
      formatPercent(part.tokens, window),
    ]);
    const lines = [
      `Context: ${formatTokens(used)} of ${formatTokens(window)} tokens (${formatPercent(used, window)})`,
      ...columns(rows, new Set([2, 3])),
    ];
    if (used > window) {
      lines.push("The conversation no longer fits: /compact summarises it, /clear starts afresh.");
    } else if (window > 0 && used / window >= crowded) {
      lines.push("The window is filling up: /compact [what to keep] summarises the conversation.");
    }
    context.notice(lines.join("\n"));
  },
};
