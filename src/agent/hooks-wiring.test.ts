// How the loop and the tool orchestrator apply what hooks answer (the port, with fakes: the
// hooks service itself is tested in src/hooks). A hook's "allow" never beats a deny or ask rule.

import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../core/events.ts";
import {
  userText,
  type ToolResultBlock,
  type ToolUseBlock,
  type UserMessage,
} from "../core/messages.ts";
import { parseRule } from "../permissions/index.ts";
import { lookupModel } from "../providers/catalog.ts";
import { createToolSession, testTools } from "../tools/index.ts";
import { bashTool } from "../tools/bash.ts";
import {
  scriptedProvider,
  textTurn,
  toolTurn,
  type ScriptedTurn,
} from "../../test/support/scripted-provider.ts";
import type { AgentHooks, PreToolUseOutcome } from "./hooks-port.ts";
import { createAgent, type Conversation } from "./loop.ts";
import { runToolCalls, type AskPermission } from "./run-tools.ts";

const signal = new AbortController().signal;

async function root(): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), "cairn-hooks-wiring-")));
}

/** One Bash call through the orchestrator with a PreToolUse answer; what happened. */
async function bashCall(
  pre: PreToolUseOutcome,
  rules: { allow?: string[]; ask?: string[]; deny?: string[] },
  command = "touch made.txt",
) {
  const cwd = await root();
  const session = createToolSession({ root: cwd, additionalDirs: [] });
  const parse = (list: string[] = []) => list.map((r) => parseRule(r, "settings", cwd));
  const asked: string[] = [];
  const ask: AskPermission = (request) => {
    asked.push(request.reason);
    return Promise.resolve({ behavior: "deny", message: "the user said no" });
  };
  const events: AgentEvent[] = [];
  const seen: unknown[] = [];
  const call: ToolUseBlock = { type: "tool_use", id: "c1", name: "Bash", input: { command } };
  const [result] = await runToolCalls([call], {
    tools: new Map([["Bash", bashTool]]),
    policy: () => ({
      mode: "default",
      allow: parse(rules.allow),
      ask: parse(rules.ask),
      deny: parse(rules.deny),
    }),
    askPermission: ask,
    session,
    signal,
    emit: (e) => events.push(e),
    invalidInputs: new Map(),
    maxResultChars: 10_000,
    maxConcurrency: 2,
    hooks: {
      preToolUse: (c) => {
        seen.push(c.input);
        return Promise.resolve(pre);
      },
    },
  });
  await session.dispose();
  return { result: result as ToolResultBlock, asked, events, seen, cwd };
}

const text = (r: ToolResultBlock) => JSON.stringify(r.content);

describe("PreToolUse answers in the orchestrator", () => {
  it("deny refuses the call with the hook's reason and reports a denial", async () => {
    const { result, events, asked } = await bashCall(
      { decision: "deny", reason: "no touching" },
      { allow: ["Bash"] },
    );
    expect(result.is_error).toBe(true);
    expect(text(result)).toContain("no touching");
    expect(asked).toEqual([]);
    expect(events.filter((e) => e.type === "permission_denied")).toHaveLength(1);
  });

  it("allow skips the question the mode's default would ask", async () => {
    const { result, asked } = await bashCall({ decision: "allow" }, {});
    expect(asked).toEqual([]);
    expect(result.is_error).toBeUndefined();
  });

  it("allow does not beat a deny rule", async () => {
    const { result, asked } = await bashCall({ decision: "allow" }, { deny: ["Bash(touch:*)"] });
    expect(asked).toEqual([]);
    expect(result.is_error).toBe(true);
    expect(text(result)).toContain("Bash(touch:*)");
  });

  it("allow does not beat an ask rule: the user is still asked", async () => {
    const { result, asked } = await bashCall({ decision: "allow" }, { ask: ["Bash(touch:*)"] });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("Bash(touch:*)");
    expect(result.is_error).toBe(true);
  });

  it("allow does not beat a protected path's question", async () => {
    const { asked } = await bashCall({ decision: "allow" }, {}, "touch .git/config");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain(".git");
  });

  it("ask asks even where an allow rule would allow", async () => {
    const { asked, result } = await bashCall(
      { decision: "ask", reason: "check this one" },
      { allow: ["Bash"] },
    );
    expect(asked).toEqual(["a PreToolUse hook asks: check this one"]);
    expect(result.is_error).toBe(true);
  });

  it("updatedInput replaces the input and is judged by the rules like any input", async () => {
    const allowed = await bashCall(
      { updatedInput: { command: "echo rewritten" } },
      { allow: ["Bash(echo:*)"] },
    );
    expect(allowed.asked).toEqual([]);
    expect(text(allowed.result)).toContain("rewritten");

    const denied = await bashCall(
      { decision: "allow", updatedInput: { command: "rm -rf x" } },
      { allow: ["Bash(touch:*)"], deny: ["Bash(rm:*)"] },
    );
    expect(denied.result.is_error).toBe(true);
    expect(text(denied.result)).toContain("Bash(rm:*)");
  });

  it("updatedInput that breaks the tool's schema is refused", async () => {
    const { result } = await bashCall({ updatedInput: { command: 42 } }, { allow: ["Bash"] });
    expect(result.is_error).toBe(true);
    expect(text(result)).toContain("updatedInput");
  });
});

async function agentRun(turns: ScriptedTurn[], hooks: AgentHooks) {
  const provider = scriptedProvider(turns);
  const cwd = await root();
  const agent = createAgent({
    provider,
    model: lookupModel("claude-sonnet-4-5"),
    system: "system",
    tools: testTools,
    policy: { mode: "default", allow: [], ask: [], deny: [] },
    toolSession: createToolSession({ root: cwd, additionalDirs: [] }),
    hooks,
  });
  const conversation: Conversation = { messages: [] };
  const result = await agent.run(conversation, userText("go"), { signal, emit: () => undefined });
  expect(provider.violations).toEqual([]);
  return { result, provider, conversation };
}

describe("hooks in the loop", () => {
  it("a blocked prompt ends the run without a model call or a conversation entry", async () => {
    const { result, provider, conversation } = await agentRun([textTurn("never")], {
      userPromptSubmit: () => Promise.resolve({ block: "not today" }),
    });
    expect(provider.requests).toHaveLength(0);
    expect(result).toMatchObject({ outcome: "success", hookStopped: "not today", finalText: "" });
    expect(conversation.messages).toEqual([]);
  });

  it("a prompt hook's context joins the prompt the model gets", async () => {
    const { provider } = await agentRun([textTurn("ok")], {
      userPromptSubmit: () => Promise.resolve({ additionalContext: "ticket ABC-1" }),
    });
    expect(JSON.stringify(provider.requests[0]?.messages)).toContain("ticket ABC-1");
  });

  it("a Stop hook's block sends the model back once, then sees stop_hook_active", async () => {
    const seen: boolean[] = [];
    const { result, provider } = await agentRun([textTurn("first"), textTurn("second")], {
      stop: (info) => {
        seen.push(info.stopHookActive);
        return Promise.resolve(info.stopHookActive ? {} : { block: "run the tests too" });
      },
    });
    expect(seen).toEqual([false, true]);
    expect(result.finalText).toBe("second");
    const last = provider.requests[1]?.messages.at(-1) as UserMessage;
    expect(JSON.stringify(last.content)).toContain("run the tests too");
  });

  it("a Stop hook that always blocks is capped", async () => {
    const { result, provider } = await agentRun(
      [textTurn("1"), textTurn("2"), textTurn("3"), textTurn("4"), textTurn("5")],
      { stop: () => Promise.resolve({ block: "again" }) },
    );
    expect(provider.requests).toHaveLength(4);
    expect(result.outcome).toBe("success");
  });

  it("continue:false from PostToolUse ends the run with every call answered", async () => {
    const { result, provider, conversation } = await agentRun(
      [
        toolTurn([
          { id: "a", name: "TestEcho", input: { text: "one" } },
          { id: "b", name: "TestEcho", input: { text: "two" } },
        ]),
        textTurn("never"),
      ],
      { postToolUse: () => Promise.resolve({ stopRun: "enough" }) },
    );
    expect(provider.requests).toHaveLength(1);
    expect(result).toMatchObject({ outcome: "success", hookStopped: "enough" });
    const results = (conversation.messages.at(-1) as UserMessage).content;
    expect(results.map((b) => (b.type === "tool_result" ? b.tool_use_id : b.type))).toEqual([
      "a",
      "b",
    ]);
  });

  it("PostToolUse feedback reaches the model beside the tool's result", async () => {
    const { provider } = await agentRun(
      [toolTurn([{ id: "a", name: "TestEcho", input: { text: "one" } }]), textTurn("ok")],
      { postToolUse: () => Promise.resolve({ feedback: "lint: 3 errors" }) },
    );
    expect(JSON.stringify(provider.requests[1]?.messages.at(-1))).toContain("lint: 3 errors");
  });
});
