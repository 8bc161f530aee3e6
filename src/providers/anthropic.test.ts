// Anthropic raw stream events -> normalised StreamEvents, without HTTP (see the integration test).

import type { RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { describe, expect, it } from "vitest";
import {
  SITE,
  assemble,
  collect,
  collectUntilError,
  fromArray,
  streamProblems,
} from "./adapter-test-kit.ts";
import { anthropicEvents } from "./anthropic.ts";
import { ProviderError } from "./provider-error.ts";

// Wire events as the API sends them; fields the mapper does not read are left out.
function wire(events: unknown[]): AsyncIterable<RawMessageStreamEvent> {
  return fromArray(events as RawMessageStreamEvent[]);
}

const messageStart = {
  type: "message_start",
  message: {
    id: "msg_1",
    model: "claude-test",
    usage: {
      input_tokens: 12,
      output_tokens: 1,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
    },
  },
};

describe("anthropic stream mapping", () => {
  it("maps thinking, text and tool use, and merges usage from start and delta", async () => {
    const events = await collect(
      anthropicEvents(
        wire([
          messageStart,
          {
            type: "content_block_start",
            index: 0,
            content_block: { type: "thinking", thinking: "", signature: "" },
          },
          {
            type: "content_block_delta",
            index: 0,
            delta: { type: "thinking_delta", thinking: "Let me " },
          },
          {
            type: "content_block_delta",
            index: 0,
            delta: { type: "thinking_delta", thinking: "look." },
          },
          {
            type: "content_block_delta",
            index: 0,
            delta: { type: "signature_delta", signature: "c2ln==" },
          },
          { type: "content_block_stop", index: 0 },
          { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
          {
            type: "content_block_delta",
            index: 1,
            delta: { type: "text_delta", text: "Reading." },
          },
          { type: "content_block_stop", index: 1 },
          {
            type: "content_block_start",
            index: 2,
            content_block: { type: "tool_use", id: "toolu_1", name: "Read", input: {} },
          },
          {
            type: "content_block_delta",
            index: 2,
            delta: { type: "input_json_delta", partial_json: '{"file_' },
          },
          {
            type: "content_block_delta",
            index: 2,
            delta: { type: "input_json_delta", partial_json: 'path":"/a"}' },
          },
          { type: "content_block_stop", index: 2 },
          {
            type: "message_delta",
            delta: { stop_reason: "tool_use", stop_sequence: null },
            usage: {
              output_tokens: 42,
              input_tokens: null,
              cache_creation_input_tokens: null,
              cache_read_input_tokens: null,
            },
          },
          { type: "message_stop" },
        ]),
        SITE,
        new AbortController().signal,
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(events[0]).toEqual({ type: "message_start", messageId: "msg_1", model: "claude-test" });
    expect(events.at(-1)).toEqual({
      type: "message_stop",
      stopReason: "tool_use",
      usage: {
        inputTokens: 12,
        outputTokens: 42,
        cacheCreationInputTokens: 100,
        cacheReadInputTokens: 2000,
      },
    });
    expect(assemble(events)).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Let me look.", signature: "c2ln==" },
        { type: "text", text: "Reading." },
        { type: "tool_use", id: "toolu_1", name: "Read", input: { file_path: "/a" } },
      ],
    });
  });

  it("passes redacted thinking through and skips server-tool blocks with their deltas", async () => {
    const events = await collect(
      anthropicEvents(
        wire([
          messageStart,
          {
            type: "content_block_start",
            index: 0,
            content_block: { type: "redacted_thinking", data: "blob" },
          },
          { type: "content_block_stop", index: 0 },
          {
            type: "content_block_start",
            index: 1,
            content_block: { type: "server_tool_use", id: "srv", name: "web_search", input: {} },
          },
          {
            type: "content_block_delta",
            index: 1,
            delta: { type: "input_json_delta", partial_json: "{}" },
          },
          { type: "content_block_stop", index: 1 },
          { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "ok" } },
          { type: "content_block_stop", index: 2 },
          {
            type: "message_delta",
            delta: { stop_reason: "end_turn" },
            usage: { output_tokens: 3 },
          },
          { type: "message_stop" },
        ]),
        SITE,
        new AbortController().signal,
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(events.filter((e) => e.type === "block_start")).toEqual([
      { type: "block_start", index: 0, block: { type: "redacted_thinking", data: "blob" } },
      { type: "block_start", index: 2, block: { type: "text" } },
    ]);
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "end_turn" });
  });

  it.each([
    ["max_tokens", "max_tokens"],
    ["model_context_window_exceeded", "max_tokens"],
    ["refusal", "refusal"],
    ["pause_turn", "pause_turn"],
    ["stop_sequence", "stop_sequence"],
    [null, "other"],
  ])("maps stop reason %s to %s", async (wireReason, stopReason) => {
    const events = await collect(
      anthropicEvents(
        wire([
          messageStart,
          {
            type: "message_delta",
            delta: { stop_reason: wireReason },
            usage: { output_tokens: 1 },
          },
          { type: "message_stop" },
        ]),
        SITE,
        new AbortController().signal,
      ),
    );
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason });
  });

  it("fails with stream_cut when the stream ends before message_stop", async () => {
    const { events, error } = await collectUntilError(
      anthropicEvents(
        wire([
          messageStart,
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hal" } },
        ]),
        SITE,
        new AbortController().signal,
      ),
    );
    expect(events).toHaveLength(3);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("stream_cut");
    expect((error as ProviderError).message).toContain("test (http://127.0.0.1:1)");
  });

  it("fails with aborted when the stream ended because the signal fired", async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await collectUntilError(
      anthropicEvents(wire([messageStart]), SITE, controller.signal),
    );
    expect((error as ProviderError).kind).toBe("aborted");
  });
});
