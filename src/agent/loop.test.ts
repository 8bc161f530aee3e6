import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentEvent } from "../core/events.ts";
import {
  pairingViolations,
  userText,
  type ToolResultBlock,
  type UserMessage,
} from "../core/messages.ts";
import { lookupModel } from "../providers/catalog.ts";
import { ProviderError } from "../providers/provider-error.ts";
import type { PermissionPolicy } from "../permissions/index.ts";
import { createToolSession, defineTool, testTools, type Tool } from "../tools/index.ts";
import {
  scriptedProvider,
  textTurn,
  toolTurn,
  type ScriptedTurn,
} from "../../test/support/scripted-provider.ts";
import { createAgent, type AgentConfig, type Conversation } from "./loop.ts";

const policy = (mode: PermissionPolicy["mode"] = "default"): PermissionPolicy => ({
  mode,
  allow: [],
  ask: [],
  deny: [],
});

async function run(
  turns: ScriptedTurn[],
  overrides: Partial<AgentConfig> = {},
  signal = new AbortController().signal,
) {
  const provider = scriptedProvider(turns);
  const cwd = await mkdtemp(join(tmpdir(), "cairn-loop-"));
  const agent = createAgent({
    provider,
    model: lookupModel("claude-sonnet-4-5"),
    system: "system",
    tools: testTools,
    policy: policy(),
    toolSession: createToolSession({ root: cwd, additionalDirs: [] }),
    ...overrides,
  });
  const events: AgentEvent[] = [];
  const conversation: Conversation = { messages: [] };
  const result = await agent.run(conversation, userText("go"), {
    signal,
    emit: (e) => events.push(e),
  });
  expect(provider.violations).toEqual([]);
  return { result, events, conversation, provider, cwd };
}

function toolResults(conversation: Conversation, index: number): ToolResultBlock[] {
  const message = conversation.messages[index] as UserMessage;
  return message.content.filter((b): b is ToolResultBlock => b.type === "tool_result");
}

describe("agent loop", () => {
  it("ends with the model's text when it stops without tool calls", async () => {
    const { result, conversation } = await run([textTurn("hello there")]);
    expect(result.outcome).toBe("success");
    expect(result.finalText).toBe("hello there");
    expect(result.numTurns).toBe(1);
    expect(result.usage.inputTokens).toBe(10);
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("runs a tool call and sends its result in the next request", async () => {
    const { result, provider, conversation } = await run([
      toolTurn([{ id: "t1", name: "TestEcho", input: { text: "ping" } }]),
      textTurn("done"),
    ]);
    expect(result.outcome).toBe("success");
    expect(result.numTurns).toBe(2);
    expect(result.usage.outputTokens).toBe(10);
    expect(toolResults(conversation, 2)).toEqual([
      { type: "tool_result", tool_use_id: "t1", content: "ping" },
    ]);
    expect(provider.requests[1]?.messages.at(-1)).toEqual(conversation.messages[2]);
  });

  it("answers an unknown tool with an error naming the available tools", async () => {
    const { conversation } = await run([
      toolTurn([{ id: "t1", name: "Nope", input: {} }]),
      textTurn("ok"),
    ]);
    const [r] = toolResults(conversation, 2);
    expect(r?.is_error).toBe(true);
    expect(r?.content).toContain('No tool named "Nope"');
    expect(r?.content).toContain("TestEcho");
  });

  it("answers input that fails validation with the field and what was expected", async () => {
    const { conversation } = await run([
      toolTurn([{ id: "t1", name: "TestEcho", input: { text: 5 } }]),
      textTurn("ok"),
    ]);
    const [r] = toolResults(conversation, 2);
    expect(r?.is_error).toBe(true);
    expect(r?.content).toMatch(/Invalid input for TestEcho:\n- text: .*string/i);
  });

  it("reads a number sent as a string as the number the schema asks for", async () => {
    const { conversation } = await run([
      toolTurn([{ id: "t1", name: "TestSleep", input: { ms: "1" } }]),
      toolTurn([{ id: "t2", name: "TestSleep", input: { ms: "soon" } }]),
      textTurn("ok"),
    ]);
    const [first] = toolResults(conversation, 2);
    expect(first?.is_error).toBeFalsy();
    expect(first?.content).toMatch(/^slept \d+ ms$/);
    const [second] = toolResults(conversation, 4);
    expect(second?.is_error).toBe(true);
    expect(second?.content).toMatch(/Invalid input for TestSleep:\n- ms: .*number/i);
  });

  it("answers tool input that is not valid JSON with the parser's complaint", async () => {
    const { conversation } = await run([
      toolTurn([{ id: "t1", name: "TestEcho", rawInput: '{"text": "unterminated' }]),
      textTurn("ok"),
    ]);
    const [r] = toolResults(conversation, 2);
    expect(r?.is_error).toBe(true);
    expect(r?.content).toContain("not valid JSON");
    expect(r?.content).toContain('{"text": "unterminated');
  });

  it("turns a throwing tool into an error result and carries on", async () => {
    const { result, conversation } = await run([
      toolTurn([{ id: "t1", name: "TestFail", input: { message: "disk on fire" } }]),
      textTurn("recovered"),
    ]);
    expect(result.outcome).toBe("success");
    expect(toolResults(conversation, 2)).toEqual([
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: "TestFail failed: disk on fire",
        is_error: true,
      },
    ]);
  });

  it("denies a mutating call when nobody can be asked, and reports the denial", async () => {
    const { events, conversation, cwd } = await run([
      toolTurn([{ id: "t1", name: "TestWrite", input: { path: "a.txt", content: "x" } }]),
      textTurn("ok"),
    ]);
    const [r] = toolResults(conversation, 2);
    expect(r?.is_error).toBe(true);
    expect(r?.content).toContain("Permission to use TestWrite was denied");
    expect(events.filter((e) => e.type === "permission_denied")).toHaveLength(1);
    await expect(readFile(join(cwd, "a.txt"), "utf8")).rejects.toThrow();
  });

  it("runs a mutating call the user approves", async () => {
    const asked: string[] = [];
    const { conversation, cwd } = await run(
      [
        toolTurn([{ id: "t1", name: "TestWrite", input: { path: "a.txt", content: "hi" } }]),
        textTurn("ok"),
      ],
      {
        askPermission: (req) => {
          asked.push(req.toolName);
          return Promise.resolve({ behavior: "allow" });
        },
      },
    );
    expect(asked).toEqual(["TestWrite"]);
    expect(toolResults(conversation, 2)[0]?.is_error).toBeUndefined();
    expect(await readFile(join(cwd, "a.txt"), "utf8")).toBe("hi");
  });

  it("runs read-only calls of one turn concurrently and returns results in the model's order", async () => {
    let releaseB: () => void = () => undefined;
    const bStarted = new Promise<void>((resolve) => (releaseB = resolve));
    const waitsForB = defineTool({
      name: "A",
      description: "waits for B",
      input: z.object({}),
      readOnly: true,
      describeAccess: () => ({ kind: "none" }),
      run: async () => {
        await Promise.race([
          bStarted,
          new Promise((_, reject) => setTimeout(() => reject(new Error("ran alone")), 2000)),
        ]);
        return { content: "a" };
      },
    });
    const startsB = defineTool({
      name: "B",
      description: "signals",
      input: z.object({}),
      readOnly: true,
      describeAccess: () => ({ kind: "none" }),
      run: () => {
        releaseB();
        return Promise.resolve({ content: "b" });
      },
    });
    const { conversation } = await run(
      [
        toolTurn([
          { id: "a", name: "A", input: {} },
          { id: "b", name: "B", input: {} },
        ]),
        textTurn("ok"),
      ],
      { tools: [waitsForB, startsB] as Tool[] },
    );
    expect(toolResults(conversation, 2).map((r) => [r.tool_use_id, r.content])).toEqual([
      ["a", "a"],
      ["b", "b"],
    ]);
  });

  it("stops running tools on abort and still answers every tool_use", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort("SIGINT"), 100);
    const { result, conversation } = await run(
      [
        toolTurn([
          { id: "s1", name: "TestSleep", input: { ms: 20_000 } },
          { id: "w1", name: "TestWrite", input: { path: "x", content: "y" } },
        ]),
      ],
      { policy: policy("acceptEdits") },
      controller.signal,
    );
    expect(result.outcome).toBe("aborted");
    expect(pairingViolations(conversation.messages)).toEqual([]);
    const results = toolResults(conversation, 2);
    expect(results.map((r) => r.tool_use_id)).toEqual(["s1", "w1"]);
    expect(
      results.every(
        (r) =>
          r.is_error === true && typeof r.content === "string" && r.content.includes("Interrupted"),
      ),
    ).toBe(true);
  });

  it("keeps the text streamed before an abort and leaves a valid conversation", async () => {
    const controller = new AbortController();
    const { result, conversation } = await run(
      [
        async function* (signal) {
          await Promise.resolve();
          yield { type: "message_start", messageId: "m", model: "x" } as const;
          yield { type: "block_start", index: 0, block: { type: "text" } } as const;
          yield { type: "text_delta", index: 0, text: "partial answer" } as const;
          yield { type: "block_stop", index: 0 } as const;
          yield {
            type: "block_start",
            index: 1,
            block: { type: "tool_use", id: "t9", name: "TestEcho" },
          } as const;
          controller.abort("SIGINT");
          if (signal.aborted) throw new ProviderError("aborted", "aborted");
        },
      ],
      {},
      controller.signal,
    );
    expect(result.outcome).toBe("aborted");
    expect(conversation.messages.at(-1)).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "partial answer" }],
    });
  });

  it("stops at --max-turns after answering the last turn's tool calls", async () => {
    const { result, conversation, provider } = await run(
      [
        toolTurn([{ id: "t1", name: "TestEcho", input: { text: "1" } }]),
        toolTurn([{ id: "t2", name: "TestEcho", input: { text: "2" } }]),
      ],
      { maxTurns: 2 },
    );
    expect(result.outcome).toBe("max_turns");
    expect(result.numTurns).toBe(2);
    expect(provider.requests).toHaveLength(2);
    expect(pairingViolations(conversation.messages)).toEqual([]);
  });

  it("discards what was streamed before a retry, so nothing is duplicated", async () => {
    const { result, conversation, events } = await run([
      [
        { type: "message_start", messageId: "m1", model: "x" },
        { type: "block_start", index: 0, block: { type: "text" } },
        { type: "text_delta", index: 0, text: "Hel" },
        { type: "retry", attempt: 1, maxRetries: 3, delayMs: 0, errorStatus: null, error: "cut" },
        ...textTurn("Hello world"),
      ],
    ]);
    expect(result.finalText).toBe("Hello world");
    expect(conversation.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "text", text: "Hello world" }],
    });
    expect(events.filter((e) => e.type === "retry")).toHaveLength(1);
  });

  it("reports a failed call as an error and leaves no partial message", async () => {
    const { result, conversation } = await run([
      {
        error: new ProviderError("auth", "anthropic (http://x): 401 invalid key", { status: 401 }),
        afterEvents: textTurn("half").slice(0, 3),
      },
    ]);
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toContain("401");
    expect(conversation.messages.map((m) => m.role)).toEqual(["user"]);
  });

  it("keeps the system prompt and tool list byte-identical across requests", async () => {
    const { provider } = await run([
      toolTurn([{ id: "t1", name: "TestEcho", input: { text: "a" } }]),
      toolTurn([{ id: "t2", name: "TestEcho", input: { text: "b" } }]),
      textTurn("done"),
    ]);
    const prefixes = provider.requests.map((r) => JSON.stringify([r.system, r.tools]));
    expect(new Set(prefixes).size).toBe(1);
    const [first, second] = provider.requests.map((r) => JSON.stringify(r.messages));
    expect(second?.startsWith(first?.slice(0, -1) ?? "x")).toBe(true);
  });
  it("keeps calls with a repeated id paired with their own results", async () => {
    const { conversation, provider } = await run([
      toolTurn([
        { id: "dup", name: "TestEcho", input: { text: "first" } },
        { id: "dup", name: "TestEcho", input: { text: "second" } },
      ]),
      textTurn("ok"),
    ]);
    expect(toolResults(conversation, 2).map((r) => [r.tool_use_id, r.content])).toEqual([
      ["dup", "first"],
      ["dup_2", "second"],
    ]);
    expect(provider.violations).toEqual([]);
  });

  it("tells the model a call was cut off by the output limit, not that it wrote bad JSON", async () => {
    const cut = toolTurn([{ id: "t1", name: "TestEcho", rawInput: '{"text": "a very long' }]);
    const stop = cut.at(-1);
    if (stop?.type === "message_stop") stop.stopReason = "max_tokens";
    const { conversation } = await run([cut, textTurn("ok")]);
    const [r] = toolResults(conversation, 2);
    expect(r?.is_error).toBe(true);
    expect(r?.content).toContain("output token limit");
  });
});
