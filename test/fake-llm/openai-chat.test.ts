// Proves the Chat Completions wire of fake-llm against the official openai client: streamed
// chunks with tool calls and usage, the stream helper, complete responses, errors and checks.

import OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import type { Turn } from "./scenario.ts";
import { withFakeLlm } from "./with-fake-llm.ts";

const MODEL = "gpt-fake-1";

function client(url: string): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: `${url}/v1`, maxRetries: 0 });
}

function request(messages: ChatCompletionMessageParam[] = [{ role: "user", content: "hi" }]) {
  return { model: MODEL, messages };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const twoToolsTurn: Turn = {
  blocks: [
    { type: "text", text: "Let me look at both files." },
    { type: "tool_use", name: "Read", input: { file_path: "/a.ts" } },
    { type: "tool_use", name: "Read", input: { file_path: "/b.ts" } },
  ],
  usage: {
    input_tokens: 50,
    output_tokens: 20,
    cache_read_input_tokens: 900,
    cache_creation_input_tokens: 10,
  },
};

describe("fake-llm chat completions wire", () => {
  it("streams content and tool_calls deltas, then finish_reason, usage and [DONE]", async () => {
    await withFakeLlm({ turns: [twoToolsTurn] }, async (fake) => {
      const stream = await client(fake.url).chat.completions.create({
        ...request(),
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = await collect(stream);

      expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(["chatcmpl-fake-1"]));
      expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === MODEL)).toBe(
        true,
      );
      expect(chunks[0]?.choices[0]?.delta).toEqual({
        role: "assistant",
        content: "",
        refusal: null,
      });

      const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
      expect(deltas.map((d) => d.content ?? "").join("")).toBe("Let me look at both files.");
      const calls = deltas.flatMap((d) => d.tool_calls ?? []);
      expect(calls.filter((c) => c.id !== undefined)).toEqual([
        {
          index: 0,
          id: "call_fake_1_1",
          type: "function",
          function: { name: "Read", arguments: "" },
        },
        {
          index: 1,
          id: "call_fake_1_2",
          type: "function",
          function: { name: "Read", arguments: "" },
        },
      ]);
      const argumentsOf = (index: number) =>
        calls
          .filter((c) => c.index === index)
          .map((c) => c.function?.arguments ?? "")
          .join("");
      expect(JSON.parse(argumentsOf(0))).toEqual({ file_path: "/a.ts" });
      expect(JSON.parse(argumentsOf(1))).toEqual({ file_path: "/b.ts" });

      const finish = chunks.at(-2);
      expect(finish?.choices[0]).toMatchObject({ delta: {}, finish_reason: "tool_calls" });
      expect(finish?.usage).toBeNull();
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage).toEqual({
        prompt_tokens: 960,
        completion_tokens: 20,
        total_tokens: 980,
        prompt_tokens_details: { cached_tokens: 900, cache_write_tokens: 10, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      });
    });
  });

  it("omits the usage chunk and the usage field unless include_usage is asked for", async () => {
    await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "hello" }] }] }, async (fake) => {
      const chunks = await collect(
        await client(fake.url).chat.completions.create({ ...request(), stream: true }),
      );
      expect(chunks.map((c) => c.choices[0]?.finish_reason ?? null)).toEqual([null, null, "stop"]);
      expect(chunks.some((c) => "usage" in c)).toBe(false);
    });
  });

  it("lets the stream helper assemble the final completion with parsed-ready tool calls", async () => {
    await withFakeLlm({ turns: [twoToolsTurn] }, async (fake) => {
      const completion = await client(fake.url)
        .chat.completions.stream({ ...request(), stream_options: { include_usage: true } })
        .finalChatCompletion();

      const message = completion.choices[0]?.message;
      expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
      expect(message?.content).toBe("Let me look at both files.");
      expect(message?.tool_calls).toEqual([
        {
          id: "call_fake_1_1",
          type: "function",
          function: { name: "Read", arguments: '{"file_path":"/a.ts"}' },
        },
        {
          id: "call_fake_1_2",
          type: "function",
          function: { name: "Read", arguments: '{"file_path":"/b.ts"}' },
        },
      ]);
      expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBe(900);
    });
  });

  it("streams thinking as reasoning_content deltas", async () => {
    const turn: Turn = {
      blocks: [
        { type: "thinking", thinking: "First, consider." },
        { type: "text", text: "Done." },
      ],
      usage: { output_tokens: 10 },
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const chunks = await collect(
        await client(fake.url).chat.completions.create({
          ...request(),
          stream: true,
          stream_options: { include_usage: true },
        }),
      );
      const deltas = chunks.flatMap((c) => c.choices.map((choice) => choice.delta));
      const reasoning = deltas.map((d) =>
        "reasoning_content" in d && typeof d.reasoning_content === "string"
          ? d.reasoning_content
          : "",
      );
      expect(reasoning.join("")).toBe("First, consider.");
      expect(deltas.map((d) => d.content ?? "").join("")).toBe("Done.");
      expect(chunks.at(-1)?.usage?.completion_tokens_details?.reasoning_tokens).toBe(4);
    });
  });

  it("maps max_tokens to finish_reason length", async () => {
    const turn: Turn = { blocks: [{ type: "text", text: "trunc" }], stopReason: "max_tokens" };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const chunks = await collect(
        await client(fake.url).chat.completions.create({ ...request(), stream: true }),
      );
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("length");
    });
  });

  it("answers a request without stream: true with a complete chat.completion", async () => {
    await withFakeLlm({ turns: [twoToolsTurn] }, async (fake) => {
      const completion = await client(fake.url).chat.completions.create(request());
      expect(completion).toMatchObject({
        id: "chatcmpl-fake-1",
        object: "chat.completion",
        model: MODEL,
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: { role: "assistant", content: "Let me look at both files." },
          },
        ],
        usage: { prompt_tokens: 960, completion_tokens: 20, total_tokens: 980 },
      });
      expect(completion.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual([
        "call_fake_1_1",
        "call_fake_1_2",
      ]);
    });
  });

  it("surfaces HTTP 429 as RateLimitError with status, retry-after and the OpenAI envelope", async () => {
    const turn: Turn = {
      kind: "http_error",
      status: 429,
      headers: { "retry-after": "2" },
      message: "Rate limit reached",
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const error: unknown = await client(fake.url)
        .chat.completions.create({ ...request(), stream: true })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
      expect(apiError.status).toBe(429);
      expect(apiError.headers.get("retry-after")).toBe("2");
      expect(apiError.requestID).toBe("req_fake_1");
      expect(apiError).toMatchObject({
        code: "rate_limit_exceeded",
        type: "requests",
        message: "429 Rate limit reached",
      });
    });
  });

  it("sends an in-stream error chunk that makes the SDK iteration throw", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "never finished" }],
      errorEventAfter: { events: 2, type: "server_error", message: "The server had an error" },
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const stream = await client(fake.url).chat.completions.create({ ...request(), stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
      })().catch((e: unknown) => e);
      expect(seen).toEqual(["", "never fi"]);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({ type: "server_error", message: "The server had an error" });
    });
  });

  it("cuts the stream after cutAfterEvents events, making the SDK iteration throw", async () => {
    const turn: Turn = { blocks: [{ type: "text", text: "abcdefghijklmnop" }], cutAfterEvents: 2 };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const stream = await client(fake.url).chat.completions.create({ ...request(), stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? "");
      })().catch((e: unknown) => e);
      expect(seen).toEqual(["", "abcdefgh"]);
      expect(error).toBeInstanceOf(Error);
    });
  });
});

describe("fake-llm chat completions request checks", () => {
  const assistantCalls = (...ids: string[]): ChatCompletionMessageParam => ({
    role: "assistant",
    content: null,
    tool_calls: ids.map((id) => ({
      id,
      type: "function",
      function: { name: "Read", arguments: "{}" },
    })),
  });
  const toolMessage = (id: string): ChatCompletionMessageParam => ({
    role: "tool",
    tool_call_id: id,
    content: "ok",
  });

  async function rejection(url: string, messages: ChatCompletionMessageParam[]) {
    return client(url)
      .chat.completions.create(request(messages))
      .catch((e: unknown) => e);
  }

  it("rejects an unanswered tool call with 400, without consuming a turn", async () => {
    await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, async (fake) => {
      const error = await rejection(fake.url, [
        { role: "user", content: "go" },
        assistantCalls("call_1", "call_2"),
        toolMessage("call_1"),
        { role: "user", content: "and?" },
      ]);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error).toMatchObject({ status: 400, type: "invalid_request_error" });
      expect((error as Error).message).toContain(
        "The following tool_call_ids did not have response messages: call_2",
      );
      expect(fake.violations).toHaveLength(1);
      expect(fake.remainingTurns()).toBe(1);

      const ok = await client(fake.url).chat.completions.create(
        request([
          { role: "user", content: "go" },
          assistantCalls("call_1", "call_2"),
          toolMessage("call_2"),
          toolMessage("call_1"),
        ]),
      );
      expect(ok.choices[0]?.message.content).toBe("ok");
    });
  });

  it("rejects a tool message that answers no pending call, or answers one twice", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      await rejection(fake.url, [{ role: "user", content: "go" }, toolMessage("call_9")]);
      await rejection(fake.url, [
        { role: "user", content: "go" },
        assistantCalls("call_1"),
        toolMessage("call_1"),
        toolMessage("call_1"),
      ]);
      await rejection(fake.url, [
        { role: "user", content: "go" },
        assistantCalls("call_1"),
        { role: "user", content: "interrupting" },
        toolMessage("call_1"),
      ]);
      expect(fake.violations).toHaveLength(3);
      expect(fake.violations[0]).toContain("messages[1]: a message with role 'tool'");
      expect(fake.violations[0]).toContain("call_9");
      expect(fake.violations[1]).toContain("messages[3]: a message with role 'tool'");
      expect(fake.violations[2]).toContain("did not have response messages: call_1");
    });
  });

  it("rejects a request without a model", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      const error = await client(fake.url)
        .chat.completions.create({ messages: [{ role: "user", content: "x" }] } as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(fake.violations[0]).toMatch(/^model: /);
    });
  });
});
