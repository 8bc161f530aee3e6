// The todo list pinned above the prompt while one is in use: one row per item, long lists
// shortened (completed items folded into a count) so the live region stays small.

import { Box } from "ink";
import type { TodoItem } from "../types.ts";
import { LinesView } from "./lines-view.tsx";
import { todoLines } from "./todo-lines.ts";

const PANEL_MAX_ITEMS = 10;

export function TodoPanel({ todos }: { todos: TodoItem[] }) {
  if (todos.length === 0) return null;
  // No width comes in: rows are laid out wide and Ink cuts each to the terminal's width.
  const lines = todoLines(todos, { width: 1000, maxItems: PANEL_MAX_ITEMS, oneRow: true });
  return (
    <Box flexDirection="column">
      <LinesView lines={lines} wrap="truncate-end" />
    </Box>
  );
}
