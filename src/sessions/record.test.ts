import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../core/events.ts";
import type { AssistantMessage, UserMessage } from "../core/messages.ts";
import { createTranscript, entryForEvent, loadTranscript, resultEntry } from "./index.ts";

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-sessions-record-")));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const usage = {
  inputTokens: 1000,
  outputTokens: 100,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
};
const costOf = (u: typeof usage) => u.inputTokens / 1_000_000;
const turn = { id: "msg_1", model: "m2", stopReason: null, usage, contextTokens: 1000 };

describe("recording a run", () => {
  it("turns the agent's events into entries that load back as the loop's conversation", async () => {
    const call: AssistantMessage = {
      role: "assistant",
      content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }],
    };
    const results: UserMessage = {
      role: "user",
      content: [{ type: "tool_result", tool_use_id: "t1", content: "a.txt", is_error: true }],
    };
    const prompt: UserMessage = { role: "user", content: [{ type: "text", text: "go on" }] };
    const events: AgentEvent[] = [
      {
        type: "user",
        message: { role: "user", content: [{ type: "text", text: "list" }] },
        origin: "prompt",
      },
      { type: "stream", event: { type: "text_delta", index: 0, text: "x" } },
      { type: "assistant", message: call, turn },
      { type: "tool_start", toolUseId: "t1", name: "Bash", input: {} },
      { type: "user", message: results, origin: "tool_results" },
      // An aborted run's results, then the next run's prompt: the loop merges the two.
      { type: "user", message: prompt, origin: "prompt" },
    ];
    const writer = await createTranscript({
      cairnHome: join(base, "home"),
      root: base,
      sessionId: "r1",
      header: { model: "m1", provider: "p" },
    });
    for (const event of events) {
      const entry = entryForEvent(event, costOf);
      if (entry) writer.append(entry);
    }
    writer.append(resultEntry({ outcome: "aborted", numTurns: 1, usage, costUsd: 0.001 }, 1234.5));
    await writer.close();

    const loaded = await loadTranscript(writer.path);
    expect(loaded.messages).toEqual([
      events[0]?.type === "user" ? events[0].message : undefined,
      call,
      { role: "user", content: [...results.content, ...prompt.content] },
    ]);
    expect(loaded.entries[2]).toMatchObject({ model: "m2", usage, costUsd: 0.001 });
    expect(loaded.entries.at(-1)).toMatchObject({
      type: "result",
      outcome: "aborted",
      durationMs: 1235,
      totals: { messages: 4, costUsd: 0.001 },
    });
    expect(loaded.model).toBe("m2");
  });

  it("records a compaction with what the summary cost", () => {
    const messages = [{ role: "user" as const, content: [{ type: "text" as const, text: "s" }] }];
    expect(
      entryForEvent(
        {
          type: "compaction",
          trigger: "auto",
          summary: null,
          elided: 3,
          messages,
          tokensBefore: 900,
          tokensAfter: 300,
          usage,
        },
        costOf,
      ),
    ).toEqual({
      type: "compaction",
      trigger: "auto",
      summary: null,
      elided: 3,
      messages,
      tokensBefore: 900,
      tokensAfter: 300,
      usage,
      costUsd: 0.001,
    });
  });
});
