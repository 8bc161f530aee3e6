// The model's thinking as dimmed rows: collapsed to its first line and a line count, or whole.
// Shown as plain text (not Markdown): it is a glimpse, not an answer. Pure, no Ink.

import { prefixRows, type Line } from "./segments.ts";
import { expandTabs, sanitizeText, truncateToWidth } from "./terminal-text.ts";
import { wrapWords } from "./wrap.ts";

const STYLE = { dim: true, italic: true } as const;
const MARK = "✻ ";

export function thinkingLines(text: string, options: { expanded: boolean; width: number }): Line[] {
  const lines = sanitizeText(text)
    .trim()
    .split("\n")
    .map((line) => expandTabs(line));
  const columns = Math.max(1, options.width - MARK.length);
  if (options.expanded) {
    return lines.flatMap((line, index) =>
      prefixRows(
        wrapWords(line === "" ? [] : [{ text: line, style: STYLE }], columns),
        [{ text: index === 0 ? MARK : "  ", style: STYLE }],
        [{ text: "  " }],
      ),
    );
  }
  const count = `(thinking, ${lines.length} line${lines.length === 1 ? "" : "s"})`;
  const first = (lines.find((line) => line.trim() !== "") ?? "").trim();
  const room = columns - count.length - 1;
  const shown = room >= 8 ? truncateToWidth(first, room) : "";
  return [
    {
      prefix: [{ text: MARK, style: STYLE }],
      segments: [{ text: shown === "" ? count : `${shown} ${count}`, style: STYLE }],
    },
  ];
}
