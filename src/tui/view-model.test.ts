import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgent, type RunResult } from "../agent/index.ts";
import type { AgentEvent } from "../core/events.ts";
import { userText } from "../core/messages.ts";
import { emptyUsage } from "../core/usage.ts";
import { lookupModel } from "../providers/catalog.ts";
import { createToolSession, testTools } from "../tools/index.ts";
import { todoWriteTool } from "../tools/todo-write.ts";
import { writeTool } from "../tools/write.ts";
import {
  scriptedProvider,
  textTurn,
  toolTurn,
  type ScriptedTurn,
} from "../../test/support/scripted-provider.ts";
import type { HistoryItem, StatusLine } from "./types.ts";
import { initialViewState, reduce, type UiAction, type UiState } from "./view-model.ts";

const status: StatusLine = {
  model: "claude-sonnet-4-5",
  mode: "default",
  contextTokens: 0,
  contextWindow: 200_000,
  costUsd: 0,
  backgroundShells: 0,
};

/** Runs a real agent over scripted turns and returns every event it emitted, with its result. */
async function agentEvents(
  turns: ScriptedTurn[],
  options: { allowAll?: boolean; signal?: AbortSignal } = {},
): Promise<{ events: AgentEvent[]; result: RunResult; root: string }> {
  const root = await mkdtemp(join(tmpdir(), "cairn-view-model-"));
  const agent = createAgent({
    provider: scriptedProvider(turns),
    model: lookupModel("claude-sonnet-4-5"),
    system: "system",
    tools: [...testTools, writeTool, todoWriteTool],
    policy: {
      mode: options.allowAll ? "bypassPermissions" : "default",
      allow: [],
      ask: [],
      deny: [],
    },
    toolSession: createToolSession({ root, additionalDirs: [] }),
  });
  const events: AgentEvent[] = [];
  const result = await agent.run({ messages: [] }, userText("go"), {
    signal: options.signal ?? new AbortController().signal,
    emit: (e) => events.push(e),
  });
  return { events, result, root };
}

function fold(events: AgentEvent[], start: UiState, clock = () => 1_000): UiState {
  return events.reduce((s, event) => reduce(s, { type: "agent", event, now: clock() }), start);
}

function run(prompt: string, events: AgentEvent[], result: RunResult, root?: string): UiState {
  let state = reduce(initialViewState(status, root), { type: "run_started", prompt });
  state = fold(events, state);
  return reduce(state, { type: "run_ended", result, now: 1_000 });
}

const kinds = (history: readonly HistoryItem[]) => history.map((item) => item.type);

describe("the view model", () => {
  it("shows the prompt, then the answer as one history item, and is idle after the run", async () => {
    const { events, result } = await agentEvents([textTurn("Hello **there**")]);
    const state = run("hi", events, result);
    expect(state.history).toEqual([
      { type: "user", id: "0:0", text: "hi" },
      { type: "assistant", id: "0:1", markdown: "Hello **there**" },
    ]);
    expect(state).toMatchObject({ busy: false, streamingText: "", running: [] });
  });

  it("appends streamed text without moving it to history until the message ends", () => {
    let state = reduce(initialViewState(status), { type: "run_started", prompt: "hi" });
    const deltas: AgentEvent[] = [
      { type: "stream", event: { type: "message_start", messageId: "m", model: "x" } },
      { type: "stream", event: { type: "block_start", index: 0, block: { type: "thinking" } } },
      { type: "stream", event: { type: "thinking_delta", index: 0, thinking: "let me " } },
      { type: "stream", event: { type: "thinking_delta", index: 0, thinking: "think" } },
      { type: "stream", event: { type: "block_start", index: 1, block: { type: "text" } } },
      { type: "stream", event: { type: "text_delta", index: 1, text: "Par" } },
      { type: "stream", event: { type: "text_delta", index: 1, text: "tial" } },
    ];
    state = fold(deltas, state);
    expect(state.streamingThinking).toBe("let me think");
    expect(state.streamingText).toBe("Partial");
    expect(kinds(state.history)).toEqual(["user"]);
    expect(state.busy).toBe(true);
  });

  it("moves finished blocks of a streaming answer to history at once, thinking first", async () => {
    const lines = "a line\n".repeat(14).trimEnd();
    const answer = `First paragraph.\n\n${lines}\n\nLast paragraph.`;
    const { events, result } = await agentEvents([
      [
        { type: "message_start", messageId: "m", model: "scripted" },
        { type: "block_start", index: 0, block: { type: "thinking" } },
        { type: "thinking_delta", index: 0, thinking: "pondering" },
        { type: "block_stop", index: 0 },
        { type: "block_start", index: 1, block: { type: "text" } },
        ...answer
          .match(/[\s\S]{1,4}/g)!
          .map((text) => ({ type: "text_delta" as const, index: 1, text })),
        { type: "block_stop", index: 1 },
        {
          type: "message_stop",
          stopReason: "end_turn",
          usage: {
            inputTokens: 1,
            outputTokens: 1,
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
          },
        },
      ],
    ]);
    let state = reduce(initialViewState(status), { type: "run_started", prompt: "go" });
    const end = events.findIndex((e) => e.type === "assistant");
    state = fold(events.slice(0, end), state);
    // Before the message ends, what is finished is already history; the live region holds the rest.
    expect(state.history.slice(1)).toEqual([
      { type: "thinking", id: "0:1", text: "pondering" },
      { type: "assistant", id: "0:2", markdown: "First paragraph." },
      { type: "assistant", id: "0:3", markdown: lines },
    ]);
    expect(state.streamingText).toBe("Last paragraph.");
    state = reduce(fold(events.slice(end), state), { type: "run_ended", result, now: 0 });
    expect(
      state.history
        .slice(1)
        .map((i) =>
          i.type === "thinking" ? i.text : i.type === "assistant" ? i.markdown : i.type,
        ),
    ).toEqual(["pondering", "First paragraph.", lines, "Last paragraph."]);
  });

  it("keeps one history item per text block and shows thinking before the text", () => {
    const start = reduce(initialViewState(status), { type: "run_started", prompt: "hi" });
    const state = reduce(start, {
      type: "agent",
      now: 0,
      event: {
        type: "assistant",
        message: {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "plan", signature: "s" },
            { type: "text", text: "first" },
            { type: "tool_use", id: "t", name: "TestEcho", input: { text: "x" } },
            { type: "text", text: "second" },
          ],
        },
        turn: {
          id: "m",
          model: "x",
          stopReason: "tool_use",
          usage: emptyUsage(),
          contextTokens: 1234,
        },
      },
    });
    expect(state.history.slice(1)).toEqual([
      { type: "thinking", id: "0:1", text: "plan" },
      { type: "assistant", id: "0:2", markdown: "first" },
      { type: "assistant", id: "0:3", markdown: "second" },
    ]);
    expect(state.status.contextTokens).toBe(1234);
  });

  it("shows a running tool with its target, then moves it to history with status and duration", async () => {
    const { events, result, root } = await agentEvents(
      [
        toolTurn([{ id: "w", name: "Write", input: { file_path: "src/a.txt", content: "one\n" } }]),
        textTurn("wrote it"),
      ],
      { allowAll: true },
    );
    let state = reduce(initialViewState(status, root), { type: "run_started", prompt: "write" });
    let clock = 5_000;
    const start = events.findIndex((e) => e.type === "tool_start");
    state = fold(events.slice(0, start + 1), state, () => clock);
    expect(state.running).toEqual([
      { id: "w", name: "Write", target: "src/a.txt", startedAt: 5_000 },
    ]);
    clock = 5_250;
    state = fold(events.slice(start + 1), state, () => clock);
    state = reduce(state, { type: "run_ended", result, now: clock });
    const tool = state.history.find((item) => item.type === "tool");
    expect(tool).toMatchObject({
      name: "Write",
      target: "src/a.txt",
      status: "done",
      durationMs: 250,
      display: { type: "diff", path: "src/a.txt", added: 1, removed: 0 },
    });
    expect(state.running).toEqual([]);
    expect(kinds(state.history)).toEqual(["user", "tool", "assistant"]);
  });

  it("shows a failed tool with the start of what the model was told", async () => {
    const { events, result } = await agentEvents([
      toolTurn([{ id: "f", name: "TestFail", input: { message: "disk on fire" } }]),
      textTurn("oh no"),
    ]);
    const state = run("go", events, result);
    expect(state.history.find((item) => item.type === "tool")).toMatchObject({
      name: "TestFail",
      status: "error",
      detail: expect.stringContaining("disk on fire") as unknown,
    });
  });

  it("marks a call the policy denied, with the reason", async () => {
    const { events, result } = await agentEvents([
      toolTurn([{ id: "w", name: "Write", input: { file_path: "a.txt", content: "x" } }]),
      textTurn("ok"),
    ]);
    const state = run("go", events, result);
    expect(state.history.find((item) => item.type === "tool")).toMatchObject({
      name: "Write",
      target: "a.txt",
      status: "denied",
      detail: expect.stringContaining("denied") as unknown,
    });
  });

  it("pins the todo list while some item is open, and hides it once all are completed", async () => {
    const todos = (statuses: string[]) => ({
      todos: statuses.map((s, i) => ({
        content: `task ${i}`,
        activeForm: `doing ${i}`,
        status: s,
      })),
    });
    const { events, result } = await agentEvents(
      [
        toolTurn([{ id: "a", name: "TodoWrite", input: todos(["in_progress", "pending"]) }]),
        textTurn("working"),
      ],
      { allowAll: true },
    );
    const open = run("plan", events, result);
    expect(open.todos.map((t) => t.status)).toEqual(["in_progress", "pending"]);
    expect(open.history.find((i) => i.type === "tool")).toMatchObject({
      display: { type: "todos" },
    });

    const done = await agentEvents(
      [
        toolTurn([{ id: "b", name: "TodoWrite", input: todos(["completed", "completed"]) }]),
        textTurn("done"),
      ],
      { allowAll: true },
    );
    const after = fold(done.events, open);
    expect(after.todos).toEqual([]);
  });

  it("on interrupt keeps what was shown: streamed text, and running tools as interrupted", () => {
    let state = reduce(initialViewState(status), { type: "run_started", prompt: "go" });
    state = fold(
      [
        { type: "stream", event: { type: "text_delta", index: 0, text: "half an answ" } },
        { type: "tool_start", toolUseId: "s", name: "TestSleep", input: { ms: 5000 } },
      ],
      state,
      () => 100,
    );
    const result: RunResult = {
      outcome: "aborted",
      finalText: "",
      numTurns: 0,
      usage: emptyUsage(),
      costUsd: 0,
      apiDurationMs: 0,
      stopReason: null,
      contextTokens: 50,
      contextWindow: 1000,
    };
    state = reduce(state, { type: "run_ended", result, now: 400 });
    expect(state.history.slice(1)).toEqual([
      { type: "assistant", id: "0:1", markdown: "half an answ" },
      {
        type: "tool",
        id: "0:2",
        name: "TestSleep",
        target: "",
        status: "interrupted",
        durationMs: 300,
      },
      { type: "notice", id: "0:3", text: "Interrupted.", level: "info" },
    ]);
    expect(state.status).toMatchObject({ contextTokens: 50, contextWindow: 1000 });
    expect(state.busy).toBe(false);
  });

  it("marks a tool the interrupt cut short as interrupted, not failed", async () => {
    const controller = new AbortController();
    const turns: ScriptedTurn[] = [
      toolTurn([{ id: "s", name: "TestSleep", input: { ms: 10_000 } }]),
    ];
    const running = agentEvents(turns, { allowAll: true, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const { events, result } = await running;
    const state = run("go", events, result);
    expect(state.history.find((i) => i.type === "tool")).toMatchObject({ status: "interrupted" });
    expect(state.history.at(-1)).toMatchObject({ type: "notice", text: "Interrupted." });
  });

  it("counts a tool that fails after the user interrupted as interrupted, whatever it said", () => {
    let state = reduce(initialViewState(status), { type: "run_started", prompt: "go" });
    state = fold(
      [{ type: "tool_start", toolUseId: "b", name: "Bash", input: { command: "sleep 30" } }],
      state,
    );
    state = reduce(state, { type: "interrupt_requested" });
    state = fold(
      [
        {
          type: "tool_end",
          toolUseId: "b",
          name: "Bash",
          isError: true,
          errorText: "Interrupted by the user: the command was killed.",
        },
      ],
      state,
    );
    expect(state.history.at(-1)).toMatchObject({ type: "tool", status: "interrupted" });
  });

  it("drops streamed text a retry voids, and says so", () => {
    let state = reduce(initialViewState(status), { type: "run_started", prompt: "go" });
    state = fold(
      [
        { type: "stream", event: { type: "text_delta", index: 0, text: "lost" } },
        {
          type: "retry",
          attempt: 1,
          maxRetries: 8,
          delayMs: 1500,
          errorStatus: 529,
          error: "overloaded",
        },
      ],
      state,
    );
    expect(state.streamingText).toBe("");
    expect(state.history.at(-1)).toMatchObject({
      type: "notice",
      level: "warning",
      text: "overloaded; retrying in 1.5 s (attempt 1/8)",
    });
  });

  it("notes a compaction and takes the smaller context size", () => {
    const state = reduce(initialViewState(status), {
      type: "agent",
      now: 0,
      event: {
        type: "compaction",
        trigger: "auto",
        summary: "the summary",
        elided: 0,
        messages: [],
        tokensBefore: 150_000,
        tokensAfter: 20_000,
        usage: emptyUsage(),
      },
    });
    expect(state.status.contextTokens).toBe(20_000);
    expect(state.history[0]).toMatchObject({
      type: "notice",
      text: expect.stringContaining("compacted") as unknown,
    });
  });

  it("never changes items already in history", async () => {
    const { events, result } = await agentEvents(
      [toolTurn([{ id: "e", name: "TestEcho", input: { text: "a" } }]), textTurn("done")],
      { allowAll: true },
    );
    const actions: UiAction[] = [
      { type: "run_started", prompt: "go" },
      ...events.map((event): UiAction => ({ type: "agent", event, now: 1 })),
      { type: "notice", text: "hello", level: "info" },
      { type: "status", status: { costUsd: 0.5 } },
      { type: "permission_asked", pending: pending() },
      { type: "permission_answered" },
      { type: "run_ended", result, now: 2 },
    ];
    let state = initialViewState(status);
    for (const action of actions) {
      const before = state.history;
      const frozen = structuredClone(before);
      state = reduce(state, action);
      expect(state.history.slice(0, before.length)).toEqual(frozen);
      state.history.slice(0, before.length).forEach((item, i) => expect(item).toBe(before[i]));
    }
  });

  it("holds and clears the permission question", () => {
    const asked = reduce(initialViewState(status), {
      type: "permission_asked",
      pending: pending(),
    });
    expect(asked.permission?.toolName).toBe("Bash");
    expect(reduce(asked, { type: "permission_answered" }).permission).toBeUndefined();
  });

  it("starts the screen over on clear, with a new epoch so ids do not repeat", () => {
    let state = reduce(initialViewState(status), { type: "notice", text: "a", level: "info" });
    state = reduce(state, {
      type: "clear",
      history: [{ type: "user", id: "x", text: "resumed prompt" }],
    });
    expect(state.epoch).toBe(1);
    expect(state.history).toEqual([{ type: "user", id: "1:0", text: "resumed prompt" }]);
    state = reduce(state, { type: "notice", text: "b", level: "info" });
    expect(state.history[1]?.id).toBe("1:1");
  });

  it("updates the status line piecewise", () => {
    const state = reduce(initialViewState(status), {
      type: "status",
      status: { mode: "plan", costUsd: 0.02 },
    });
    expect(state.status).toEqual({ ...status, mode: "plan", costUsd: 0.02 });
  });
});

function pending() {
  return {
    toolUseId: "b",
    toolName: "Bash",
    target: "npm test",
    reason: "Bash needs approval",
    suggestedRule: "Bash(npm test:*)",
  };
}
