// Chat Completions chunks -> normalised StreamEvents, including the variations of local servers.

import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import {
  OPENAI_SITE,
  assemble,
  collect,
  collectUntilError,
  fromArray,
  streamProblems,
} from "./adapter-test-kit.ts";
import { chatEvents } from "./openai-chat.ts";
import { ProviderError } from "./provider-error.ts";

/** Chunks as servers send them: `delta` per chunk, finish_reason on one, usage on the last. */
function chunks(
  deltas: Array<Record<string, unknown>>,
  finish: string | null,
  usage?: unknown,
): AsyncIterable<ChatCompletionChunk> {
  const base = {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "local-model",
  };
  const out: unknown[] = deltas.map((delta) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: null }],
  }));
  if (finish !== null)
    out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
  if (usage) out.push({ ...base, choices: [], usage });
  return fromArray(out as ChatCompletionChunk[]);
}

function run(source: AsyncIterable<ChatCompletionChunk>) {
  return chatEvents(source, "requested-model", OPENAI_SITE, new AbortController().signal);
}

describe("openai-chat stream mapping", () => {
  it("maps content to a text block and usage with cached tokens", async () => {
    const events = await collect(
      run(
        chunks(
          [{ role: "assistant", content: "" }, { content: "Hel" }, { content: "lo" }],
          "stop",
          {
            prompt_tokens: 1000,
            completion_tokens: 7,
            total_tokens: 1007,
            prompt_tokens_details: { cached_tokens: 800 },
          },
        ),
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(events).toEqual([
      { type: "message_start", messageId: "chatcmpl-1", model: "local-model" },
      { type: "block_start", index: 0, block: { type: "text" } },
      { type: "text_delta", index: 0, text: "Hel" },
      { type: "text_delta", index: 0, text: "lo" },
      { type: "block_stop", index: 0 },
      {
        type: "message_stop",
        stopReason: "end_turn",
        usage: {
          inputTokens: 200,
          outputTokens: 7,
          cacheCreationInputTokens: 0,
          cacheReadInputTokens: 800,
        },
      },
    ]);
  });

  it("turns reasoning_content and reasoning deltas into an unsigned thinking block marked as openai-chat", async () => {
    for (const field of ["reasoning_content", "reasoning"]) {
      const events = await collect(
        run(chunks([{ [field]: "think" }, { [field]: "ing" }, { content: "Done." }], "stop")),
      );
      expect(streamProblems(events)).toEqual([]);
      expect(assemble(events).content).toEqual([
        {
          type: "thinking",
          thinking: "thinking",
          signature: "",
          providerData: { "openai-chat": { field } },
        },
        { type: "text", text: "Done." },
      ]);
    }
  });

  it("assembles tool calls from pieces by index, with unique block indexes", async () => {
    const events = await collect(
      run(
        chunks(
          [
            { content: "Let me look." },
            {
              tool_calls: [
                {
                  index: 0,
                  id: "call_a",
                  type: "function",
                  function: { name: "Read", arguments: "" },
                },
              ],
            },
            { tool_calls: [{ index: 0, function: { arguments: '{"file_pa' } }] },
            { tool_calls: [{ index: 0, function: { arguments: 'th":"/a"}' } }] },
            {
              tool_calls: [
                {
                  index: 1,
                  id: "call_b",
                  type: "function",
                  function: { name: "Bash", arguments: '{"command":' },
                },
              ],
            },
            { tool_calls: [{ index: 1, function: { arguments: '"ls"}' } }] },
          ],
          "tool_calls",
        ),
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "tool_use" });
    expect(assemble(events).content).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "call_a", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: "call_b", name: "Bash", input: { command: "ls" } },
    ]);
  });

  it("makes up an id when a server omits it, and reports tool_use even with finish_reason stop", async () => {
    const events = await collect(
      run(
        chunks(
          [
            {
              tool_calls: [{ index: 0, function: { name: "Bash", arguments: '{"command":"ls"}' } }],
            },
          ],
          "stop",
        ),
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    const [call] = assemble(events).content;
    expect(call).toMatchObject({ type: "tool_use", name: "Bash", input: { command: "ls" } });
    expect((call as { id: string }).id).toMatch(/^toolu_[0-9a-f]{24}$/);
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason: "tool_use" });
  });

  it("holds back arguments that arrive before the tool name", async () => {
    const events = await collect(
      run(
        chunks(
          [
            { tool_calls: [{ index: 0, id: "call_x", function: { arguments: '{"command"' } }] },
            { tool_calls: [{ index: 0, function: { name: "Bash", arguments: ':"ls"}' } }] },
          ],
          "tool_calls",
        ),
      ),
    );
    expect(streamProblems(events)).toEqual([]);
    expect(assemble(events).content).toEqual([
      { type: "tool_use", id: "call_x", name: "Bash", input: { command: "ls" } },
    ]);
  });

  it.each([
    ["length", "max_tokens"],
    ["content_filter", "refusal"],
    ["something_new", "other"],
  ])("maps finish_reason %s to %s", async (finish, stopReason) => {
    const events = await collect(run(chunks([{ content: "x" }], finish)));
    expect(events.at(-1)).toMatchObject({ type: "message_stop", stopReason });
  });

  it("subtracts cache writes from input tokens where a server reports them", async () => {
    const events = await collect(
      run(
        chunks([{ content: "x" }], "stop", {
          prompt_tokens: 1000,
          completion_tokens: 1,
          prompt_tokens_details: { cached_tokens: 300, cache_write_tokens: 600 },
        }),
      ),
    );
    expect(events.at(-1)).toMatchObject({
      usage: {
        inputTokens: 100,
        outputTokens: 1,
        cacheCreationInputTokens: 600,
        cacheReadInputTokens: 300,
      },
    });
  });

  it("fails with stream_cut when the stream ends without a finish_reason", async () => {
    const { error } = await collectUntilError(run(chunks([{ content: "partial" }], null)));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe("stream_cut");
  });
});
