// Tests fake-llm's server behaviour independent of any one wire: routing, recording, scenario
// exhaustion, connection resets, hanging requests, close(), and the standalone runner.

import Anthropic from "@anthropic-ai/sdk";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createInterface } from "node:readline";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { Scenario, Turn } from "./scenario.ts";
import { startFakeLlm } from "./server.ts";
import { withFakeLlm } from "./with-fake-llm.ts";

const hello: Turn = { blocks: [{ type: "text", text: "hello" }] };
const anthropicBody = {
  model: "claude-fake",
  max_tokens: 100,
  messages: [{ role: "user", content: "hi" }],
};

function anthropic(url: string, options: { timeout?: number } = {}): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: url, maxRetries: 0, ...options });
}

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("fake-llm server", () => {
  it("records each request with its wire, path, headers, body and arrival time", async () => {
    const turns = [hello, hello, hello];
    await withFakeLlm(
      { turns },
      async (fake) => {
        await anthropic(fake.url).messages.create({
          ...anthropicBody,
          messages: [{ role: "user", content: "hi" }],
        });
        const openai = new OpenAI({ apiKey: "sk-test", baseURL: `${fake.url}/v1`, maxRetries: 0 });
        await openai.chat.completions.create({
          model: "gpt",
          messages: [{ role: "user", content: "x" }],
        });
        await openai.responses.create({ model: "gpt", input: "x" });

        expect(fake.requests.map((r) => [r.wire, r.method, r.path, r.turn])).toEqual([
          ["anthropic", "POST", "/v1/messages", 1],
          ["openai-chat", "POST", "/v1/chat/completions", 2],
          ["openai-responses", "POST", "/v1/responses", 3],
        ]);
        // Anthropic SDK 1.x sends apiKey as a bearer token, not as x-api-key.
        expect(fake.requests[0]?.headers.authorization).toBe("Bearer test");
        expect(fake.requests[0]?.headers["anthropic-version"]).toEqual(expect.any(String));
        expect(fake.requests[1]?.headers.authorization).toBe("Bearer sk-test");
        expect(fake.requests[2]?.body).toMatchObject({ model: "gpt", input: "x" });
        expect(fake.requests.map((r) => r.receivedAt)).toEqual([
          1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000,
        ]);
        expect(fake.violations).toEqual([]);
        expect(fake.remainingTurns()).toBe(0);
      },
      { clock: () => 1_700_000_000_000 },
    );
  });

  it("accepts paths with a query string and without the /v1 prefix", async () => {
    await withFakeLlm({ turns: [hello, hello] }, async (fake) => {
      const first = await post(`${fake.url}/v1/messages?beta=true`, anthropicBody);
      const second = await post(`${fake.url}/messages`, anthropicBody);
      expect(first).toMatchObject({ status: 200, body: { content: [{ text: "hello" }] } });
      expect(second).toMatchObject({ status: 200, body: { id: "msg_fake_2" } });
      expect(fake.requests.map((r) => r.path)).toEqual(["/v1/messages", "/messages"]);
    });
  });

  it("answers an unknown path with 404 JSON and records a violation", async () => {
    await withFakeLlm({ turns: [hello] }, async (fake) => {
      const response = await post(`${fake.url}/v1/completions`, { model: "x", prompt: "hi" });
      expect(response).toEqual({
        status: 404,
        body: {
          error: {
            type: "not_found_error",
            message: "fake-llm: no route for POST /v1/completions",
          },
        },
      });
      expect(fake.violations).toEqual([
        "fake-llm: no route for POST /v1/completions (request #1, no wire POST /v1/completions)",
      ]);
      expect(fake.remainingTurns()).toBe(1);
    });
  });

  it("answers a body that is not JSON with 400 in the wire's envelope", async () => {
    await withFakeLlm({ turns: [hello] }, async (fake) => {
      const response = await post(`${fake.url}/v1/messages`, "{not json");
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error" },
      });
      expect(fake.violations[0]).toMatch(/^request body is not valid JSON/);
      expect(fake.requests[0]?.body).toBe("{not json");
    });
  });

  it("answers 500 'scenario has no turn N' once the scenario is used up", async () => {
    await withFakeLlm({ turns: [hello] }, async (fake) => {
      await anthropic(fake.url).messages.create(
        anthropicBody as Anthropic.MessageCreateParamsNonStreaming,
      );
      const error: unknown = await anthropic(fake.url)
        .messages.create(anthropicBody as Anthropic.MessageCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.InternalServerError);
      expect(error).toMatchObject({ status: 500, apiMessage: "fake-llm: scenario has no turn 2" });
      expect(fake.violations).toEqual([
        "fake-llm: scenario has no turn 2 (request #2, anthropic POST /v1/messages)",
      ]);
    });
  });

  it("starts over with a new script after setScenario", async () => {
    await withFakeLlm({ turns: [hello] }, async (fake) => {
      const first = await post(`${fake.url}/v1/messages`, anthropicBody);
      fake.setScenario({ turns: [{ blocks: [{ type: "text", text: "second script" }] }] });
      const second = await post(`${fake.url}/v1/messages`, anthropicBody);
      expect(first.body).toMatchObject({ content: [{ text: "hello" }] });
      expect(second.body).toMatchObject({ id: "msg_fake_1", content: [{ text: "second script" }] });
    });
  });

  it("resets the connection for a reset turn, which the SDK reports as a connection error", async () => {
    await withFakeLlm({ turns: [{ kind: "reset" }, hello] }, async (fake) => {
      const error: unknown = await anthropic(fake.url)
        .messages.create(anthropicBody as Anthropic.MessageCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIConnectionError);
      const retry = await anthropic(fake.url).messages.create(
        anthropicBody as Anthropic.MessageCreateParamsNonStreaming,
      );
      expect(retry.content).toEqual([{ type: "text", text: "hello" }]);
    });
  });

  it("never answers a hang turn, so the client's timeout fires", async () => {
    await withFakeLlm({ turns: [{ kind: "hang" }] }, async (fake) => {
      const started = performance.now();
      const error: unknown = await anthropic(fake.url, { timeout: 300 })
        .messages.create(anthropicBody as Anthropic.MessageCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(fake.requests[0]?.turn).toBe(1);
    });
  });

  it("close() destroys hanging and streaming sockets instead of waiting for them", async () => {
    const slow: Turn = {
      blocks: [{ type: "text", text: "x".repeat(100) }],
      chunkSize: 1,
      delayMs: 1000,
    };
    const fake = await startFakeLlm({ scenario: { turns: [{ kind: "hang" }, slow] } });
    const hanging = post(`${fake.url}/v1/messages`, anthropicBody).catch((e: unknown) => e);
    const streaming = fetch(`${fake.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ ...anthropicBody, stream: true }),
    });
    await (await streaming).body?.getReader().read();
    while (fake.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));

    const started = performance.now();
    await fake.close();
    expect(performance.now() - started).toBeLessThan(500);
    expect(await hanging).toBeInstanceOf(Error);
    await fake.close(); // idempotent
  });
});

describe("fake-llm standalone runner", () => {
  it("prints its url, logs each request as a JSON line, and exits on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-llm-"));
    const scenarioPath = join(dir, "scenario.json");
    const logPath = join(dir, "requests.jsonl");
    const scenario: Scenario = { turns: [hello] };
    await writeFile(scenarioPath, JSON.stringify(scenario));

    // process.execPath: the Node 24 running vitest, which strips TypeScript types itself.
    const child = spawn(
      process.execPath,
      [join(import.meta.dirname, "main.ts"), scenarioPath, "--log", logPath],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      const { url } = JSON.parse(line) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const response = await post(`${url}/v1/messages`, anthropicBody);
      expect(response.body).toMatchObject({ content: [{ type: "text", text: "hello" }] });
      const entries = (await readFile(logPath, "utf8"))
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        type: "request",
        wire: "anthropic",
        path: "/v1/messages",
        turn: 1,
      });
      expect(typeof entries[0]?.receivedAt).toBe("number");

      const exited = once(child, "exit");
      child.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("exits non-zero with a readable message for an invalid scenario file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fake-llm-"));
    const scenarioPath = join(dir, "bad.json");
    await writeFile(
      scenarioPath,
      JSON.stringify({ turns: [{ kind: "http_error", status: "429" }] }),
    );
    const child = spawn(process.execPath, [join(import.meta.dirname, "main.ts"), scenarioPath], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(1);
    expect(stderr).toContain(
      "fake-llm: invalid scenario: turns.0.status: Invalid input: expected number",
    );
  });
});
