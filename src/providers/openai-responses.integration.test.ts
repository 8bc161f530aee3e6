// The Responses adapter over real HTTP against fake-llm, which speaks the `response.*` event
// stream and rejects replayed reasoning that the real API would reject.

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
import { createOpenAIResponsesProvider } from "./openai-responses.ts";
import { RESPONSES_DATA, dataUnder } from "./provider-data.ts";
import { ProviderError } from "./provider-error.ts";

const live = () => new AbortController().signal;
const ask: Message[] = [{ role: "user", content: [{ type: "text", text: "Read /a" }] }];

describe("openai responses adapter over HTTP", () => {
  it("streams text and reports usage with cache tokens split out", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "Hello from the fake model." }],
            usage: {
              input_tokens: 12,
              output_tokens: 7,
              cache_read_input_tokens: 4000,
              cache_creation_input_tokens: 50,
            },
          },
        ],
      },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const events = await collect(provider.stream(request(ask), live()));
        expect(streamProblems(events)).toEqual([]);
        expect(assemble(events).content).toEqual([
          {
            type: "text",
            text: "Hello from the fake model.",
            providerData: { "openai-responses": { itemId: "msg_fake_1_1" } },
          },
        ]);
        expect(events.at(-1)).toEqual({
          type: "message_stop",
          stopReason: "end_turn",
          usage: {
            inputTokens: 12,
            outputTokens: 7,
            cacheCreationInputTokens: 50,
            cacheReadInputTokens: 4000,
          },
        });
        expect(fake.violations).toEqual([]);
        expect(fake.requests[0]?.path).toBe("/v1/responses");
      },
    );
  });

  it("round-trips the encrypted reasoning item in front of its function call", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [
              { type: "thinking", thinking: "The user wants /a read." },
              { type: "tool_use", name: "Read", input: { file_path: "/a", limit: 10 } },
            ],
            chunkSize: 3,
          },
          { blocks: [{ type: "text", text: "Done." }] },
        ],
      },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const first = await collect(
          provider.stream(request(ask, { thinkingBudget: 8000 }), live()),
        );
        expect(streamProblems(first)).toEqual([]);
        expect(first.filter((e) => e.type === "tool_input_delta").length).toBeGreaterThan(3);
        expect(first.at(-1)).toMatchObject({ type: "message_stop", stopReason: "tool_use" });
        const assistant = assemble(first);
        expect(assistant.content).toMatchObject([
          { type: "thinking", thinking: "The user wants /a read.", signature: "" },
          {
            type: "tool_use",
            id: "call_fake_1_1",
            name: "Read",
            input: { file_path: "/a", limit: 10 },
            providerData: { "openai-responses": { itemId: "fc_fake_1_2" } },
          },
        ]);

        const next: Message[] = [
          ...ask,
          assistant,
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "call_fake_1_1", content: "contents" }],
          },
        ];
        await collect(provider.stream(request(next, { thinkingBudget: 8000 }), live()));
        expect(fake.violations).toEqual([]);
        const firstBody = fake.requests[0]?.body as {
          reasoning: unknown;
          include: unknown;
          store: unknown;
        };
        expect(firstBody).toMatchObject({
          reasoning: { effort: "medium", summary: "auto" },
          include: ["reasoning.encrypted_content"],
          store: false,
        });
        const input = (fake.requests[1]?.body as { input: Array<Record<string, unknown>> }).input;
        expect(input.map((item) => item.type ?? item.role)).toEqual([
          "user",
          "reasoning",
          "function_call",
          "function_call_output",
        ]);
        // Exactly the item the server sent at output_item.done, encrypted content included.
        const [thinking] = assistant.content;
        const kept =
          thinking?.type === "thinking"
            ? dataUnder(thinking.providerData, RESPONSES_DATA)
            : undefined;
        expect(JSON.stringify(input[1])).toBe(JSON.stringify(kept?.item));
        expect(input[1]?.encrypted_content).toEqual(expect.any(String));
      },
    );
  });

  it("reports max_tokens when the response is incomplete for max_output_tokens", async () => {
    await withFakeLlm(
      { turns: [{ blocks: [{ type: "text", text: "cut" }], stopReason: "max_tokens" }] },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const events = await collect(provider.stream(request(ask, { maxTokens: 5 }), live()));
        expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "max_tokens" });
        expect(fake.requests[0]?.body).toMatchObject({ max_output_tokens: 5 });
      },
    );
  });

  it("turns a 429 into rate_limit with the server's retry-after", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 429, headers: { "retry-after-ms": "250" } }] },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toBeInstanceOf(ProviderError);
        expect(error).toMatchObject({ kind: "rate_limit", status: 429, retryAfterMs: 250 });
      },
    );
  });

  it("turns a 401 into auth, naming the provider and base URL", async () => {
    await withFakeLlm(
      { turns: [{ kind: "http_error", status: 401, message: "Incorrect API key provided" }] },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-bad",
          baseUrl: `${fake.url}/v1`,
        });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "auth", status: 401 });
        expect((error as Error).message).toBe(
          `openai (${fake.url}/v1): 401 invalid_api_key: Incorrect API key provided`,
        );
      },
    );
  });

  it("turns an error event mid-stream into a ProviderError classified by its code", async () => {
    await withFakeLlm(
      {
        turns: [
          {
            blocks: [{ type: "text", text: "partial answer that never finishes" }],
            errorEventAfter: { events: 4, type: "rate_limit_exceeded", message: "Slow down" },
          },
        ],
      },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(error).toMatchObject({ kind: "rate_limit" });
        expect((error as Error).message).toBe(
          `openai (${fake.url}/v1): rate_limit_exceeded: Slow down`,
        );
      },
    );
  });

  it("reports a stream cut mid-response as stream_cut or network", async () => {
    await withFakeLlm(
      {
        turns: [{ blocks: [{ type: "text", text: "a long answer cut short" }], cutAfterEvents: 4 }],
      },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const { error } = await collectUntilError(provider.stream(request(ask), live()));
        expect(["stream_cut", "network"]).toContain((error as ProviderError).kind);
      },
    );
  });

  it("stops with aborted when the signal fires while streaming", async () => {
    await withFakeLlm(
      {
        turns: [
          { blocks: [{ type: "text", text: "slow tokens here" }], delayMs: 50, chunkSize: 2 },
        ],
      },
      async (fake) => {
        const provider = createOpenAIResponsesProvider({
          apiKey: "sk-test",
          baseUrl: `${fake.url}/v1`,
        });
        const controller = new AbortController();
        const result = await collectUntilError(
          (async function* () {
            for await (const event of provider.stream(request(ask), controller.signal)) {
              if (event.type === "text_delta") controller.abort();
              yield event;
            }
          })(),
        );
        expect(result.events.some((e) => e.type === "text_delta")).toBe(true);
        expect(result.error).toMatchObject({ kind: "aborted" });
      },
    );
  });
});
