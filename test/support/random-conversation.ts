// fast-check arbitraries for valid conversations with tool calls: alternating roles, each
// tool_use answered in the next user message, results of very different sizes.

import fc from "fast-check";
import type { AssistantBlock, Message, UserBlock } from "../../src/core/messages.ts";

interface TurnSpec {
  text: number;
  calls: Array<{ size: number; isError: boolean; image: boolean }>;
  userText: number;
}

const turnSpec: fc.Arbitrary<TurnSpec> = fc.record({
  text: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
  calls: fc.array(
    fc.record({
      size: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 300, max: 12_000 })),
      isError: fc.boolean(),
      image: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  userText: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_000 })),
});

/** A conversation ending with a user message (as before a request) or, if `endWith` allows, the assistant. */
export function conversationArb(options: {
  maxTurns?: number;
  endWith?: "user" | "any";
}): fc.Arbitrary<Message[]> {
  return fc
    .tuple(fc.array(turnSpec, { minLength: 1, maxLength: options.maxTurns ?? 30 }), fc.boolean())
    .map(([turns, endOnAssistant]) => build(turns, options.endWith === "any" && endOnAssistant));
}

function build(turns: TurnSpec[], endOnAssistant: boolean): Message[] {
  const messages: Message[] = [{ role: "user", content: [{ type: "text", text: "the task" }] }];
  turns.forEach((turn, i) => {
    const assistant: AssistantBlock[] = [];
    if (turn.text > 0) assistant.push({ type: "text", text: "a".repeat(turn.text) });
    turn.calls.forEach((_, j) =>
      assistant.push({ type: "tool_use", id: `t${i}_${j}`, name: "Tool", input: { i, j } }),
    );
    if (assistant.length === 0) assistant.push({ type: "text", text: "ok" });
    messages.push({ role: "assistant", content: assistant });
    const last = i === turns.length - 1;
    if (last && endOnAssistant && turn.calls.length === 0) return;
    const user: UserBlock[] = turn.calls.map((call, j) => ({
      type: "tool_result",
      tool_use_id: `t${i}_${j}`,
      content: call.image
        ? [
            { type: "text", text: "r".repeat(call.size) },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ]
        : "r".repeat(call.size),
      ...(call.isError ? { is_error: true } : {}),
    }));
    if (turn.userText > 0 || user.length === 0) {
      user.push({ type: "text", text: "u".repeat(Math.max(1, turn.userText)) });
    }
    messages.push({ role: "user", content: user });
  });
  return messages;
}
