// Responses stream events -> normalised StreamEvents, and reasoning items surviving a round trip.

import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it } from "vitest";
import type { Message } from "../core/messages.ts";
import {
  OPENAI_SITE,
  assemble,
  collect,
  collectUntilError,
  fromArray,
  request,
  streamProblems,
} from "./adapter-test-kit.ts";
import { buildResponsesRequest } from "./openai-responses-request.ts";
import { responsesEvents } from "./openai-responses.ts";
import { ProviderError } from "./provider-error.ts";

function wire(events: unknown[]): AsyncIterable<ResponseStreamEvent> {
  return fromArray(
    events.map((e, i) => ({ sequence_number: i, ...(e as object) })) as ResponseStreamEvent[],
  );
}

function run(events: unknown[], signal = new AbortController().signal) {
  return responsesEvents(wire(events), OPENAI_SITE, signal);
}

const response = { id: "resp_1", model: "gpt-test", status: "in_progress", output: [] };
const reasoningDone = {
  id: "rs_1",
  type: "reasoning",
  summary: [
    { type: "summary_text", text: "First part." },
    { type: "summary_text", text: "Second part." },
  ],
  encrypted_content: "gAAAAB-opaque==",
};
const callDone = {
  id: "fc_1",
  type: "function_call",
  call_id: "call_1",
  name: "Read",
  arguments: '{"file_path":"/a"}',
  status: "completed",
};

const toolTurn = [
  { type: "response.created", response },
  {
    type: "response.output_item.added",
    output_index: 0,
    item: { id: "rs_1", type: "reasoning", summary: [] },
  },
  {
    type: "response.reasoning_summary_text.delta",
    output_index: 0,
    item_id: "rs_1",
    summary_index: 0,
    delta: "First part.",
  },
  {
    type: "response.reasoning_summary_text.delta",
    output_index: 0,
    item_id: "rs_1",
    summary_index: 1,
    delta: "Second part.",
  },
  { type: "response.output_item.done", output_index: 0, item: reasoningDone },
  {
    type: "response.output_item.added",
    output_index: 1,
    item: { id: "fc_1", type: "function_call", call_id: "call_1", name: "Read", arguments: "" },
  },
  {
    type: "response.function_call_arguments.delta",
    output_index: 1,
    item_id: "fc_1",
    delta: '{"file_',
  },
  {
    type: "response.function_call_arguments.delta",
    output_index: 1,
    item_id: "fc_1",
    delta: 'path":"/a"}',
  },
  { type: "response.output_item.done", output_index: 1, item: callDone },
  {
    type: "response.completed",
    response: {
      ...response,
      status: "completed",
      usage: {
        input_tokens: 5000,
        input_tokens_details: { cached_tokens: 4096 },
        output_tokens: 80,
        output_tokens_details: { reasoning_tokens: 60 },
        total_tokens: 5080,
      },
    },
  },
];

describe("openai responses stream mapping", () => {
  it("maps reasoning and a function call, with cached tokens split out of input", async () => {
    const events = await collect(run(toolTurn));
    expect(streamProblems(events)).toEqual([]);
    expect(events[0]).toEqual({ type: "message_start", messageId: "resp_1", model: "gpt-test" });
    expect(events.at(-1)).toEqual({
      type: "message_stop",
      stopReason: "tool_use",
      usage: {
        inputTokens: 904,
        outputTokens: 80,
        cacheCreationInputTokens: 0,
        cacheReadInputTokens: 4096,
      },
    });
    expect(assemble(events).content).toEqual([
      {
        type: "thinking",
        thinking: "First part.\n\nSecond part.",
        signature: "",
        providerData: { "openai-responses": { item: reasoningDone } },
      },
      {
        type: "tool_use",
        id: "call_1",
        name: "Read",
        input: { file_path: "/a" },
        providerData: { "openai-responses": { itemId: "fc_1" } },
      },
    ]);
  });

  it("round-trips the reasoning item unchanged into the next request", async () => {
    const assistant = assemble(await collect(run(toolTurn)));
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Read a" }] },
      assistant,
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] },
    ];
    const input = buildResponsesRequest(request(messages)).input as unknown[];
    expect(JSON.stringify(input[1])).toBe(JSON.stringify(reasoningDone));
    expect(input[2]).toEqual({
      type: "function_call",
      id: "fc_1",
      call_id: "call_1",
      name: "Read",
      arguments: '{"file_path":"/a"}',
    });
  });

  it("maps a text message and ends the turn", async () => {
    const events = await collect(
      run([
        { type: "response.created", response },
        {
          type: "response.output_item.added",
          output_index: 0,
          item: { id: "msg_1", type: "message", role: "assistant", content: [] },
        },
        {
          type: "response.content_part.added",
          output_index: 0,
          item_id: "msg_1",
          content_index: 0,
        },
        {
          type: "response.output_text.delta",
          output_index: 0,
          item_id: "msg_1",
          content_index: 0,
          delta: "Hi ",
        },
        {
          type: "response.output_text.delta",
          output_index: 0,
          item_id: "msg_1",
          content_index: 0,
          delta: "there",
        },
        {
          type: "response.output_item.done",
          output_index: 0,
          item: {
            id: "msg_1",
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Hi there" }],
          },
        },
        { type: "response.completed", response: { ...response, status: "completed" } },
      ]),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(assemble(events).content).toEqual([
      { type: "text", text: "Hi there", providerData: { "openai-responses": { itemId: "msg_1" } } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "end_turn" });
  });

  it("takes the content from the finished item when a server sends no deltas", async () => {
    const events = await collect(
      run([
        { type: "response.created", response },
        { type: "response.output_item.done", output_index: 0, item: reasoningDone },
        { type: "response.output_item.done", output_index: 1, item: callDone },
        { type: "response.completed", response: { ...response, status: "completed" } },
      ]),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(assemble(events).content).toMatchObject([
      { type: "thinking", thinking: "First part.\n\nSecond part." },
      { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "/a" } },
    ]);
  });

  it("reports max_tokens for a response cut by max_output_tokens", async () => {
    const events = await collect(
      run([
        { type: "response.created", response },
        {
          type: "response.incomplete",
          response: {
            ...response,
            status: "incomplete",
            incomplete_details: { reason: "max_output_tokens" },
          },
        },
      ]),
    );
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "max_tokens" });
  });

  it.each([
    ["server_error", "server"],
    ["rate_limit_exceeded", "rate_limit"],
    ["invalid_prompt", "bad_request"],
  ])("turns response.failed with %s into a %s ProviderError", async (code, kind) => {
    const { error } = await collectUntilError(
      run([
        { type: "response.created", response },
        {
          type: "response.failed",
          response: { ...response, status: "failed", error: { code, message: "it broke" } },
        },
      ]),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe(kind);
    expect((error as ProviderError).message).toBe(`test (http://127.0.0.1:1): ${code}: it broke`);
  });

  it("turns an error event into a ProviderError", async () => {
    const { error } = await collectUntilError(
      run([
        { type: "error", code: "server_is_overloaded", message: "Try again later", param: null },
      ]),
    );
    expect((error as ProviderError).kind).toBe("overloaded");
  });

  it("fails with stream_cut when the stream ends before response.completed", async () => {
    const { error } = await collectUntilError(run(toolTurn.slice(0, 4)));
    expect((error as ProviderError).kind).toBe("stream_cut");
  });
});
