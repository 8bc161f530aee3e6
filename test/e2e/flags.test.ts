import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, runCli, tempDir, type CliOptions } from "./run-cli.ts";
import { wireSetup } from "./wires.ts";

type Json = Record<string, unknown>;

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function cli(scenario: Scenario, args: string[], options: CliOptions = {}) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup("anthropic", server.url);
  const run = await runCli(["-p", "--model", setup.model, ...args], {
    ...options,
    env: { CAIRN_TEST_TOOLS: "1", CAIRN_RETRY_BASE_MS: "5", ...setup.env, ...options.env },
  });
  expect(server.violations).toEqual([]);
  return run;
}

const reply = (text: string): Scenario => ({ turns: [{ blocks: [{ type: "text", text }] }] });
const writeThenDone: Scenario = {
  turns: [
    {
      blocks: [
        { type: "tool_use", name: "TestWrite", input: { path: "out.txt", content: "written" } },
      ],
    },
    { blocks: [{ type: "text", text: "done" }] },
  ],
};
const systemText = (body: unknown): string =>
  ((body as { system: Array<{ text: string }> }).system ?? []).map((b) => b.text).join("\n");

describe("print-mode flags", () => {
  it("--system-prompt replaces the built-in prompt and --append-system-prompt adds to it", async () => {
    await cli(reply("ok"), [
      "--system-prompt",
      "You are a pirate.",
      "--append-system-prompt",
      "Say arr.",
      "hi",
    ]);
    const system = systemText(server.requests[0]?.body);
    expect(system.startsWith("You are a pirate.")).toBe(true);
    expect(system).toContain("Say arr.");
    expect(system).not.toContain("You are cairn");
  });

  it("puts the working directory in the system prompt and runs tools there (--cwd)", async () => {
    const dir = await tempDir();
    const run = await cli(writeThenDone, [
      "--cwd",
      dir,
      "--permission-mode",
      "acceptEdits",
      "write",
    ]);
    expect(run.code).toBe(0);
    expect(systemText(server.requests[0]?.body)).toContain(dir);
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe("written");
  });

  it("rejects a --cwd that does not exist", async () => {
    const run = await cli(reply("ok"), ["--cwd", "/no/such/dir", "hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--cwd /no/such/dir: no such directory");
    expect(server.requests).toHaveLength(0);
  });

  it("--allowedTools lets a tool run without asking", async () => {
    const dir = await tempDir();
    const run = await cli(
      writeThenDone,
      ["--allowedTools", "TestWrite", "--output-format", "json", "write"],
      { cwd: dir },
    );
    expect(jsonLines(run.stdout)[0]?.permission_denials).toEqual([]);
    expect(existsSync(join(dir, "out.txt"))).toBe(true);
  });

  it("--disallowedTools removes a tool from what the model is offered", async () => {
    const run = await cli(reply("ok"), [
      "--disallowedTools",
      "TestWrite,TestFail",
      "--output-format",
      "stream-json",
      "hi",
    ]);
    const names = ((server.requests[0]?.body as Json).tools as Json[]).map((t) => t.name);
    expect(names).toContain("TestEcho");
    expect(names).toContain("Read");
    expect(names).not.toContain("TestWrite");
    expect(names).not.toContain("TestFail");
    expect(jsonLines(run.stdout)[0]?.tools).toEqual(names);
  });

  it("--permission-mode plan refuses changes and dontAsk refuses what is not pre-approved", async () => {
    for (const mode of ["plan", "dontAsk"]) {
      const dir = await tempDir();
      const run = await cli(
        writeThenDone,
        ["--permission-mode", mode, "--output-format", "json", "write"],
        { cwd: dir },
      );
      expect(jsonLines(run.stdout)[0]?.permission_denials).toHaveLength(1);
      expect(existsSync(join(dir, "out.txt"))).toBe(false);
    }
  });

  it("--dangerously-skip-permissions runs everything", async () => {
    const dir = await tempDir();
    await cli(writeThenDone, ["--dangerously-skip-permissions", "write"], { cwd: dir });
    expect(existsSync(join(dir, "out.txt"))).toBe(true);
  });

  it("--include-partial-messages streams text deltas as Anthropic stream events", async () => {
    const run = await cli(
      { turns: [{ blocks: [{ type: "text", text: "streamed in pieces" }], chunkSize: 5 }] },
      ["--output-format", "stream-json", "--include-partial-messages", "hi"],
    );
    const deltas = jsonLines(run.stdout)
      .filter((l) => l.type === "stream_event")
      .map((l) => (l.event as { delta?: { type: string; text?: string } }).delta)
      .filter((d) => d?.type === "text_delta")
      .map((d) => d?.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("streamed in pieces");
  });

  it("exits 130 on SIGINT with a valid transcript", async () => {
    const run = await cli(
      { turns: [{ blocks: [{ type: "tool_use", name: "TestSleep", input: { ms: 15000 } }] }] },
      ["--output-format", "stream-json", "sleep"],
      { signal: { name: "SIGINT", when: '"tool_use"' } },
    );
    expect(run.code).toBe(130);
    const lines = jsonLines(run.stdout);
    expect(lines.filter((l) => l.type === "user")).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      is_error: true,
      errors: ["Interrupted by SIGINT"],
    });
  });

  it("goes on without stdin when a parent never closes it, and says so", async () => {
    const run = await cli(reply("ok"), ["hi"], { keepStdinOpen: true });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("ok\n");
    expect(run.stderr).toContain("no input arrived on stdin");
  });
});

describe("provider failures that are not retried", () => {
  for (const [status, hint] of [
    [400, "rejected the request"],
    [403, "API key"],
    [404, "model id"],
  ] as const) {
    it(`fails at once on ${status}, naming the provider and base URL`, async () => {
      const run = await cli({ turns: [{ kind: "http_error", status }] }, ["hi"]);
      expect(run.code).toBe(1);
      expect(server.requests).toHaveLength(1);
      expect(run.stderr).toContain(`anthropic (${server.url})`);
      expect(run.stderr).toContain(String(status));
      expect(run.stderr).toContain(hint);
    });
  }

  it("gives up after the retry limit with the last error", async () => {
    const run = await cli(
      { turns: Array.from({ length: 3 }, () => ({ kind: "http_error" as const, status: 503 })) },
      ["hi"],
      {
        env: { CAIRN_MAX_RETRIES: "2" },
      },
    );
    expect(run.code).toBe(1);
    expect(server.requests).toHaveLength(3);
    expect(run.stderr.match(/retrying/g)).toHaveLength(2);
    expect(run.stderr).toContain("503");
  });
});

describe("signals while waiting for input", () => {
  it("ends a stream-json session waiting for its next message on SIGTERM", async () => {
    server.setScenario(reply("one"));
    server.requests.length = 0;
    const setup = wireSetup("anthropic", server.url);
    const run = await runCli(
      [
        "-p",
        "--model",
        setup.model,
        "--input-format",
        "stream-json",
        "--output-format",
        "stream-json",
      ],
      {
        env: setup.env,
        stdinLines: ['{"type":"user","message":{"role":"user","content":"first"}}\n'],
        keepStdinOpen: true,
        signal: { name: "SIGTERM", when: '"type":"result"' },
      },
    );
    expect(run.code).toBe(143);
    const results = jsonLines(run.stdout).filter((l) => l.type === "result");
    expect(results.map((r) => r.result)).toEqual(["one"]);
  });

  it("ends a run still waiting for its prompt on stdin on SIGTERM, with a result object", async () => {
    const setup = wireSetup("anthropic", server.url);
    const run = await runCli(["-p", "--model", setup.model, "--output-format", "json"], {
      env: setup.env,
      keepStdinOpen: true,
      signal: { name: "SIGTERM", afterMs: 300 },
    });
    expect(run.code).toBe(143);
    expect(jsonLines(run.stdout)[0]).toMatchObject({
      type: "result",
      is_error: true,
      errors: ["Interrupted by SIGTERM"],
    });
  });

  it("exits quietly when the reader of stdout goes away", async () => {
    const setup = wireSetup("anthropic", server.url);
    server.setScenario({
      turns: [{ blocks: [{ type: "text", text: "x".repeat(200_000) }], chunkSize: 1000 }],
    });
    const run = await runCli(
      [
        "-p",
        "--model",
        setup.model,
        "--output-format",
        "stream-json",
        "--include-partial-messages",
        "hi",
      ],
      {
        env: setup.env,
        closeStdoutAfterBytes: 100,
      },
    );
    expect(run.stderr).not.toMatch(/Error|\n\s+at /);
    expect([0, 141]).toContain(run.code);
  });
});
