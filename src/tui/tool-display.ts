// Reads a tool's display data (the `display` of a tool_end event, typed `unknown` there) into the
// shapes the screen draws: a diff or a todo list. Anything else is ignored, never trusted.

import * as z from "zod/mini";
import type { ToolDisplay } from "./types.ts";

const todoSchema = z.object({
  content: z.string(),
  status: z.enum(["pending", "in_progress", "completed"]),
  activeForm: z.string(),
});

const displaySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("diff"),
    path: z.string(),
    unifiedDiff: z.string(),
    added: z.number(),
    removed: z.number(),
    truncated: z.boolean(),
  }),
  z.object({ type: z.literal("todos"), todos: z.array(todoSchema) }),
]);

/** The display data as the screen's type, or undefined when it is absent or not one we draw. */
export function parseToolDisplay(display: unknown): ToolDisplay | undefined {
  if (display === undefined) return undefined;
  // Unknown keys (a todo's id) are stripped by the schema, so what is returned is the screen's type.
  const parsed = displaySchema.safeParse(display);
  return parsed.success ? parsed.data : undefined;
}
