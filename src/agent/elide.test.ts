import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairingViolations, type Message, type ToolResultBlock } from "../core/messages.ts";
import { conversationArb } from "../../test/support/random-conversation.ts";
import { roleViolations } from "../../test/support/window-provider.ts";
import { aggressiveElision, elideOldToolResults, resultSize, standardElision } from "./elide.ts";

function results(messages: readonly Message[]): ToolResultBlock[] {
  return messages.flatMap((m) =>
    m.role === "user"
      ? m.content.filter((b): b is ToolResultBlock => b.type === "tool_result")
      : [],
  );
}

function turn(id: string, output: string, isError?: boolean): Message[] {
  return [
    {
      role: "assistant",
      content: [{ type: "tool_use", id, name: "Bash", input: { command: `make ${id}` } }],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: id,
          content: output,
          ...(isError ? { is_error: true } : {}),
        },
      ],
    },
  ];
}

describe("eliding old tool output", () => {
  it("replaces old large results with a marker naming the call, and leaves the rest", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "build it" }] },
      ...turn("a", "E".repeat(5_000), true),
      ...turn("b", "small"),
      ...turn("c", "C".repeat(5_000)),
      ...turn("d", "D".repeat(5_000)),
      ...turn("e", "F".repeat(5_000)),
    ];
    const { messages: out, count } = elideOldToolResults(messages, standardElision);
    expect(count).toBe(1);
    expect(results(out)).toEqual([
      {
        type: "tool_result",
        tool_use_id: "a",
        is_error: true,
        content:
          '[earlier output of Bash {"command":"make a"} elided to save context: 5,000 chars; ' +
          "run the tool again if you need it]",
      },
      ...results(messages).slice(1),
    ]);
    // Untouched messages are the same objects; the input is not modified.
    expect(out.filter((m, i) => m !== messages[i])).toHaveLength(1);
    expect(results(messages)[0]?.content).toBe("E".repeat(5_000));
  });

  it("counts an image in a result as what it costs", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "look" }] },
      { role: "assistant", content: [{ type: "tool_use", id: "r", name: "Read", input: {} }] },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "r",
            content: [
              { type: "image", source: { type: "base64", media_type: "image/png", data: "x" } },
            ],
          },
        ],
      },
      ...turn("b", ""),
    ];
    const out = elideOldToolResults(messages, { keepRecentResultMessages: 1, minChars: 2_000 });
    expect(out.count).toBe(1);
    expect(results(out.messages)[0]?.content).toBe(
      "[earlier output of Read elided to save context: 0 chars, 1 image; run the tool again if you need it]",
    );
  });

  it("keeps every pairing and role order, and never touches the most recent results", () => {
    fc.assert(
      fc.property(
        conversationArb({ endWith: "any" }),
        fc.constantFrom(standardElision, aggressiveElision),
        (messages, options) => {
          const { messages: out, count } = elideOldToolResults(messages, options);
          expect(pairingViolations(out)).toEqual([]);
          expect(roleViolations(out)).toEqual([]);
          expect(out.map((m) => m.role)).toEqual(messages.map((m) => m.role));
          const before = results(messages);
          const after = results(out);
          expect(after.map((r) => [r.tool_use_id, r.is_error])).toEqual(
            before.map((r) => [r.tool_use_id, r.is_error]),
          );
          const changed = after.filter((r, i) => r !== before[i]);
          expect(changed).toHaveLength(count);
          for (const r of changed) expect(resultSize(r)).toBeLessThan(options.minChars);
          // The latest result messages come through as they were.
          const withResults = messages.filter(
            (m) => m.role === "user" && m.content.some((b) => b.type === "tool_result"),
          );
          for (const m of withResults.slice(-options.keepRecentResultMessages)) {
            expect(out).toContain(m);
          }
          // Eliding again finds nothing more.
          expect(elideOldToolResults(out, options).count).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
