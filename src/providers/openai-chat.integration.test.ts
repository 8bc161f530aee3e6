// The Chat Completions adapter over real HTTP against fake-llm, which speaks the wire format
// (with the `reasoning_content` extension local servers use) and rejects malformed requests.

import { describe, expect, it } from "vitest";
import { withFakeLlm } from "../../test/fake-llm/index.ts";
import type { Message } from "../core/messages.ts";
import {
  assemble,
  collect,
  collectUntilError,
  request,
  streamProblems,
} from "./adapter-test-kit.ts";
import { createOpenAIChatProvider } from "./openai-chat.ts";
import { ProviderError } from "./provider-error.ts";

const live = () => new AbortController().signal;
const ask: Message[] = [{ role: "user", content: [{ type: "text", text: "Read /a" }] }];

describe("openai-chat adapter over HTTP", () => {
  it("streams text and reports usage with cached tokens split out", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "Hello from the fake model." }],
            usage: { input_tokens: 12, output_tokens: 7, cache_read_input_tokens: 4000 },
          },
        ],
      },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
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
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 4000,
          },
        });
        expect(fake.violations).toEqual([]);
        expect(fake.requests[0]?.path).toBe("/v1/chat/completions");
      },
    );
  });

  it("streams reasoning and tool input in pieces, and the next request pairs the result", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [
              { type: "thinking", thinking: "The user wants /a read." },
              { type: "tool_use", name: "Read", input: { file_path: "/a", limit: 10 } },
              { type: "tool_use", name: "Bash", input: { command: "ls" } },
            ],
            chunkSize: 3,
          },
          { blocks: [{ type: "text", text: "Done." }] },
        ],
      },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
        const first = await collect(provider.stream(request(ask), live()));
        expect(streamProblems(first)).toEqual([]);
        expect(first.filter((e) => e.type === "tool_input_delta").length).toBeGreaterThan(3);
        expect(first.at(-1)).toMatchObject({ type: "message_stop", stopReason: "tool_use" });
        const assistant = assemble(first);
        expect(assistant.content).toEqual([
          {
            type: "thinking",
            thinking: "The user wants /a read.",
            signature: "",
            providerData: { "openai-chat": { field: "reasoning_content" } },
          },
          {
            type: "tool_use",
            id: "call_fake_1_1",
            name: "Read",
            input: { file_path: "/a", limit: 10 },
          },
          { type: "tool_use", id: "call_fake_1_2", name: "Bash", input: { command: "ls" } },
        ]);

        const next: Message[] = [
          ...ask,
          assistant,
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "call_fake_1_1", content: "contents" },
              { type: "tool_result", tool_use_id: "call_fake_1_2", content: "a b c" },
            ],
          },
        ];
        const second = await collect(provider.stream(request(next), live()));
        expect(assemble(second).content).toEqual([{ type: "text", text: "Done." }]);
        expect(fake.violations).toEqual([]);
      },
    );
  });

  it("turns a 429 into rate_limit with the server's retry-after", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 429, headers: { "retry-after": "2" } }] },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 2000 });
      },
    );
  });

  it("turns a 401 into auth, naming the provider and base URL", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 401, message: "Incorrect API key provided" }] },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-bad", baseUrl: `${fake.url}/v1` });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "auth", status: 401 });
        expect((error as Error).message).toBe(
          `openai-chat (${fake.url}/v1): 401 invalid_api_key: Incorrect API key provided`,
        );
      },
    );
  });

  it("turns an error chunk mid-stream into a server error", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "partial answer that never finishes" }],
            errorEventAfter: {
              events: 3,
              type: "server_error",
              message: "The server had an error",
            },
          },
        ],
      },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "server" });
        expect((error as Error).message).toContain("The server had an error");
      },
    );
  });

  it("reports a stream cut mid-response as stream_cut or network", async () => {
    await withFakeLlm(
      {
        turns: [{ blocks: [{ type: "text", text: "a long answer cut short" }], cutAfterEvents: 3 }],
      },
      async (fake) => {
        const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(["stream_cut", "network"]).toContain((error as ProviderError).kind);
      },
    );
  });

  it("stops with aborted when the signal fires while waiting", async () => {
    await withFakeLlm({ turns: [{ kind: "hang" }] }, async (fake) => {
      const provider = createOpenAIChatProvider({ apiKey: "sk-test", baseUrl: `${fake.url}/v1` });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const { error } = await collectUntilError(provider.stream(request(ask), controller.signal));
      expect(error).toMatchObject({ kind: "aborted" });
    });
  });

  it("sends no Authorization header to a local server when there is no key", async () => {
    await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "hi" }] }] }, async (fake) => {
      const provider = createOpenAIChatProvider({ baseUrl: `${fake.url}/v1` });
      await collect(provider.stream(request(ask), live()));
      expect(fake.requests[0]?.headers).not.toHaveProperty("authorization");
    });
  });
});
