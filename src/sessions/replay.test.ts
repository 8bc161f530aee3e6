import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  pairingViolations,
  type AssistantMessage,
  type Message,
  type UserMessage,
} from "../core/messages.ts";
import type { TranscriptEntry } from "./entries.ts";
import {
  promptsOf,
  repairConversation,
  replayEntries,
  unfinishedToolCallMessage,
} from "./index.ts";

const at = "2026-01-01T00:00:00.000Z";
const user = (text: string): UserMessage => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string): AssistantMessage => ({
  role: "assistant",
  content: [{ type: "text", text }],
});
const calls = (...ids: string[]): AssistantMessage => ({
  role: "assistant",
  content: ids.map((id) => ({ type: "tool_use", id, name: "Bash", input: {} })),
});
const results = (...ids: string[]): UserMessage => ({
  role: "user",
  content: ids.map((id) => ({ type: "tool_result", tool_use_id: id, content: `ran ${id}` })),
});
const unfinished = (id: string) => ({
  type: "tool_result",
  tool_use_id: id,
  content: unfinishedToolCallMessage,
  is_error: true,
});

const header: TranscriptEntry = {
  type: "session",
  at,
  version: 1,
  sessionId: "s",
  cwd: "/w",
  model: "m",
  provider: "p",
};
const message = (m: Message): TranscriptEntry => ({ type: "message", at, message: m });
const rewind = (toEntry: number): TranscriptEntry => ({ type: "rewind", at, toEntry });

function replay(entries: (TranscriptEntry | undefined)[]): {
  messages: Message[];
  warnings: string[];
} {
  const warnings: string[] = [];
  return { messages: replayEntries(entries, (w) => warnings.push(w)), warnings };
}

describe("replay", () => {
  it("goes back to the state before the rewind's target entry, and continues from there", () => {
    const entries = [
      header, // 0
      message(user("a")), // 1
      message(assistant("A")), // 2
      message(user("b")), // 3
      message(assistant("B")), // 4
      rewind(3), // 5: back to [a, A]
      message(user("c")), // 6
      message(assistant("C")), // 7
    ];
    expect(replay(entries).messages).toEqual([
      user("a"),
      assistant("A"),
      user("c"),
      assistant("C"),
    ]);
    expect(promptsOf(entries).map((p) => [p.entry, p.text])).toEqual([
      [1, "a"],
      [6, "c"],
    ]);
  });

  it("handles rewinds of rewinds: a target reached through an earlier rewind", () => {
    const entries = [
      header, // 0
      message(user("a")), // 1
      message(assistant("A")), // 2
      message(user("b")), // 3
      message(assistant("B")), // 4
      rewind(3), // 5: [a, A]
      message(user("c")), // 6
      message(assistant("C")), // 7
      rewind(7), // 8: [a, A, c]
      message(assistant("C2")), // 9
      rewind(5), // 10: the state before entry 5 again: [a, A, b, B]
      message(user("d")), // 11
    ];
    expect(replay(entries).messages).toEqual([
      user("a"),
      assistant("A"),
      user("b"),
      assistant("B"),
      user("d"),
    ]);
    expect(replay(entries.slice(0, 10)).messages).toEqual([
      user("a"),
      assistant("A"),
      user("c"),
      assistant("C2"),
    ]);
  });

  it("can rewind to before a compaction, bringing back the full conversation", () => {
    const entries: TranscriptEntry[] = [
      header,
      message(user("a")),
      message(assistant("A")),
      {
        type: "compaction",
        at,
        summary: "s",
        messages: [user("summary of a")],
        tokensBefore: 10,
        tokensAfter: 2,
      },
      message(assistant("after")),
    ];
    expect(replay(entries).messages).toEqual([user("summary of a"), assistant("after")]);
    expect(promptsOf(entries)).toEqual([]);
    expect(replay([...entries, rewind(3)]).messages).toEqual([user("a"), assistant("A")]);
  });

  it("ignores a rewind that does not point back, with a warning", () => {
    const { messages, warnings } = replay([header, message(user("a")), rewind(2), rewind(9)]);
    expect(messages).toEqual([user("a")]);
    expect(warnings).toEqual([
      "line 3: rewind to entry 2, which is not earlier; ignored",
      "line 4: rewind to entry 9, which is not earlier; ignored",
    ]);
  });

  it("counts skipped lines, so a rewind may target one", () => {
    const entries = [header, message(user("a")), undefined, message(assistant("A")), rewind(2)];
    expect(replay(entries).messages).toEqual([user("a")]);
  });
});

describe("repairConversation", () => {
  it("answers the calls of a final assistant message as unfinished", () => {
    const repaired = repairConversation([user("go"), calls("t1", "t2")]);
    expect(repaired.at(-1)).toEqual({
      role: "user",
      content: [unfinished("t1"), unfinished("t2")],
    });
    expect(pairingViolations(repaired)).toEqual([]);
  });

  it("completes a partial set of results, results first and in call order", () => {
    const partial: UserMessage = {
      role: "user",
      content: [{ type: "text", text: "note" }, ...results("t2").content],
    };
    const repaired = repairConversation([user("go"), calls("t1", "t2"), partial]);
    expect(repaired[2]).toEqual({
      role: "user",
      content: [unfinished("t1"), results("t2").content[0], { type: "text", text: "note" }],
    });
    expect(pairingViolations(repaired)).toEqual([]);
  });

  it("merges a prompt into the tool results before it, as the loop does", () => {
    const repaired = repairConversation([user("go"), calls("t1"), results("t1"), user("next")]);
    expect(repaired).toEqual([
      user("go"),
      calls("t1"),
      { role: "user", content: [...results("t1").content, { type: "text", text: "next" }] },
    ]);
  });

  it("inserts results between an assistant with calls and the next assistant message", () => {
    const repaired = repairConversation([user("go"), calls("t1"), assistant("later")]);
    expect(repaired).toEqual([
      user("go"),
      calls("t1"),
      { role: "user", content: [unfinished("t1")] },
      assistant("later"),
    ]);
  });

  it("drops orphan and duplicate results, empty messages, and starts with a user message", () => {
    const repaired = repairConversation([
      assistant("hello"),
      { role: "user", content: [] },
      results("ghost"),
      user("go"),
      calls("t1"),
      { role: "user", content: [...results("t1").content, ...results("t1").content] },
    ]);
    expect(repaired[0]?.role).toBe("user");
    expect(pairingViolations(repaired)).toEqual([]);
    expect(JSON.stringify(repaired)).not.toContain("ghost");
  });

  it("always yields a conversation that passes the pairing check (property)", () => {
    const ids = fc.constantFrom("a", "b", "c");
    const block = fc.oneof(
      fc.constant({ kind: "text" as const }),
      ids.map((id) => ({ kind: "use" as const, id })),
      ids.map((id) => ({ kind: "result" as const, id })),
    );
    const messages = fc.array(
      fc.record({
        role: fc.constantFrom("user", "assistant"),
        blocks: fc.array(block, { maxLength: 4 }),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(messages, (spec) => {
        let n = 0;
        const conversation: Message[] = spec.map(({ role, blocks }) => {
          if (role === "assistant") {
            return {
              role,
              content: blocks.map((b) =>
                b.kind === "use"
                  ? { type: "tool_use" as const, id: `${b.id}${n++}`, name: "X", input: {} }
                  : { type: "text" as const, text: "t" },
              ),
            };
          }
          return {
            role,
            content: blocks.map((b) =>
              b.kind === "result"
                ? { type: "tool_result" as const, tool_use_id: `${b.id}${n - 1}`, content: "r" }
                : { type: "text" as const, text: "t" },
            ),
          };
        });
        const repaired = repairConversation(conversation);
        expect(pairingViolations(repaired)).toEqual([]);
        repaired.forEach((m, i) => {
          expect(m.content.length).toBeGreaterThan(0);
          if (i > 0) expect(m.role).not.toBe(repaired[i - 1]?.role);
        });
        if (repaired.length > 0) expect(repaired[0]?.role).toBe("user");
      }),
    );
  });
});
