// `/cost`: what the session has cost so far and the tokens behind it, cache reads and writes
// included.

import { lookupModel } from "../../providers/index.ts";
import type { SlashCommand } from "../types.ts";
import { columns, formatCount, formatPercent, formatUsd } from "./format.ts";

export const costCommand: SlashCommand = {
  name: "cost",
  description: "Show the session's cost and token usage",
  aliases: ["usage"],
  run(_args, context) {
    const { usage, status } = context.info;
    const totalInput = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
    const rows = [
      ["  input (uncached)", formatCount(usage.inputTokens)],
      ["  cache reads", formatCount(usage.cacheReadTokens)],
      ["  cache writes", formatCount(usage.cacheWriteTokens)],
      ["  output", formatCount(usage.outputTokens)],
      ["  total", formatCount(totalInput + usage.outputTokens)],
    ];
    const lines = [
      `Session cost: ${formatUsd(status.costUsd)}`,
      "Tokens:",
      ...columns(rows, new Set([1])),
    ];
    if (usage.cacheReadTokens > 0) {
      lines.push(
        `${formatPercent(usage.cacheReadTokens, totalInput)} of input tokens were read from the cache.`,
      );
    }
    if (!lookupModel(status.model).known && status.costUsd === 0) {
      lines.push(
        `${status.model} is not in cairn's catalog: its cost is not counted unless settings give its prices.`,
      );
    }
    context.notice(lines.join("\n"));
  },
};
