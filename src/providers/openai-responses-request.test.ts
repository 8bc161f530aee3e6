// Canonical conversation -> Responses request body: stateless settings, item order, and
// reasoning items replayed exactly as the API returned them.

import { describe, expect, it } from "vitest";
import type { Message } from "../core/messages.ts";
import { conversation, request } from "./adapter-test-kit.ts";
import { buildResponsesRequest, effortFor } from "./openai-responses-request.ts";

const reasoningItem = {
  id: "rs_123",
  type: "reasoning",
  summary: [{ type: "summary_text", text: "Need to read a.ts" }],
  encrypted_content: "gAAAAB-opaque==",
  status: "completed",
};

describe("openai responses request", () => {
  it("sends stateless settings, the system prompt as instructions and strict-free tools", () => {
    const body = buildResponsesRequest(request(conversation(0)));
    expect(body).toMatchObject({
      model: "test-model",
      instructions: "You are a careful coding agent.",
      store: false,
      stream: true,
    });
    expect(body.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "Fix the bug in a.ts" }] },
    ]);
    expect(body.tools?.[0]).toEqual({
      type: "function",
      name: "Read",
      description: "Read a file.",
      parameters: {
        type: "object",
        properties: { file_path: { type: "string" } },
        required: ["file_path"],
      },
      strict: false,
    });
    expect(body).not.toHaveProperty("reasoning");
    expect(body).not.toHaveProperty("max_output_tokens");
    // Non-reasoning models reject the include with a 400.
    expect(body).not.toHaveProperty("include");
  });

  it("keeps a known reasoning model's reasoning between turns without asking for more", () => {
    const body = buildResponsesRequest(request(conversation(0), { thinkingStyle: "budget" }));
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body).not.toHaveProperty("reasoning");
  });

  it("asks for reasoning summaries and maps the thinking budget to an effort", () => {
    const body = buildResponsesRequest(
      request(conversation(0), { thinkingBudget: 10_000, maxTokens: 20_000 }),
    );
    expect(body.reasoning).toEqual({ effort: "medium", summary: "auto" });
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body.max_output_tokens).toBe(20_000);
    expect([effortFor(1024), effortFor(4096), effortFor(16_384), effortFor(32_000)]).toEqual([
      "low",
      "low",
      "medium",
      "high",
    ]);
  });

  it("replays a reasoning item unchanged, before the function call it led to", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Fix it" }] },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            thinking: "Need to read a.ts",
            signature: "",
            providerData: { "openai-responses": { item: reasoningItem } },
          },
          {
            type: "tool_use",
            id: "call_1",
            name: "Read",
            input: { file_path: "/a.ts" },
            providerData: { "openai-responses": { itemId: "fc_1" } },
          },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "call_1", content: "export {}" }],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Fixed" },
          { type: "text", text: " it." },
        ],
      },
    ];
    const body = buildResponsesRequest(request(messages));
    expect(body.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "Fix it" }] },
      reasoningItem,
      {
        type: "function_call",
        id: "fc_1",
        call_id: "call_1",
        name: "Read",
        arguments: '{"file_path":"/a.ts"}',
      },
      { type: "function_call_output", call_id: "call_1", output: "export {}" },
      {
        type: "message",
        role: "assistant",
        content: [
          { type: "output_text", text: "Fixed" },
          { type: "output_text", text: " it." },
        ],
      },
    ]);
    expect(JSON.stringify(body)).not.toContain("providerData");
  });

  it("drops a reasoning item without encrypted content, which the API could not look up", () => {
    const plain = { id: "rs_9", type: "reasoning", summary: [] };
    const body = buildResponsesRequest(
      request([
        { role: "user", content: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          content: [
            {
              type: "thinking",
              thinking: "x",
              signature: "",
              providerData: { "openai-responses": { item: plain } },
            },
            { type: "text", text: "Hello." },
          ],
        },
      ]),
    );
    expect(body.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "hi" }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello." }] },
    ]);
  });

  it("drops thinking it cannot replay: Anthropic's, other servers', redacted", () => {
    const body = buildResponsesRequest(request(conversation(1)));
    expect(body.input).toEqual([
      { role: "user", content: [{ type: "input_text", text: "Fix the bug in a.ts" }] },
      {
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Reading file 1." }],
      },
      {
        type: "function_call",
        call_id: "toolu_1",
        name: "Read",
        arguments: '{"file_path":"/src/1.ts"}',
      },
      { type: "function_call_output", call_id: "toolu_1", output: "contents of 1" },
    ]);
  });

  it("sends tool outputs before the user's text, errors marked, images as input_image", () => {
    const source = { type: "base64" as const, media_type: "image/png", data: "iVBORw0KGgo=" };
    const body = buildResponsesRequest(
      request([
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_a", name: "Bash", input: { command: "ls" } },
            { type: "tool_use", id: "call_b", name: "Read", input: { file_path: "/s.png" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "and then?" },
            { type: "tool_result", tool_use_id: "call_a", content: "denied", is_error: true },
            { type: "tool_result", tool_use_id: "call_b", content: [{ type: "image", source }] },
          ],
        },
      ]),
    );
    expect(body.input?.slice(3)).toEqual([
      { type: "function_call_output", call_id: "call_a", output: "Error: denied" },
      {
        type: "function_call_output",
        call_id: "call_b",
        output: [
          { type: "input_image", detail: "auto", image_url: "data:image/png;base64,iVBORw0KGgo=" },
        ],
      },
      { role: "user", content: [{ type: "input_text", text: "and then?" }] },
    ]);
  });

  it("repeats turn N's input unchanged at the start of turn N+1", () => {
    for (let turn = 0; turn < 4; turn++) {
      const before = buildResponsesRequest(request(conversation(turn)));
      const after = buildResponsesRequest(request(conversation(turn + 1)));
      const a = JSON.stringify(before);
      const b = JSON.stringify(after);
      // The input comes last, so all of turn N but its closing "]}" starts turn N+1.
      expect(a.endsWith("]}")).toBe(true);
      expect(b.startsWith(a.slice(0, -2))).toBe(true);
      expect(b.length).toBeGreaterThan(a.length);
    }
  });
  it("replays an output message with its id, right after the reasoning item that led to it", () => {
    const reasoning = { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc" };
    const body = buildResponsesRequest(
      request([
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            {
              type: "thinking",
              thinking: "",
              signature: "",
              providerData: { "openai-responses": { item: reasoning } },
            },
            { type: "text", text: "a", providerData: { "openai-responses": { itemId: "msg_1" } } },
          ],
        },
        { role: "user", content: [{ type: "text", text: "next" }] },
      ]),
    );
    const input = body.input as unknown[];
    expect(input.slice(1, 3)).toEqual([
      reasoning,
      {
        type: "message",
        role: "assistant",
        id: "msg_1",
        content: [{ type: "output_text", text: "a" }],
      },
    ]);
  });
});
