// Rejects Chat Completions requests the real API would answer with a 400: a malformed body, and
// assistant tool_calls not answered one-for-one by the `tool` messages that directly follow.

import { z } from "zod";
import { describeIssues } from "./issue-message.ts";

const content = z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.enum(["system", "developer", "user"]), content }),
  z.looseObject({
    role: z.literal("assistant"),
    content: content.nullish(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.looseObject({ role: z.literal("tool"), tool_call_id: z.string().min(1), content }),
]);

const request = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
});

type Message = z.infer<typeof message>;

export function findChatViolation(body: unknown): string | undefined {
  const parsed = request.safeParse(body);
  if (!parsed.success) return describeIssues(parsed.error);
  return checkToolPairing(parsed.data.messages);
}

function checkToolPairing(messages: readonly Message[]): string | undefined {
  let awaiting = new Set<string>();
  let callerIndex = -1;
  const seenCallIds = new Set<string>();
  for (const [index, m] of messages.entries()) {
    if (m.role === "tool") {
      if (!awaiting.delete(m.tool_call_id)) return strayToolMessage(index, m.tool_call_id);
      continue;
    }
    if (awaiting.size > 0) return unanswered(callerIndex, awaiting);
    const ids = m.role === "assistant" ? (m.tool_calls ?? []).map((call) => call.id) : [];
    const repeated = ids.find((id, i) => seenCallIds.has(id) || ids.indexOf(id) !== i);
    if (repeated !== undefined) {
      return `messages[${index}].tool_calls: tool call ids must be unique, found ${repeated} twice`;
    }
    ids.forEach((id) => seenCallIds.add(id));
    awaiting = new Set(ids);
    callerIndex = index;
  }
  return awaiting.size > 0 ? unanswered(callerIndex, awaiting) : undefined;
}

function strayToolMessage(index: number, id: string): string {
  return `messages[${index}]: a message with role 'tool' must answer a tool call of the assistant message just before it; no pending tool call has id ${id} (missing, or answered twice)`;
}

function unanswered(callerIndex: number, ids: ReadonlySet<string>): string {
  return `messages[${callerIndex}]: an assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...ids].join(", ")}`;
}
