import { describe, expect, it } from "vitest";
import type { Message } from "../core/messages.ts";
import { interruptionNote } from "./interruption.ts";
import { historyFromMessages } from "./resumed-history.ts";

const note = { type: "text" as const, text: interruptionNote };

describe("a resumed conversation's history", () => {
  it("shows an interruption as the live session did, and the prompt typed after it", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "sleep" }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "sleep 9" } }],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "t1", content: "interrupted", is_error: true },
          { type: "text", text: "<nested memory note>" },
          note,
          { type: "text", text: "go on" },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "going on" }] },
      {
        role: "user",
        content: [{ type: "text", text: "wait" }, note, { type: "text", text: "next" }],
      },
    ];
    const shown = historyFromMessages(messages, "/repo").map((item) =>
      item.type === "user"
        ? `> ${item.text}`
        : item.type === "notice"
          ? `! ${item.text}`
          : item.type === "assistant"
            ? item.markdown
            : item.type,
    );
    expect(shown).toEqual([
      "> sleep",
      "tool",
      "! Interrupted.",
      "> go on",
      "going on",
      "> wait",
      "! Interrupted.",
      "> next",
    ]);
  });
});
