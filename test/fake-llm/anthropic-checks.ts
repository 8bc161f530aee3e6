// Rejects Anthropic Messages requests the real API would answer with a 400: a malformed body,
// broken user/assistant alternation, empty messages, and tool_use blocks not answered one-for-one.

import { z } from "zod";
import { describeIssues } from "./issue-message.ts";

const textBlock = z.looseObject({
  type: z.literal("text"),
  text: z.string().min(1, "text content blocks must be non-empty"),
});
const toolUseBlock = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
const toolResultBlock = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1),
});
// The real API verifies thinking signatures; the least a client must do is send one back.
const thinkingBlock = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().min(1),
});
const redactedThinkingBlock = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string().min(1),
});
const otherBlock = z.looseObject({
  type: z.enum([
    "image",
    "document",
    "search_result",
    "server_tool_use",
    "web_search_tool_result",
    "web_fetch_tool_result",
    "code_execution_tool_result",
    "mcp_tool_use",
    "mcp_tool_result",
    "container_upload",
  ]),
});

const contentBlock = z.discriminatedUnion("type", [
  textBlock,
  toolUseBlock,
  toolResultBlock,
  thinkingBlock,
  redactedThinkingBlock,
  otherBlock,
]);

const message = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string(), z.array(contentBlock)]),
});

const request = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(message).min(1),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
});

type Message = z.infer<typeof message>;

export function findAnthropicViolation(body: unknown): string | undefined {
  const parsed = request.safeParse(body);
  if (!parsed.success) return describeIssues(parsed.error);
  const { messages } = parsed.data;
  return checkAlternation(messages) ?? checkNonEmpty(messages) ?? checkToolPairing(messages);
}

function checkAlternation(messages: readonly Message[]): string | undefined {
  if (messages[0]?.role !== "user") return 'messages: first message must use the "user" role';
  for (let i = 1; i < messages.length; i++) {
    const role = messages[i]?.role;
    if (role === messages[i - 1]?.role) {
      return `messages.${i}: roles must alternate between "user" and "assistant", but found two "${role}" messages in a row`;
    }
  }
  return undefined;
}

function checkNonEmpty(messages: readonly Message[]): string | undefined {
  const index = messages.findIndex(
    (m, i) => m.content.length === 0 && !(i === messages.length - 1 && m.role === "assistant"),
  );
  return index === -1
    ? undefined
    : `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
}

function checkToolPairing(messages: readonly Message[]): string | undefined {
  const seenToolUseIds = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const current = messages[i];
    if (current === undefined) continue;
    const problem =
      current.role === "assistant"
        ? checkToolUses(i, current, messages[i + 1], seenToolUseIds)
        : checkToolResults(i, current, messages[i - 1]);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkToolUses(
  index: number,
  assistant: Message,
  next: Message | undefined,
  seen: Set<string>,
): string | undefined {
  const ids = toolUseIds(assistant);
  for (const id of ids) {
    if (seen.has(id)) return `messages.${index}: tool_use ids must be unique, found ${id} twice`;
    seen.add(id);
  }
  const answered = new Set(next === undefined ? [] : toolResultIds(next).map((r) => r.id));
  const unanswered = ids.filter((id) => !answered.has(id));
  if (unanswered.length === 0) return undefined;
  return `messages.${index}: tool_use ids were found without tool_result blocks immediately after: ${unanswered.join(", ")}. Each tool_use block must have a corresponding tool_result block in the next message.`;
}

function checkToolResults(
  index: number,
  user: Message,
  previous: Message | undefined,
): string | undefined {
  const expected = new Set(previous === undefined ? [] : toolUseIds(previous));
  const answered = new Set<string>();
  for (const result of toolResultIds(user)) {
    const where = `messages.${index}.content.${result.blockIndex}`;
    if (!expected.has(result.id)) {
      return `${where}: unexpected tool_use_id found in tool_result blocks: ${result.id}. Each tool_result block must have a corresponding tool_use block in the previous message.`;
    }
    if (answered.has(result.id)) {
      return `${where}: each tool_use must have a single result, found multiple tool_result blocks with id ${result.id}`;
    }
    answered.add(result.id);
  }
  return expected.size > 0 ? checkResultsComeFirst(index, user) : undefined;
}

// Documented: in the message answering tool_use blocks, tool_result blocks come before any text.
function checkResultsComeFirst(index: number, user: Message): string | undefined {
  if (typeof user.content === "string") return undefined;
  const firstOther = user.content.findIndex((block) => block.type !== "tool_result");
  const lastResult = user.content.findLastIndex((block) => block.type === "tool_result");
  return firstOther !== -1 && firstOther < lastResult
    ? `messages.${index}: tool_result blocks must come first in the content, before any other block`
    : undefined;
}

function toolUseIds(message: Message): string[] {
  if (typeof message.content === "string") return [];
  return message.content.flatMap((block) => (block.type === "tool_use" ? [block.id] : []));
}

function toolResultIds(message: Message): { id: string; blockIndex: number }[] {
  if (typeof message.content === "string") return [];
  return message.content.flatMap((block, blockIndex) =>
    block.type === "tool_result" ? [{ id: block.tool_use_id, blockIndex }] : [],
  );
}
