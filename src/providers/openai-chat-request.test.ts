// Canonical conversation -> Chat Completions request body: message order around tool calls,
// tool and image translation, and a stable prefix from turn to turn.

import { describe, expect, it } from "vitest";
import { conversation, request } from "./adapter-test-kit.ts";
import { buildChatRequest } from "./openai-chat-request.ts";

describe("openai-chat request", () => {
  it("translates a tool round: system first, calls on the assistant, results as tool messages", () => {
    const body = buildChatRequest(request(conversation(1)));
    expect(body.messages).toEqual([
      { role: "system", content: "You are a careful coding agent." },
      { role: "user", content: "Fix the bug in a.ts" },
      {
        role: "assistant",
        content: "Reading file 1.",
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "Read", arguments: '{"file_path":"/src/1.ts"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "contents of 1" },
    ]);
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  it("describes tools as functions and sends max_tokens only when set", () => {
    const open = buildChatRequest(request(conversation(0)));
    expect(open.tools).toEqual([
      {
        type: "function",
        function: {
          name: "Read",
          description: "Read a file.",
          parameters: {
            type: "object",
            properties: { file_path: { type: "string" } },
            required: ["file_path"],
          },
        },
      },
      {
        type: "function",
        function: {
          name: "Bash",
          description: "Run a command.",
          parameters: {
            type: "object",
            properties: { command: { type: "string" } },
            required: ["command"],
          },
        },
      },
    ]);
    expect(open).not.toHaveProperty("max_tokens");
    expect(open).not.toHaveProperty("max_completion_tokens");
    expect(buildChatRequest(request(conversation(0), { maxTokens: 4096 })).max_tokens).toBe(4096);
    expect(buildChatRequest(request(conversation(0), { tools: [] }))).not.toHaveProperty("tools");
  });

  it("places tool messages right after the calls, in order, and the user's text after them", () => {
    const body = buildChatRequest(
      request([
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_a", name: "Bash", input: { command: "ls" } },
            { type: "tool_use", id: "call_b", name: "Bash", input: { command: "pwd" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "also check b" },
            { type: "tool_result", tool_use_id: "call_a", content: "a.ts" },
            {
              type: "tool_result",
              tool_use_id: "call_b",
              content: [{ type: "text", text: "denied" }],
              is_error: true,
            },
          ],
        },
      ]),
    );
    expect(body.messages.slice(2)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: { name: "Bash", arguments: '{"command":"ls"}' },
          },
          {
            id: "call_b",
            type: "function",
            function: { name: "Bash", arguments: '{"command":"pwd"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "a.ts" },
      { role: "tool", tool_call_id: "call_b", content: "Error: denied" },
      { role: "user", content: "also check b" },
    ]);
  });

  it("drops thinking and leaves out assistant messages with nothing else", () => {
    const body = buildChatRequest(
      request([
        { role: "user", content: [{ type: "text", text: "one" }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "hmm", signature: "sig" }] },
        { role: "user", content: [{ type: "text", text: "two" }] },
        {
          role: "assistant",
          content: [
            {
              type: "thinking",
              thinking: "hmm",
              signature: "",
              providerData: { "openai-chat": { field: "reasoning" } },
            },
            { type: "text", text: "Answer." },
          ],
        },
      ]),
    );
    expect(body.messages).toEqual([
      { role: "system", content: "You are a careful coding agent." },
      { role: "user", content: "one" },
      { role: "user", content: "two" },
      { role: "assistant", content: "Answer." },
    ]);
    expect(JSON.stringify(body)).not.toContain("providerData");
  });

  it("sends images as data URLs, and images from tool results in the following user message", () => {
    const source = { type: "base64" as const, media_type: "image/png", data: "iVBORw0KGgo=" };
    const body = buildChatRequest(
      request([
        { role: "user", content: [{ type: "text", text: "look" }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_s", name: "Read", input: { file_path: "/s.png" } },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "call_s",
              content: [
                { type: "text", text: "screenshot" },
                { type: "image", source },
              ],
            },
          ],
        },
      ]),
    );
    expect(body.messages.slice(3)).toEqual([
      {
        role: "tool",
        tool_call_id: "call_s",
        content: "screenshot\n(image attached in the next message)",
      },
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }],
      },
    ]);
  });

  it("repeats turn N's messages unchanged at the start of turn N+1", () => {
    for (let turn = 0; turn < 4; turn++) {
      const before = JSON.stringify(buildChatRequest(request(conversation(turn))));
      const after = JSON.stringify(buildChatRequest(request(conversation(turn + 1))));
      // Messages come last, so all of turn N but its closing "]}" starts turn N+1.
      expect(before.endsWith("]}")).toBe(true);
      expect(after.startsWith(before.slice(0, -2))).toBe(true);
      expect(after.length).toBeGreaterThan(before.length);
    }
  });
  it("sends reasoning back with tool calls, in the field it came in (DeepSeek's thinking mode)", () => {
    const body = buildChatRequest(
      request([
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            {
              type: "thinking",
              thinking: "let me look",
              signature: "",
              providerData: { "openai-chat": { field: "reasoning_content" } },
            },
            { type: "tool_use", id: "c1", name: "Read", input: { file_path: "a" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "c1", content: "x" }] },
      ]),
    );
    const assistant = body.messages.find((m) => m.role === "assistant") as unknown as Record<
      string,
      unknown
    >;
    expect(assistant.reasoning_content).toBe("let me look");
  });
});
