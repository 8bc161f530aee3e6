import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, runCli } from "./run-cli.ts";
import { wireSetup, type Wire } from "./wires.ts";

type Json = Record<string, unknown>;

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function cli(
  wire: Wire,
  scenario: Scenario,
  args: string[],
  env: Record<string, string> = {},
  model?: string,
) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup(wire, server.url);
  const run = await runCli(["-p", "--model", model ?? setup.model, ...args], {
    env: { CAIRN_TEST_TOOLS: "1", CAIRN_RETRY_BASE_MS: "5", ...setup.env, ...env },
  });
  expect(server.violations).toEqual([]);
  return run;
}

const thinkingThenTool: Scenario = {
  turns: [
    {
      blocks: [
        { type: "thinking", thinking: "I should echo.", signature: "sig-EXACT-bytes==" },
        { type: "tool_use", name: "TestEcho", input: { text: "hi" } },
      ],
    },
    { blocks: [{ type: "text", text: "done" }] },
  ],
};

describe("anthropic specifics", () => {
  it("passes thinking blocks back with their signatures unchanged", async () => {
    const run = await cli(
      "anthropic",
      thinkingThenTool,
      ["go"],
      { MAX_THINKING_TOKENS: "2048" },
      "anthropic/claude-haiku-4-5",
    );
    expect(run.code).toBe(0);
    const first = server.requests[0]?.body as Json;
    expect(first.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(first.max_tokens as number).toBeGreaterThan(2048);
    const messages = (server.requests[1]?.body as Json).messages as Array<{
      role: string;
      content: Json[];
    }>;
    const assistant = messages.find((m) => m.role === "assistant");
    expect(assistant?.content[0]).toEqual({
      type: "thinking",
      thinking: "I should echo.",
      signature: "sig-EXACT-bytes==",
    });
  });

  it("asks adaptive-thinking models to think without a budget", async () => {
    const run = await cli("anthropic", thinkingThenTool, ["go"], { MAX_THINKING_TOKENS: "2048" });
    expect(run.code).toBe(0);
    expect((server.requests[0]?.body as Json).thinking).toEqual({ type: "adaptive" });
    expect((server.requests[1]?.body as Json).thinking).toEqual({ type: "adaptive" });
  });

  it("places prompt-cache breakpoints on the system prompt, the tools and the latest turn", async () => {
    await cli("anthropic", thinkingThenTool, ["go"]);
    const body = server.requests[1]?.body as {
      system: Json[];
      tools: Json[];
      messages: Array<{ content: Json[] }>;
    };
    expect(body.system.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(body.tools.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    expect(body.messages.at(-1)?.content.at(-1)?.cache_control).toEqual({ type: "ephemeral" });
    const breakpoints = JSON.stringify(body).match(/"cache_control"/g) ?? [];
    expect(breakpoints.length).toBeLessThanOrEqual(4);
  });

  it("reports cache tokens in usage and prices them", async () => {
    const run = await cli(
      "anthropic",
      {
        turns: [
          {
            blocks: [{ type: "text", text: "cached" }],
            usage: {
              input_tokens: 1000,
              output_tokens: 100,
              cache_creation_input_tokens: 2000,
              cache_read_input_tokens: 4000,
            },
          },
        ],
      },
      ["--output-format", "json", "go"],
    );
    const result = jsonLines(run.stdout)[0];
    expect(result?.usage).toEqual({
      input_tokens: 1000,
      output_tokens: 100,
      cache_creation_input_tokens: 2000,
      cache_read_input_tokens: 4000,
    });
    // claude-sonnet-5-5: $2 in, $10 out, $2.50 cache write, $0.20 cache read per million tokens.
    expect(result?.total_cost_usd).toBeCloseTo(
      (1000 * 2 + 100 * 10 + 2000 * 2.5 + 4000 * 0.2) / 1e6,
      9,
    );
  });
});

describe("openai responses specifics", () => {
  it("sends a reasoning model's reasoning items back unchanged before their function call", async () => {
    const run = await cli("openai", thinkingThenTool, ["go"]);
    expect(run.code).toBe(0);
    const first = server.requests[0]?.body as Json;
    expect(first.store).toBe(false);
    expect(first.include).toContain("reasoning.encrypted_content");
    const input = (server.requests[1]?.body as Json).input as Json[];
    const reasoningIndex = input.findIndex((i) => i.type === "reasoning");
    const callIndex = input.findIndex((i) => i.type === "function_call");
    expect(reasoningIndex).toBeGreaterThanOrEqual(0);
    expect(reasoningIndex).toBeLessThan(callIndex);
    expect(typeof input[reasoningIndex]?.encrypted_content).toBe("string");
    expect((input[reasoningIndex]?.encrypted_content as string).length).toBeGreaterThan(0);
  });
});

describe("openai chat specifics", () => {
  it("sends tool calls and tool messages in the documented shape", async () => {
    const run = await cli(
      "openai-chat",
      {
        turns: [
          {
            blocks: [{ type: "tool_use", id: "call_abc", name: "TestEcho", input: { text: "x" } }],
          },
          { blocks: [{ type: "text", text: "done" }] },
        ],
      },
      ["go"],
    );
    expect(run.code).toBe(0);
    const messages = (server.requests[1]?.body as Json).messages as Json[];
    expect(messages[0]).toMatchObject({ role: "system" });
    const assistant = messages.find((m) => m.role === "assistant");
    expect(assistant?.tool_calls).toEqual([
      {
        id: "call_abc",
        type: "function",
        function: { name: "TestEcho", arguments: '{"text":"x"}' },
      },
    ]);
    expect(messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_abc", content: "x" });
  });
});
