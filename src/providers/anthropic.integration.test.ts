// The Anthropic adapter over real HTTP against fake-llm, which speaks the Messages wire format
// and rejects what the real API would reject.

import { describe, expect, it, vi } from "vitest";
import { withFakeLlm } from "../../test/fake-llm/index.ts";
import type { Message } from "../core/messages.ts";
import {
  assemble,
  collect,
  collectUntilError,
  request,
  streamProblems,
} from "./adapter-test-kit.ts";
import { createAnthropicProvider } from "./anthropic.ts";
import { ProviderError } from "./provider-error.ts";

const live = () => new AbortController().signal;
const ask: Message[] = [{ role: "user", content: [{ type: "text", text: "Read /a" }] }];

describe("anthropic adapter over HTTP", () => {
  it("streams text and reports usage with cache tokens", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "Hello from the fake model." }],
            usage: {
              input_tokens: 12,
              output_tokens: 7,
              cache_creation_input_tokens: 300,
              cache_read_input_tokens: 4000,
            },
          },
        ],
      },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const events = await collect(provider.stream(request(ask), live()));
        expect(streamProblems(events)).toEqual([]);
        expect(assemble(events).content).toEqual([
          { type: "text", text: "Hello from the fake model." },
        ]);
        expect(events.at(-1)).toEqual({
          type: "message_stop",
          stopReason: "end_turn",
          usage: {
            inputTokens: 12,
            outputTokens: 7,
            cacheCreationInputTokens: 300,
            cacheReadInputTokens: 4000,
          },
        });
        expect(fake.violations).toEqual([]);
        expect(fake.requests[0]?.path).toBe("/v1/messages");
      },
    );
  });

  it("writes nothing to the console for a model the SDK lists as deprecated", async () => {
    // The SDK's Messages resource warns on the console for these, which would tear the UI's frame.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const events = await collect(
          provider.stream(request(ask, { model: "claude-sonnet-4-5" }), live()),
        );
        expect(assemble(events).content).toEqual([{ type: "text", text: "ok" }]);
        expect(fake.violations).toEqual([]);
      });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("streams thinking and tool input in pieces, then sends the signature back verbatim", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [
              { type: "thinking", thinking: "The user wants /a read.", signature: "sig/+==EXACT" },
              { type: "tool_use", name: "Read", input: { file_path: "/a", limit: 10 } },
            ],
            chunkSize: 3,
          },
          { blocks: [{ type: "text", text: "Done." }] },
        ],
      },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const first = await collect(
          provider.stream(request(ask, { thinkingBudget: 2048 }), live()),
        );
        expect(streamProblems(first)).toEqual([]);
        expect(first.filter((e) => e.type === "tool_input_delta").length).toBeGreaterThan(3);
        expect(first.at(-1)).toMatchObject({ type: "message_stop", stopReason: "tool_use" });
        const assistant = assemble(first);
        expect(assistant.content).toEqual([
          { type: "thinking", thinking: "The user wants /a read.", signature: "sig/+==EXACT" },
          {
            type: "tool_use",
            id: "toolu_fake_1_1",
            name: "Read",
            input: { file_path: "/a", limit: 10 },
          },
        ]);

        const next: Message[] = [
          ...ask,
          assistant,
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "toolu_fake_1_1", content: "contents" }],
          },
        ];
        await collect(provider.stream(request(next, { thinkingBudget: 2048 }), live()));
        expect(fake.violations).toEqual([]);
        const sent = fake.requests[1]?.body as { messages: Array<{ content: unknown[] }> };
        expect(sent.messages[1]?.content[0]).toEqual({
          type: "thinking",
          thinking: "The user wants /a read.",
          signature: "sig/+==EXACT",
        });
        expect(JSON.stringify(fake.requests[0]?.body)).toContain(
          '"thinking":{"type":"enabled","budget_tokens":2048}',
        );
      },
    );
  });

  it("turns a 429 into rate_limit with the server's retry-after", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 429, headers: { "retry-after": "3" } }] },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 3000 });
        expect(fake.requests).toHaveLength(1);
      },
    );
  });

  it("turns a 401 into auth, naming the provider and base URL", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 401, message: "invalid x-api-key" }] },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-bad", baseUrl: `${fake.url}/` });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "auth", status: 401 });
        expect((error as Error).message).toBe(
          `anthropic (${fake.url}): 401 authentication_error: invalid x-api-key`,
        );
      },
    );
  });

  it("turns an overloaded_error event mid-stream into overloaded", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "partial answer that never finishes" }],
            errorEventAfter: { events: 4, type: "overloaded_error", message: "Overloaded" },
          },
        ],
      },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "overloaded" });
        expect((error as Error).message).toBe(
          `anthropic (${fake.url}): overloaded_error: Overloaded`,
        );
      },
    );
  });

  it("reports a stream cut mid-response as stream_cut or network", async () => {
    await withFakeLlm(
      {
        turns: [{ blocks: [{ type: "text", text: "a long answer cut short" }], cutAfterEvents: 5 }],
      },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const { events, error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(events[0]).toMatchObject({ type: "message_start" });
        expect(["stream_cut", "network"]).toContain((error as ProviderError).kind);
      },
    );
  });

  it("reports a reset connection as network", async () => {
    await withFakeLlm({ turns: [{ kind: "reset" }] }, async (fake) => {
      const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
      const { error } = await collectUntilError(provider.stream(request(ask), live()));
      expect(error).toMatchObject({ kind: "network" });
      expect((error as Error).message).toContain(`anthropic (${fake.url}): connection failed`);
    });
  });

  it("stops with aborted when the signal fires while waiting and while streaming", async () => {
    await withFakeLlm(
      {
        turns: [
          { kind: "hang" },
          { blocks: [{ type: "text", text: "slow tokens here" }], delayMs: 50, chunkSize: 2 },
        ],
      },
      async (fake) => {
        const provider = createAnthropicProvider({ apiKey: "sk-test", baseUrl: fake.url });
        const waiting = new AbortController();
        setTimeout(() => waiting.abort(), 50);
        const { error } = await collectUntilError(provider.stream(request(ask), waiting.signal));
        expect(error).toMatchObject({ kind: "aborted" });

        const streaming = new AbortController();
        const seen: string[] = [];
        const result = await collectUntilError(
          (async function* () {
            for await (const event of provider.stream(request(ask), streaming.signal)) {
              seen.push(event.type);
              if (event.type === "text_delta") streaming.abort();
              yield event;
            }
          })(),
        );
        expect(seen).toContain("text_delta");
        expect(result.error).toMatchObject({ kind: "aborted" });
      },
    );
  });

  it("sends the API key as a credential and nothing when there is none", async () => {
    await withFakeLlm(
      {
        turns: [
          { blocks: [{ type: "text", text: "a" }] },
          { blocks: [{ type: "text", text: "b" }] },
        ],
      },
      async (fake) => {
        await collect(
          createAnthropicProvider({ apiKey: "sk-key", baseUrl: fake.url }).stream(
            request(ask),
            live(),
          ),
        );
        await collect(createAnthropicProvider({ baseUrl: fake.url }).stream(request(ask), live()));
        const [withKey, without] = fake.requests.map((r) => r.headers);
        expect(JSON.stringify(withKey)).toContain("sk-key");
        expect(without).not.toHaveProperty("authorization");
        expect(without).not.toHaveProperty("x-api-key");
      },
    );
  });
});
