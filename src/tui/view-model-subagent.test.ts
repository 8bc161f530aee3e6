import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../core/events.ts";
import type { StatusLine } from "./types.ts";
import { initialViewState, reduce, type UiState } from "./view-model.ts";

const status: StatusLine = {
  model: "m",
  mode: "default",
  contextTokens: 0,
  contextWindow: 200_000,
  costUsd: 0,
  backgroundShells: 0,
};

const agent = (state: UiState, event: AgentEvent, now = 0): UiState =>
  reduce(state, { type: "agent", event, now });

const child = (event: AgentEvent): AgentEvent => ({
  type: "subagent",
  parentToolUseId: "task1",
  agentType: "explore",
  event,
});

describe("view model › subagents", () => {
  it("shows a Task call as one line counting the child's tool calls, and none of its text", () => {
    let state = reduce(initialViewState(status, "/w"), { type: "run_started", prompt: "go" });
    state = agent(state, {
      type: "tool_start",
      toolUseId: "task1",
      name: "Task",
      input: { description: "Find the parser", prompt: "…", subagent_type: "explore" },
    });
    expect(state.running[0]?.target).toBe("explore: Find the parser");
    state = agent(state, child({ type: "tool_start", toolUseId: "c1", name: "Grep", input: {} }));
    state = agent(
      state,
      child({ type: "tool_end", toolUseId: "c1", name: "Grep", isError: false }),
    );
    state = agent(state, child({ type: "tool_start", toolUseId: "c2", name: "Read", input: {} }));
    expect(state.running).toHaveLength(1);
    expect(state.running[0]?.target).toBe("explore: Find the parser · 2 tool calls, last Read");
    const before = state.history.length;
    state = agent(
      state,
      child({
        type: "assistant",
        message: { role: "assistant", content: [{ type: "text", text: "CHILD TEXT" }] },
        turn: {
          id: "x",
          model: "m",
          stopReason: "end_turn",
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
          },
          contextTokens: 0,
        },
      }),
    );
    expect(state.history).toHaveLength(before);
    state = agent(state, { type: "tool_end", toolUseId: "task1", name: "Task", isError: false }, 5);
    expect(state.running).toHaveLength(0);
    expect(state.history.at(-1)).toMatchObject({
      type: "tool",
      name: "Task",
      target: "explore: Find the parser · 2 tool calls, last Read",
      status: "done",
    });
  });
});
