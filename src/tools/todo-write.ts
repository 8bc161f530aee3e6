// The TodoWrite tool: the session's task list, replaced whole on each call; front-ends get the
// list as display data. The list lives in the tool session.

import * as z from "zod/mini";
import type { ToolSession } from "./session.ts";
import { defineTool } from "./tool.ts";

const todoSchema = z.object({
  content: z.string().check(z.minLength(1), z.describe('The task, imperative ("Run the tests")')),
  status: z.enum(["pending", "in_progress", "completed"]),
  activeForm: z
    .string()
    .check(z.minLength(1), z.describe('Shown while in progress ("Running the tests")')),
  id: z.optional(z.string()),
});

const input = z.object({
  todos: z
    .array(todoSchema)
    .check(z.describe("The whole updated list; it replaces the previous one")),
});

export type Todo = z.infer<typeof todoSchema>;

/** What front-ends receive in the tool_end event. */
export interface TodoDisplay {
  type: "todos";
  todos: Todo[];
}

/** The session's current task list (empty before the first TodoWrite). */
export function todosOf(session: ToolSession): readonly Todo[] {
  return session.todos.items;
}

export const todoWriteTool = defineTool({
  name: "TodoWrite",
  description:
    "Keep a task list for the current work, shown to the user. Send the whole list each time; it " +
    "replaces the previous one. Use it for work with three or more steps: mark a task " +
    "in_progress before starting it (one at a time) and completed as soon as it is done.",
  input,
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run(call, ctx) {
    const todos = call.todos.map((todo) => ({ ...todo }));
    ctx.session.todos.items = todos;
    const display: TodoDisplay = { type: "todos", todos };
    return Promise.resolve({ content: summarize(todos), display });
  },
});

function summarize(todos: readonly Todo[]): string {
  if (todos.length === 0) return "Todo list cleared.";
  const count = (status: Todo["status"]): number =>
    todos.filter((todo) => todo.status === status).length;
  const inProgress = todos.filter((todo) => todo.status === "in_progress");
  const lines = [
    `Todo list updated: ${todos.length} ${todos.length === 1 ? "task" : "tasks"} (${count("completed")} completed, ` +
      `${inProgress.length} in progress, ${count("pending")} pending).`,
  ];
  if (inProgress.length > 1) {
    lines.push(
      `Warning: ${inProgress.length} tasks are in_progress; keep one at a time and mark the others pending or completed.`,
    );
  }
  const ids = todos.flatMap((todo) => (todo.id === undefined ? [] : [todo.id]));
  const repeated = [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
  if (repeated.length > 0) lines.push(`Warning: repeated ids: ${repeated.join(", ")}.`);
  if (count("completed") === todos.length) lines.push("All tasks are completed.");
  return lines.join("\n");
}
