// Proves the Responses wire of fake-llm against the official openai client: numbered events,
// reasoning and function_call items, the stream helper, complete responses and pairing checks.

import OpenAI from "openai";
import type { ResponseInputItem, ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import { encryptedThinking } from "./openai-responses.ts";
import { fakeSignature } from "./reply-plan.ts";
import type { Turn } from "./scenario.ts";
import { withFakeLlm } from "./with-fake-llm.ts";

const MODEL = "gpt-fake-responses";

function client(url: string): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: `${url}/v1`, maxRetries: 0 });
}

async function collect(stream: AsyncIterable<ResponseStreamEvent>) {
  const events: ResponseStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const reasoningToolTurn: Turn = {
  blocks: [
    { type: "thinking", thinking: "Need the config first." },
    { type: "text", text: "Checking the config." },
    { type: "tool_use", name: "Read", input: { file_path: "/etc/app.json" } },
  ],
  usage: { input_tokens: 30, output_tokens: 12, cache_read_input_tokens: 70 },
};

describe("fake-llm responses wire", () => {
  it("streams numbered events for reasoning, message and function_call items", async () => {
    await withFakeLlm({ turns: [reasoningToolTurn] }, async (fake) => {
      const stream = await client(fake.url).responses.create({
        model: MODEL,
        input: "read the config",
        include: ["reasoning.encrypted_content"],
        stream: true,
      });
      const events = await collect(stream);

      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const types = events.map((e) => e.type);
      expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
      expect(types.at(-1)).toBe("response.completed");
      expect(types.filter((t) => t === "response.output_item.added")).toHaveLength(3);
      expect(types).toContain("response.reasoning_summary_text.done");

      const argumentDeltas = events.flatMap((e) =>
        e.type === "response.function_call_arguments.delta" ? [e.delta] : [],
      );
      expect(argumentDeltas.length).toBeGreaterThan(1);
      expect(JSON.parse(argumentDeltas.join(""))).toEqual({ file_path: "/etc/app.json" });
      const argumentsDone = events.find((e) => e.type === "response.function_call_arguments.done");
      expect(argumentsDone).toMatchObject({
        item_id: "fc_fake_1_3",
        output_index: 2,
        name: "Read",
        arguments: '{"file_path":"/etc/app.json"}',
      });

      const added = events.find(
        (e) => e.type === "response.output_item.added" && e.item.type === "function_call",
      );
      expect(added).toMatchObject({
        output_index: 2,
        item: { type: "function_call", call_id: "call_fake_1_1", name: "Read", arguments: "" },
      });
    });
  });

  it("lets the stream helper assemble the final response with reasoning and usage", async () => {
    await withFakeLlm({ turns: [reasoningToolTurn] }, async (fake) => {
      const response = await client(fake.url)
        .responses.stream({
          model: MODEL,
          input: "read the config",
          include: ["reasoning.encrypted_content"],
        })
        .finalResponse();

      expect(response.id).toBe("resp_fake_1");
      expect(response.status).toBe("completed");
      expect(response.output_text).toBe("Checking the config.");
      // toMatchObject: the helper adds parsed / parsed_arguments fields of its own.
      expect(response.output).toMatchObject([
        {
          id: "rs_fake_1_1",
          type: "reasoning",
          summary: [{ type: "summary_text", text: "Need the config first." }],
          encrypted_content: encryptedThinking(
            "Need the config first.",
            fakeSignature("Need the config first."),
          ),
        },
        {
          id: "msg_fake_1_2",
          type: "message",
          status: "completed",
          role: "assistant",
          content: [
            { type: "output_text", text: "Checking the config.", annotations: [], logprobs: [] },
          ],
        },
        {
          id: "fc_fake_1_3",
          type: "function_call",
          status: "completed",
          call_id: "call_fake_1_1",
          name: "Read",
          arguments: '{"file_path":"/etc/app.json"}',
        },
      ]);
      expect(response.usage).toEqual({
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 70, cache_write_tokens: 0 },
        output_tokens: 12,
        output_tokens_details: { reasoning_tokens: 6 },
        total_tokens: 112,
      });
    });
  });

  it("returns encrypted_content only when the request includes it", async () => {
    await withFakeLlm({ turns: [reasoningToolTurn] }, async (fake) => {
      const response = await client(fake.url)
        .responses.stream({ model: MODEL, input: "go" })
        .finalResponse();
      const reasoning = response.output[0];
      expect(reasoning?.type).toBe("reasoning");
      expect(reasoning).toEqual({
        id: "rs_fake_1_1",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Need the config first." }],
      });
    });
  });

  it("ends a max_tokens reply with response.incomplete", async () => {
    const turn: Turn = { blocks: [{ type: "text", text: "cut" }], stopReason: "max_tokens" };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const events = await collect(
        await client(fake.url).responses.create({ model: MODEL, input: "go", stream: true }),
      );
      const last = events.at(-1);
      expect(last?.type).toBe("response.incomplete");
      expect(last?.type === "response.incomplete" && last.response).toMatchObject({
        status: "incomplete",
        incomplete_details: { reason: "max_output_tokens" },
      });
    });
  });

  it("answers a request without stream: true with the complete response", async () => {
    await withFakeLlm({ turns: [reasoningToolTurn] }, async (fake) => {
      const response = await client(fake.url).responses.create({ model: MODEL, input: "go" });
      expect(response).toMatchObject({
        id: "resp_fake_1",
        object: "response",
        status: "completed",
      });
      expect(response.output_text).toBe("Checking the config.");
      expect(response.output.map((item) => item.type)).toEqual([
        "reasoning",
        "message",
        "function_call",
      ]);
    });
  });

  it("sends an in-stream error event", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "hello" }],
      errorEventAfter: { events: 2, type: "server_error", message: "boom" },
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const events = await collect(
        await client(fake.url).responses.create({ model: MODEL, input: "go", stream: true }),
      );
      expect(events.map((e) => e.type)).toEqual([
        "response.created",
        "response.in_progress",
        "error",
      ]);
      expect(events[2]).toEqual({
        type: "error",
        sequence_number: 2,
        code: "server_error",
        message: "boom",
        param: null,
      });
    });
  });

  it("makes the stream helper reject with the error event itself, which is not an Error", async () => {
    const turn: Turn = {
      blocks: [{ type: "text", text: "hello" }],
      errorEventAfter: { events: 4, type: "server_error", message: "boom" },
    };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const rejection: unknown = await client(fake.url)
        .responses.stream({ model: MODEL, input: "go" })
        .finalResponse()
        .catch((e: unknown) => e);
      expect(rejection).not.toBeInstanceOf(Error);
      expect(rejection).toEqual({
        type: "error",
        sequence_number: 4,
        code: "server_error",
        message: "boom",
        param: null,
      });
    });
  });

  it("cuts the stream after cutAfterEvents events, making the stream helper reject", async () => {
    const turn: Turn = { blocks: [{ type: "text", text: "hello world" }], cutAfterEvents: 4 };
    await withFakeLlm({ turns: [turn] }, async (fake) => {
      const error: unknown = await client(fake.url)
        .responses.stream({ model: MODEL, input: "go" })
        .finalResponse()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(fake.requests).toHaveLength(1);
    });
  });
});

describe("fake-llm responses request checks", () => {
  const call = (callId: string): ResponseInputItem => ({
    type: "function_call",
    call_id: callId,
    name: "Read",
    arguments: "{}",
  });
  const output = (callId: string): ResponseInputItem => ({
    type: "function_call_output",
    call_id: callId,
    output: "ok",
  });

  async function rejection(url: string, input: ResponseInputItem[], extra: object = {}) {
    return client(url)
      .responses.create({ model: MODEL, input, ...extra })
      .catch((e: unknown) => e);
  }

  it("rejects a function_call without output with 400, without consuming a turn", async () => {
    await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, async (fake) => {
      const error = await rejection(fake.url, [{ role: "user", content: "go" }, call("call_1")]);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as Error).message).toContain("No tool output found for function call call_1.");
      expect(fake.remainingTurns()).toBe(1);

      const ok = await client(fake.url).responses.create({
        model: MODEL,
        input: [{ role: "user", content: "go" }, call("call_1"), output("call_1")],
      });
      expect(ok.output_text).toBe("ok");
      expect(fake.violations).toHaveLength(1);
    });
  });

  it("rejects an orphan or duplicated function_call_output", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      await rejection(fake.url, [{ role: "user", content: "go" }, output("call_7")]);
      await rejection(fake.url, [call("call_1"), output("call_1"), output("call_1")]);
      expect(fake.violations[0]).toContain(
        "input[1]: No tool call found for function call output with call_id call_7.",
      );
      expect(fake.violations[1]).toContain("input[2]: Duplicate function call output");
    });
  });

  it("accepts an output for a call made server-side when previous_response_id is set", async () => {
    await withFakeLlm({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, async (fake) => {
      const response = await client(fake.url).responses.create({
        model: MODEL,
        previous_response_id: "resp_fake_1",
        input: [output("call_fake_1_1")],
      });
      expect(response.output_text).toBe("ok");
      expect(fake.violations).toEqual([]);
    });
  });

  it("rejects reasoning items replayed without encrypted_content under store: false", async () => {
    await withFakeLlm({ turns: [] }, async (fake) => {
      const reasoning: ResponseInputItem = { type: "reasoning", id: "rs_1", summary: [] };
      await rejection(fake.url, [reasoning, call("call_1"), output("call_1")], { store: false });
      await rejection(fake.url, [
        { role: "user", content: "go" },
        { ...reasoning, encrypted_content: "e" },
      ]);
      expect(fake.violations[0]).toContain("input[0]: Item with id 'rs_1' not found");
      expect(fake.violations[1]).toContain(
        "'reasoning' was provided without its required following item",
      );
    });
  });
});
