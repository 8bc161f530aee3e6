// A finished tool call as one compact row (status glyph, tool name, target, time) and, for
// errors, denials and interruptions, up to three dimmed rows of detail. Pure, no Ink.

import type { HistoryItem } from "../types.ts";
import { formatDuration } from "./format.ts";
import type { Line, Segment, Style } from "./segments.ts";
import { displayWidth, sanitizeText, truncateToWidth } from "./terminal-text.ts";
import { theme } from "./theme.ts";
import { truncateSegments } from "./wrap.ts";

export type ToolItem = Extract<HistoryItem, { type: "tool" }>;

const STATUS: Record<ToolItem["status"], { glyph: string; style: Style; label?: string }> = {
  done: { glyph: "✓", style: { color: theme.success } },
  error: { glyph: "✗", style: { color: theme.failure } },
  denied: { glyph: "⊘", style: { color: theme.warning }, label: "denied" },
  interrupted: { glyph: "⊘", style: { dim: true }, label: "interrupted" },
};

export const DETAIL_MAX_LINES = 3;

export function toolLine(item: ToolItem, width: number): Line {
  const status = STATUS[item.status];
  const tail: Segment[] = [];
  if (item.display?.type === "diff") {
    tail.push({ text: "  " });
    tail.push({ text: `+${item.display.added}`, style: { color: theme.added } });
    tail.push({ text: " " });
    tail.push({ text: `-${item.display.removed}`, style: { color: theme.removed } });
  }
  if (status.label !== undefined) tail.push({ text: `  ${status.label}`, style: status.style });
  tail.push({ text: `  ${formatDuration(item.durationMs)}`, style: { dim: true } });

  const head: Segment[] = [
    { text: status.glyph, style: { ...status.style, bold: true } },
    { text: " " },
    { text: oneLine(item.name), style: { bold: true } },
  ];
  const used = displayWidth([...head, ...tail].map((segment) => segment.text).join(""));
  const target = oneLine(item.target);
  // The target gives way first: name, status and time stay visible.
  const room = width - used - 1;
  const segments = [...head];
  if (target !== "" && room >= 4) segments.push({ text: " " + truncateToWidth(target, room) });
  segments.push(...tail);
  return { prefix: [], segments: truncateSegments(segments, width) };
}

/** The detail under a failed, denied or interrupted call: at most three rows, each cut to width. */
export function toolDetailLines(item: ToolItem, width: number): Line[] {
  if (item.status === "done" || item.detail === undefined) return [];
  const all = sanitizeText(item.detail).replace(/\t/g, "    ").trim().split("\n");
  if (all.length === 1 && all[0] === "") return [];
  const shown = all.length <= DETAIL_MAX_LINES ? all : all.slice(0, DETAIL_MAX_LINES - 1);
  const texts = [...shown];
  if (shown.length < all.length) texts.push(`… ${all.length - shown.length} more lines`);
  return texts.map((text) => ({
    prefix: [{ text: "  " }],
    segments:
      text === "" ? [] : truncateSegments([{ text, style: { dim: true } }], Math.max(1, width - 2)),
  }));
}

function oneLine(text: string): string {
  return sanitizeText(text)
    .replace(/\s*\n\s*/g, " ⏎ ")
    .replace(/\t/g, " ")
    .trim();
}
