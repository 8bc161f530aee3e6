import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createAgent, type AgentConfig } from "../../agent/index.ts";
import type { AgentHooks, StopInfo } from "../../agent/hooks-port.ts";
import type { AgentEvent } from "../../core/events.ts";
import { userText } from "../../core/messages.ts";
import { lookupModel } from "../../providers/catalog.ts";
import { createToolSession, testTools } from "../../tools/index.ts";
import { scriptedProvider, textTurn, toolTurn } from "../../../test/support/scripted-provider.ts";
import { builtinAgents } from "./builtin.ts";
import type { AgentDefinition } from "./definition.ts";
import { createTaskTool } from "./task-tool.ts";

const echoer: AgentDefinition = {
  name: "echoer",
  description: "Echoes",
  tools: ["TestEcho"],
  model: "inherit",
  prompt: "ECHOER PROMPT",
  source: "echoer.md",
};

describe("Task tool › in the agent loop", () => {
  it("runs the child on the parent's provider, forwards its events, adds its spend and gives its hooks", async () => {
    const provider = scriptedProvider([
      toolTurn([
        {
          id: "task1",
          name: "Agent",
          input: { description: "Echo", prompt: "say ping", subagent_type: "echoer" },
        },
      ]),
      toolTurn([{ id: "c1", name: "TestEcho", input: { text: "ping" } }]),
      textTurn("child says ping"),
      textTurn("parent done"),
    ]);
    const stops: string[] = [];
    const hook =
      (name: string) =>
      (_info: StopInfo): Promise<Record<string, never>> => {
        stops.push(name);
        return Promise.resolve({});
      };
    const hooks: AgentHooks = {
      stop: hook("stop"),
      subagentStop: hook("subagentStop"),
      userPromptSubmit: () => {
        stops.push("userPromptSubmit");
        return Promise.resolve({});
      },
    };
    // The tool is made before the agent that holds it, as cli/setup.ts does.
    const holder: { config?: AgentConfig } = {};
    const task = createTaskTool({
      definitions: [...builtinAgents, echoer],
      parent: () => holder.config as AgentConfig,
      cwd: "/w",
      platform: "linux",
    });
    const root = await mkdtemp(join(tmpdir(), "cairn-task-"));
    const config: AgentConfig = {
      provider,
      model: lookupModel("claude-sonnet-4-5"),
      system: "PARENT SYSTEM",
      tools: [...testTools, task],
      policy: { mode: "default", allow: [], ask: [], deny: [] },
      toolSession: createToolSession({ root, additionalDirs: [] }),
      hooks,
    };
    holder.config = config;
    const events: AgentEvent[] = [];
    const result = await createAgent(config).run({ messages: [] }, userText("go"), {
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });

    expect(result.outcome).toBe("success");
    expect(result.finalText).toBe("parent done");
    expect(provider.violations).toEqual([]);
    // The child's requests: its own prompt and only the tool its definition names.
    const childRequest = provider.requests[1];
    expect(childRequest?.system).toContain("ECHOER PROMPT");
    expect(childRequest?.system).not.toContain("PARENT SYSTEM");
    expect(childRequest?.tools.map((t) => t.name)).toEqual(["TestEcho"]);
    // The parent's last request carries only the child's final text as the Task result.
    const last = provider.requests[3]?.messages.at(-1);
    expect(last?.content).toEqual([
      { type: "tool_result", tool_use_id: "task1", content: "child says ping" },
    ]);
    // Four model calls, each 10 input tokens in the scripted usage: the child's two are counted.
    expect(result.usage.inputTokens).toBe(40);
    // Priced at claude-sonnet-4-5's $3 in / $15 out per million: 10 in and 5 out per call.
    expect(result.costUsd).toBeCloseTo((4 * (10 * 3 + 5 * 15)) / 1e6, 12);
    expect(result.numTurns).toBe(2);
    // Child events arrive wrapped with the Task call's id.
    const wrapped = events.filter((e) => e.type === "subagent");
    expect(wrapped.length).toBeGreaterThan(0);
    expect(wrapped.every((e) => e.type === "subagent" && e.parentToolUseId === "task1")).toBe(true);
    expect(
      wrapped.map((e) => (e.type === "subagent" ? e.event.type : "")).filter((t) => t !== "stream"),
    ).toEqual(["user", "assistant", "tool_start", "tool_end", "user", "assistant"]);
    // The child's Stop is the parent's SubagentStop; it gets no UserPromptSubmit.
    expect(stops).toEqual(["userPromptSubmit", "subagentStop", "stop"]);
    const taskEnd = events.find((e) => e.type === "tool_end" && e.toolUseId === "task1");
    expect(taskEnd).toMatchObject({
      name: "Task",
      display: { type: "subagent", agentType: "echoer", toolCalls: 1, numTurns: 2 },
    });
  });
});
