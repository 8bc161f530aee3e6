// Proves the Anthropic wire of fake-llm against the official @anthropic-ai/sdk client:
// streamed and complete messages, thinking, tool use, errors, cut streams and pairing checks.

import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import { fakeSignature } from "./reply-plan.ts";
import type { Turn } from "./scenario.ts";
import { withFakeLlm } from "./with-fake-llm.ts";

const MODEL = "claude-fake-1";

function client(url: string): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: url, maxRetries: 0 });
}

function request(messages: MessageParam[] = [{ role: "user", content: "hi" }]) {
  return { model: MODEL, max_tokens: 1024, messages };
}

async function collect(stream: AsyncIterable<RawMessageStreamEvent>) {
  const events: RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function deltas(events: RawMessageStreamEvent[], index: number): string[] {
  return events.flatMap((e) => {
    if (e.type !== "content_block_delta" || e.index !== index) return [];
    switch (e.delta.type) {
      case "text_delta":
        return [e.delta.text];
      case "thinking_delta":
        return [e.delta.thinking];
      case "input_json_delta":
        return [e.delta.partial_json];
      default:
        return [];
    }
  });
}

const toolTurn: Turn = {
  blocks: [
    { type: "thinking", thinking: "The user wants the file read." },
    { type: "text", text: "Reading it now." },
    { type: "tool_use", name: "Read", input: { file_path: "/tmp/a.txt", limit: 10 } },
  ],
  usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 400 },
};

describe("fake-llm anthropic wire", () => {
  it("streams the documented event sequence that the SDK iterates", async () => {
    await withFakeLlm({ turns: [toolTurn] }, async (fake) => {
      const stream = await client(fake.url).messages.create({ ...request(), stream: true });
      const events = await collect(stream);

      const block = (deltaCount: number) => [
        "content_block_start",
        ...Array<string>(deltaCount).fill("content_block_delta"),
        "content_block_stop",
      ];
      expect(events.map((e) => e.type)).toEqual([
        "message_start",
        ...block(4 + 1), // 29 characters of thinking in pieces of 8, then the signature
        ...block(2),
        ...block(1 + 5), // the documented empty first partial_json, then 38 characters of JSON
        "message_delta",
        "message_stop",
      ]);
      expect(events[6]).toEqual({
        type: "content_block_delta",
        index: 0,
        delta: {
          type: "signature_delta",
          signature: fakeSignature("The user wants the file read."),
        },
      });
      expect(deltas(events, 0).join("")).toBe("The user wants the file read.");
      expect(deltas(events, 0)[0]).toBe("The user");
      expect(deltas(events, 1).join("")).toBe("Reading it now.");
      expect(JSON.parse(deltas(events, 2).join(""))).toEqual({
        file_path: "/tmp/a.txt",
        limit: 10,
      });

      const start = events[0];
      expect(start?.type === "message_start" && start.message).toMatchObject({
        id: "msg_fake_1",
        model: MODEL,
        usage: { input_tokens: 120, cache_read_input_tokens: 400, cache_creation_input_tokens: 0 },
      });
      const end = events.at(-2);
      expect(end?.type === "message_delta" && end).toMatchObject({
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 30, input_tokens: 120, cache_read_input_tokens: 400 },
      });
    });
  });

  it("lets MessageStream.finalMessage assemble thinking, signature and parsed tool input", async () => {
    await withFakeLlm({ turns: [toolTurn] }, async (fake) => {
      const message = await client(fake.url).messages.stream(request()).finalMessage();

      expect(message.id).toBe("msg_fake_1");
      expect(message.stop_reason).toBe("tool_use");
      expect(message.content).toEqual([
        {
          type: "thinking",
          thinking: "The user wants the file read.",
          signature: fakeSignature("The user wants the file read."),
        },
        { type: "text", text: "Reading it now." },
        {
          type: "tool_use",
          id: "toolu_fake_1_1",
          name: "Read",
          input: { file_path: "/tmp/a.txt", limit: 10 },
        },
      ]);
      expect(message.usage).toMatchObject({
        input_tokens: 120,
        output_tokens: 30,
        cache_read_input_tokens: 400,
        cache_creation_input_tokens: 0,
      });
    });
  });

  it("streams redacted thinking, scripted signatures and tool ids, and estimates usage", async () => {
    const turn: Turn = {
      blocks: [
        { type: "redacted_thinking", data: "opaque-blob" },
        { type: "thinking", thinking: "hmm", signature: "sig-1" },
        { type: "tool_use", id: "toolu_custom", name: "Bash", input: { command: "ls" } },
        { type: "tool_use", name: "Bash", input: { command: "pwd" } },
      ],
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const message = await client(fake.url).messages.stream(request()).finalMessage();

      expect(message.content).toEqual([
        { type: "redacted_thinking", data: "opaque-blob" },
        { type: "thinking", thinking: "hmm", signature: "sig-1" },
        { type: "tool_use", id: "toolu_custom", name: "Bash", input: { command: "ls" } },
        { type: "tool_use", id: "toolu_fake_1_2", name: "Bash", input: { command: "pwd" } },
      ]);
      const requestChars = JSON.stringify(fake.requests[0]?.body).length;
      expect(message.usage.input_tokens).toBe(Math.ceil(requestChars / 4));
      const streamedChars = "hmm".length + '{"command":"ls"}'.length + '{"command":"pwd"}'.length;
      expect(message.usage.output_tokens).toBe(Math.ceil(streamedChars / 4));
    });
  });

  it("sends rawInput verbatim, split into chunkSize pieces", async () => {
    const turn: Turn = {
      blocks: [{ type: "tool_use", name: "Edit", rawInput: '{"path": "a.ts", "old' }],
      chunkSize: 5,
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const events = await collect(
        await client(fake.url).messages.create({ ...request(), stream: true }),
      );
      expect(deltas(events, 0)).toEqual(["", '{"pat', 'h": "', 'a.ts"', ', "ol', "d"]);
    });
  });

  it("makes MessageStream.finalMessage reject on invalid rawInput, as the SDK parses tool input", async () => {
    const turn: Turn = { blocks: [{ type: "tool_use", name: "Edit", rawInput: "{bad json" }] };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const error: unknown = await client(fake.url)
        .messages.stream(request())
        .finalMessage()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.AnthropicError);
      expect((error as Error).message).toMatch(/JSON/);
    });
  });

  it("answers a request without stream: true with the complete message", async () => {
    await withFakeLlm({ turns: [toolTurn] }, async (fake) => {
      const message = await client(fake.url).messages.create(request());
      expect(message).toMatchObject({
        id: "msg_fake_1",
        type: "message",
        role: "assistant",
        model: MODEL,
        stop_reason: "tool_use",
        usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 400 },
      });
      expect(message.content.map((block) => block.type)).toEqual(["thinking", "text", "tool_use"]);
    });
  });

  it("reports a scripted stop sequence", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "one two" }],
      stopReason: "stop_sequence",
      stopSequence: "THREE",
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const message = await client(fake.url).messages.stream(request()).finalMessage();
      expect(message.stop_reason).toBe("stop_sequence");
      expect(message.stop_sequence).toBe("THREE");
    });
  });

  it("surfaces HTTP 429 as RateLimitError with status, retry-after and error type", async () => {
    const turn: Turn = { kind: "http_error", status: 429, headers: { "retry-after": "7" } };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const error: unknown = await client(fake.url)
        .messages.create({ ...request(), stream: true })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Anthropic.RateLimitError);
      const apiError = error as InstanceType<typeof Anthropic.RateLimitError>;
      expect(apiError.status).toBe(429);
      expect(apiError.headers.get("retry-after")).toBe("7");
      expect(apiError.type).toBe("rate_limit_error");
      expect(apiError.requestID).toBe("req_fake_1");
    });
  });

  it("uses the scripted message and status for overloaded (529) errors", async () => {
    const turn: Turn = { kind: "http_error", status: 529, message: "Overloaded" };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const error: unknown = await client(fake.url)
        .messages.create(request())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error).toMatchObject({
        status: 529,
        type: "overloaded_error",
        apiMessage: "Overloaded",
      });
    });
  });

  it("sends an in-stream error event that makes the SDK iteration throw", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "partial answer that never finishes" }],
      errorEventAfter: { events: 4, type: "overloaded_error", message: "Overloaded" },
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const stream = await client(fake.url).messages.create({ ...request(), stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const event of stream) seen.push(event.type);
      })().catch((e: unknown) => e);

      // Four events were written, one of them the ping the SDK skips.
      expect(seen).toEqual(["message_start", "content_block_start", "content_block_delta"]);
      expect(error).toBeInstanceOf(Anthropic.APIError);
      expect(error).toMatchObject({ type: "overloaded_error", apiMessage: "Overloaded" });
    });
  });

  it("cuts the stream after cutAfterEvents events, making the SDK iteration throw", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "a long answer, cut short" }],
      cutAfterEvents: 5,
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const stream = await client(fake.url).messages.create({ ...request(), stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const event of stream) seen.push(event.type);
      })().catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Error);
      expect(seen).toEqual([
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
      ]);
    });
  });

  it("waits delayMs between events", async () => {
    const turn: Turn = { blocks: [{ type: "text", text: "slow" }], delayMs: 20 };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const started = performance.now();
      const events = await collect(
        await client(fake.url).messages.create({ ...request(), stream: true }),
      );
      // 7 events on the wire (ping included): 6 pauses.
      expect(events).toHaveLength(6);
      expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 20 - 5);
    });
  });
});

describe("fake-llm anthropic request checks", () => {
  const toolUse = { type: "tool_use", id: "toolu_1", name: "Read", input: {} } as const;
  const result = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "ok" }) as const;
  const answer: Turn = { blocks: [{ type: "text", text: "fine" }] };

  async function rejection(fakeUrl: string, body: object) {
    return client(fakeUrl)
      .messages.create(body as Anthropic.MessageCreateParamsNonStreaming)
      .catch((e: unknown) => e);
  }

  it("rejects a tool_use without a tool_result with 400, without consuming a turn", async () => {
    await withFakeLlm({ turns: [answer] }, async (fake) => {
      const error = await rejection(
        fake.url,
        request([
          { role: "user", content: "read it" },
          { role: "assistant", content: [toolUse] },
          { role: "user", content: "never mind" },
        ]),
      );
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error).toMatchObject({ status: 400, type: "invalid_request_error" });
      expect((error as Error).message).toContain(
        "tool_use ids were found without tool_result blocks immediately after: toolu_1",
      );
      expect(fake.violations).toHaveLength(1);
      expect(fake.violations[0]).toMatch(
        /^messages\.1: tool_use ids .* \(request #1, anthropic POST/,
      );
      expect(fake.requests[0]?.violation).toContain("toolu_1");
      expect(fake.remainingTurns()).toBe(1);

      const ok = await client(fake.url).messages.create(
        request([
          { role: "user", content: "read it" },
          { role: "assistant", content: [toolUse] },
          { role: "user", content: [result("toolu_1")] },
        ]),
      );
      expect(ok.content).toEqual([{ type: "text", text: "fine" }]);
      expect(fake.requests[1]?.turn).toBe(1);
    });
  });

  it("rejects an orphan or duplicated tool_result", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      await rejection(
        fake.url,
        request([
          { role: "user", content: "x" },
          { role: "assistant", content: [toolUse] },
          { role: "user", content: [result("toolu_1"), result("toolu_2")] },
        ]),
      );
      await rejection(
        fake.url,
        request([
          { role: "user", content: "x" },
          { role: "assistant", content: [toolUse] },
          { role: "user", content: [result("toolu_1"), result("toolu_1")] },
        ]),
      );
      expect(fake.violations).toHaveLength(2);
      expect(fake.violations[0]).toContain(
        "unexpected tool_use_id found in tool_result blocks: toolu_2",
      );
      expect(fake.violations[1]).toContain("multiple tool_result blocks with id toolu_1");
    });
  });

  it("rejects text before the tool_result blocks that answer a tool_use", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      await rejection(
        fake.url,
        request([
          { role: "user", content: "x" },
          { role: "assistant", content: [toolUse] },
          { role: "user", content: [{ type: "text", text: "here:" }, result("toolu_1")] },
        ]),
      );
      expect(fake.violations[0]).toContain("tool_result blocks must come first");
    });
  });

  it("rejects broken alternation, a missing max_tokens and an unsigned thinking block", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      await rejection(fake.url, request([{ role: "assistant", content: "hello" }]));
      await rejection(
        fake.url,
        request([
          { role: "user", content: "a" },
          { role: "user", content: "b" },
        ]),
      );
      await rejection(fake.url, { model: MODEL, messages: [{ role: "user", content: "a" }] });
      await rejection(
        fake.url,
        request([
          { role: "user", content: "a" },
          { role: "assistant", content: [{ type: "thinking", thinking: "t", signature: "" }] },
          { role: "user", content: "b" },
        ]),
      );
      await rejection(fake.url, request([{ role: "user", content: "" }]));
      expect(fake.violations.map((v) => v.replace(/ \(request #.*$/, ""))).toEqual([
        'messages: first message must use the "user" role',
        'messages.1: roles must alternate between "user" and "assistant", but found two "user" messages in a row',
        "max_tokens: Invalid input: expected number, received undefined",
        "messages.1.content.0.signature: Too small: expected string to have >=1 characters",
        "messages.0: all messages must have non-empty content except for the optional final assistant message",
      ]);
    });
  });
});
