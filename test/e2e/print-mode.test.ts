import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, runCli, stderrBesidesSandboxNotice, tempDir } from "./run-cli.ts";
import { toolOutputs, wireSetup, wires, type Wire } from "./wires.ts";

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
  extra: {
    env?: Record<string, string>;
    stdin?: string;
    signal?: { name: NodeJS.Signals; when: string };
    cwd?: string;
  } = {},
) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const { env, model } = wireSetup(wire, server.url);
  const run = await runCli(["-p", "--model", model, ...args], {
    ...extra,
    env: { CAIRN_TEST_TOOLS: "1", CAIRN_RETRY_BASE_MS: "5", ...env, ...extra.env },
  });
  expect(server.violations).toEqual([]);
  return run;
}

describe.each(wires)("print mode over %s", (wire) => {
  it("prints the final text in text mode", async () => {
    const run = await cli(
      wire,
      { turns: [{ blocks: [{ type: "text", text: "Hello from the model." }] }] },
      ["say hi"],
    );
    expect(stderrBesidesSandboxNotice(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Hello from the model.\n");
    expect(JSON.stringify(server.requests[0]?.body)).toContain("say hi");
  });

  it("prints one result object in json mode", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          {
            blocks: [{ type: "text", text: "42" }],
            usage: { input_tokens: 100, output_tokens: 7 },
          },
        ],
      },
      ["--output-format", "json", "answer"],
    );
    expect(run.code).toBe(0);
    const [result, ...rest] = jsonLines(run.stdout);
    expect(rest).toEqual([]);
    expect(result).toMatchObject({
      type: "result",
      subtype: "success",
      is_error: false,
      result: "42",
      num_turns: 1,
      usage: { output_tokens: 7 },
      permission_denials: [],
    });
    expect(result?.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof result?.duration_ms).toBe("number");
    expect(typeof result?.duration_api_ms).toBe("number");
    expect(typeof result?.total_cost_usd).toBe("number");
    const model = wireSetup(wire, "").model.split("/")[1] ?? "";
    expect(result?.modelUsage).toMatchObject({ [model]: { outputTokens: 7 } });
  });

  it("runs a tool and streams every message as stream-json", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          {
            blocks: [
              { type: "text", text: "Let me check." },
              { type: "tool_use", name: "TestEcho", input: { text: "pong" } },
            ],
          },
          { blocks: [{ type: "text", text: "The tool said pong." }] },
        ],
      },
      ["--output-format", "stream-json", "--verbose", "use the tool"],
    );
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(
      lines.map((l) => [l.type, l.subtype].filter((p) => typeof p === "string").join("/")),
    ).toEqual(["system/init", "assistant", "user", "assistant", "result/success"]);
    const [init, assistant, user, , result] = lines;
    expect(init).toMatchObject({
      model: wireSetup(wire, "").model.split("/")[1],
      apiKeySource:
        wire === "openai-chat" ? "none" : (expect.stringMatching(/_API_KEY$/) as unknown),
      tools: expect.arrayContaining(["TestEcho"]) as unknown,
    });
    const sessionId = init?.session_id;
    expect(lines.every((l) => l.session_id === sessionId)).toBe(true);
    const content = (assistant?.message as { content: Array<Record<string, unknown>> }).content;
    const toolUse = content.find((b) => b.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "TestEcho", input: { text: "pong" } });
    expect(assistant?.parent_tool_use_id).toBeNull();
    expect((user?.message as { content: unknown[] }).content).toEqual([
      { type: "tool_result", tool_use_id: toolUse?.id, content: "pong" },
    ]);
    expect(result).toMatchObject({
      subtype: "success",
      result: "The tool said pong.",
      num_turns: 2,
    });
    expect(toolOutputs(wire, server.requests[1]?.body)).toEqual([[toolUse?.id, "pong", false]]);
  });

  it("retries a 429 after its retry-after and reports the retry", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          { kind: "http_error", status: 429, headers: { "retry-after": "0" } },
          { blocks: [{ type: "text", text: "after the wait" }] },
        ],
      },
      ["--output-format", "stream-json", "go"],
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/retrying in 0\.0 s \(attempt 1\/8\)/);
    const retry = jsonLines(run.stdout).find((l) => l.subtype === "api_retry");
    expect(retry).toMatchObject({ attempt: 1, error_status: 429, retry_delay_ms: 0 });
    expect(server.requests).toHaveLength(2);
  });

  it("retries a stream cut mid-answer without duplicating what was streamed", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          {
            blocks: [{ type: "text", text: "The quick brown fox jumps over the lazy dog." }],
            cutAfterEvents: 5,
            chunkSize: 4,
          },
          { blocks: [{ type: "text", text: "The quick brown fox jumps over the lazy dog." }] },
        ],
      },
      ["--output-format", "json", "go"],
    );
    expect(run.code).toBe(0);
    expect(jsonLines(run.stdout)[0]?.result).toBe("The quick brown fox jumps over the lazy dog.");
    expect(server.requests).toHaveLength(2);
  });

  it("retries 529, 500 and a connection reset, then succeeds", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          { kind: "http_error", status: 529 },
          { kind: "http_error", status: 500 },
          { kind: "reset" },
          { blocks: [{ type: "text", text: "finally" }] },
        ],
      },
      ["go"],
    );
    expect(run.stdout).toBe("finally\n");
    expect(run.stderr.match(/retrying/g)).toHaveLength(3);
    expect(run.code).toBe(0);
  });

  it("fails at once on 401 with the provider, base URL and what to check", async () => {
    const run = await cli(wire, { turns: [{ kind: "http_error", status: 401 }] }, [
      "--output-format",
      "json",
      "go",
    ]);
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(run.stderr).toContain(server.url);
    expect(run.stderr).toMatch(/401/);
    expect(run.stderr).toMatch(/API key/);
    expect(jsonLines(run.stdout)[0]).toMatchObject({
      type: "result",
      subtype: "error_during_execution",
      is_error: true,
    });
  });

  it("stops at --max-turns with error_max_turns and exit code 1", async () => {
    const run = await cli(
      wire,
      { turns: [{ blocks: [{ type: "tool_use", name: "TestEcho", input: { text: "again" } }] }] },
      ["--max-turns", "1", "--output-format", "json", "loop"],
    );
    expect(run.code).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({
      subtype: "error_max_turns",
      is_error: true,
      num_turns: 1,
    });
  });

  it("denies what it would have asked and lists it in permission_denials", async () => {
    const dir = await tempDir();
    const run = await cli(
      wire,
      {
        turns: [
          {
            blocks: [
              {
                type: "tool_use",
                id: wire === "anthropic" ? "toolu_w" : "call_w",
                name: "TestWrite",
                input: { path: "out.txt", content: "x" },
              },
            ],
          },
          { blocks: [{ type: "text", text: "could not write" }] },
        ],
      },
      ["--output-format", "json", "write it"],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const result = jsonLines(run.stdout)[0];
    expect(result?.permission_denials).toEqual([
      {
        tool_name: "TestWrite",
        tool_use_id: wire === "anthropic" ? "toolu_w" : "call_w",
        tool_input: { path: "out.txt", content: "x" },
      },
    ]);
    expect(run.stderr).toContain("denied");
    const [output] = toolOutputs(wire, server.requests[1]?.body);
    expect(output?.[1]).toContain("Permission to use TestWrite was denied");
  });

  it("answers invalid tool JSON with an error result the model can act on", async () => {
    const run = await cli(
      wire,
      {
        turns: [
          { blocks: [{ type: "tool_use", name: "TestEcho", rawInput: '{"text": "oops' }] },
          { blocks: [{ type: "text", text: "sorry" }] },
        ],
      },
      ["go"],
    );
    expect(run.code).toBe(0);
    const [output] = toolOutputs(wire, server.requests[1]?.body);
    expect(output?.[1]).toContain("not valid JSON");
  });

  it("keeps the transcript valid and exits 143 on SIGTERM during a tool", async () => {
    const run = await cli(
      wire,
      { turns: [{ blocks: [{ type: "tool_use", name: "TestSleep", input: { ms: 15000 } }] }] },
      ["--output-format", "stream-json", "sleep"],
      { signal: { name: "SIGTERM", when: '"tool_use"' } },
    );
    expect(run.code).toBe(143);
    const lines = jsonLines(run.stdout);
    const user = lines.find((l) => l.type === "user");
    expect(JSON.stringify(user)).toContain("Interrupted");
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      subtype: "error_during_execution",
      is_error: true,
    });
  });
});

describe("print mode input", () => {
  it("reads the prompt from stdin", async () => {
    const run = await cli(
      "anthropic",
      { turns: [{ blocks: [{ type: "text", text: "ok" }] }] },
      [],
      { stdin: "prompt from a pipe\n" },
    );
    expect(run.code).toBe(0);
    expect(JSON.stringify(server.requests[0]?.body)).toContain("prompt from a pipe");
  });

  it("takes several stream-json user messages as one conversation", async () => {
    const input = [
      '{"type":"user","message":{"role":"user","content":"first"}}',
      '{"type":"user","message":{"role":"user","content":[{"type":"text","text":"second"}]}}',
    ].join("\n");
    const run = await cli(
      "anthropic",
      {
        turns: [
          { blocks: [{ type: "text", text: "one" }] },
          { blocks: [{ type: "text", text: "two" }] },
        ],
      },
      ["--input-format", "stream-json", "--output-format", "stream-json"],
      { stdin: input },
    );
    expect(run.code).toBe(0);
    const results = jsonLines(run.stdout).filter((l) => l.type === "result");
    expect(results.map((r) => r.result)).toEqual(["one", "two"]);
    const second = JSON.stringify(server.requests[1]?.body);
    expect(second).toContain("first");
    expect(second).toContain("one");
    expect(second).toContain("second");
  });

  it("reports a bad stream-json line by number", async () => {
    const run = await cli("anthropic", { turns: [] }, ["--input-format", "stream-json"], {
      stdin: "not json\n",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("stdin line 1: not valid JSON");
  });

  it("says in words what is wrong with a stream-json line that is valid JSON", async () => {
    const run = await cli("anthropic", { turns: [] }, ["--input-format", "stream-json"], {
      stdin: '{"type":"user","message":{"role":"user","content":[]}}\n',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "stdin line 1: message.content: Too small: expected array to have >=1 items",
    );
  });

  it("exits non-zero with exact set-up instructions when no provider is configured", async () => {
    const run = await runCli(["-p", "hi"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("no model provider is configured");
    expect(run.stderr).toContain("export ANTHROPIC_API_KEY=");
    expect(run.stderr).toContain("export OPENAI_API_KEY=");
  });

  it("rejects a bad flag value naming the flag", async () => {
    const run = await runCli(["-p", "--output-format", "yaml", "hi"]);
    expect(run.code).toBe(1);
    // The bundle has zod mini, which has no messages of its own ("Invalid input").
    expect(run.stderr).toContain(
      '--output-format: Invalid option: expected one of "text"|"json"|"stream-json" (got "yaml")',
    );
  });

  it("prints its version", async () => {
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+ \(cairn\)\n$/);
  });
});
