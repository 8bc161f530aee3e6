// The todo list as rows: ☐ pending, ◐ in progress (its active form, highlighted), ☑ completed
// (dimmed, struck through). Long lists are shortened for the pinned panel. Pure, no Ink.

import type { TodoItem } from "../types.ts";
import { prefixRows, type Line, type Segment } from "./segments.ts";
import { sanitizeText } from "./terminal-text.ts";
import { theme } from "./theme.ts";
import { truncateSegments, wrapWords } from "./wrap.ts";

export interface TodoLayout {
  width: number;
  /** Above this many items, completed ones fold into a count and the rest is cut. */
  maxItems?: number;
  /** One row per item (the pinned panel) instead of wrapping. */
  oneRow?: boolean;
}

export function todoLines(todos: readonly TodoItem[], layout: TodoLayout): Line[] {
  const maxItems = layout.maxItems ?? Number.POSITIVE_INFINITY;
  if (todos.length <= maxItems) return todos.flatMap((todo) => todoRows(todo, layout));

  const completed = todos.filter((todo) => todo.status === "completed").length;
  const open = todos.filter((todo) => todo.status !== "completed");
  const lines: Line[] = [];
  if (completed > 0) lines.push(note(`☑ ${completed} completed`, layout.width));
  const room = Math.max(1, maxItems - lines.length);
  const shown = open.length <= room ? open : open.slice(0, room - 1);
  for (const todo of shown) lines.push(...todoRows(todo, layout));
  if (shown.length < open.length) {
    lines.push(note(`… ${open.length - shown.length} more`, layout.width));
  }
  return lines;
}

function todoRows(todo: TodoItem, layout: TodoLayout): Line[] {
  const text = (value: string) => sanitizeText(value).replace(/\s*\n\s*/g, " ");
  let mark: Segment;
  let segments: Segment[];
  switch (todo.status) {
    case "pending":
      mark = { text: "☐ " };
      segments = [{ text: text(todo.content) }];
      break;
    case "in_progress":
      mark = { text: "◐ ", style: { color: theme.todoActive } };
      segments = [
        {
          text: text(todo.activeForm || todo.content),
          style: { bold: true, color: theme.todoActive },
        },
      ];
      break;
    case "completed":
      mark = { text: "☑ ", style: { dim: true } };
      segments = [{ text: text(todo.content), style: { dim: true, strikethrough: true } }];
      break;
    default: {
      const unhandled: never = todo.status;
      throw new Error(`unknown todo status ${String(unhandled)}`);
    }
  }
  const columns = Math.max(1, layout.width - 2);
  if (layout.oneRow === true) {
    return [{ prefix: [mark], segments: truncateSegments(segments, columns) }];
  }
  return prefixRows(wrapWords(segments, columns), [mark], [{ text: "  " }]);
}

function note(text: string, width: number): Line {
  return { prefix: [], segments: truncateSegments([{ text, style: { dim: true } }], width) };
}
