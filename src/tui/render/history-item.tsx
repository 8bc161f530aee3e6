// One finished entry of the conversation (a user prompt, an answer, thinking, a tool call, a
// notice), drawn once into the scrollback. Memoised: history items never change.

import { Box } from "ink";
import { memo } from "react";
import type { HistoryItem } from "../types.ts";
import { diffToLines } from "./diff-lines.ts";
import { LinesView } from "./lines-view.tsx";
import { Markdown } from "./markdown.tsx";
import { useRenderSettings } from "./render-settings.tsx";
import { prefixRows, type Line, type Style } from "./segments.ts";
import { expandTabs, sanitizeText } from "./terminal-text.ts";
import { theme } from "./theme.ts";
import { thinkingLines } from "./thinking-lines.ts";
import { todoLines } from "./todo-lines.ts";
import { toolDetailLines, toolLine, type ToolItem } from "./tool-lines.ts";
import { wrapWords } from "./wrap.ts";

export interface HistoryItemViewProps {
  item: HistoryItem;
  width: number;
  /** Thinking shown whole; defaults to the render settings (CAIRN_SHOW_THINKING). */
  expanded?: boolean;
}

export const HistoryItemView = memo(function HistoryItemView({
  item,
  width,
  expanded,
}: HistoryItemViewProps) {
  const settings = useRenderSettings();
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <ItemBody item={item} width={width} expanded={expanded ?? settings.expandThinking} />
    </Box>
  );
});

function ItemBody({
  item,
  width,
  expanded,
}: {
  item: HistoryItem;
  width: number;
  expanded: boolean;
}) {
  switch (item.type) {
    case "user":
      return <LinesView lines={userLines(item.text, width)} />;
    case "assistant":
      return <Markdown text={item.markdown} width={width} />;
    case "thinking":
      return <LinesView lines={thinkingLines(item.text, { expanded, width })} />;
    case "tool":
      return <LinesView lines={toolItemLines(item, width)} />;
    case "notice":
      return <LinesView lines={noticeLines(item.text, item.level, width)} />;
    default: {
      const unhandled: never = item;
      throw new Error(`unknown history item ${JSON.stringify(unhandled)}`);
    }
  }
}

const USER_MARK: Style = { color: theme.userMarker, bold: true };

export function userLines(text: string, width: number): Line[] {
  const columns = Math.max(1, width - 2);
  return sanitizeText(text)
    .replace(/\n+$/, "")
    .split("\n")
    .flatMap((line, index) =>
      prefixRows(
        wrapWords(line === "" ? [] : [{ text: expandTabs(line) }], columns),
        [index === 0 ? { text: "› ", style: USER_MARK } : { text: "  " }],
        [{ text: "  " }],
      ),
    );
}

export function toolItemLines(item: ToolItem, width: number): Line[] {
  const lines = [toolLine(item, width), ...toolDetailLines(item, width)];
  const display = item.display;
  if (display === undefined) return lines;
  switch (display.type) {
    case "diff":
      return [...lines, ...diffToLines(display, { width })];
    case "todos":
      return [
        ...lines,
        ...todoLines(display.todos, { width: width - 2 }).map((line) => ({
          ...line,
          prefix: [{ text: "  " }, ...line.prefix],
        })),
      ];
    default: {
      const unhandled: never = display;
      throw new Error(`unknown tool display ${JSON.stringify(unhandled)}`);
    }
  }
}

const NOTICE: Record<"info" | "warning" | "error", { mark: string; style: Style }> = {
  info: { mark: "", style: { dim: true } },
  warning: { mark: "⚠ ", style: { color: theme.warning } },
  error: { mark: "✗ ", style: { color: theme.failure } },
};

export function noticeLines(
  text: string,
  level: "info" | "warning" | "error",
  width: number,
): Line[] {
  const { mark, style } = NOTICE[level];
  const indent = [{ text: " ".repeat(mark.length) }];
  return sanitizeText(text)
    .replace(/\n+$/, "")
    .split("\n")
    .flatMap((line, index) =>
      prefixRows(
        wrapWords(line === "" ? [] : [{ text: expandTabs(line), style }], width - mark.length),
        mark === "" ? [] : index === 0 ? [{ text: mark, style }] : indent,
        mark === "" ? [] : indent,
      ),
    );
}
