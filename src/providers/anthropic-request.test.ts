// Canonical conversation -> Anthropic Messages request body: cache breakpoints, a stable prefix
// from turn to turn, thinking passed back verbatim, other providers' data left out.

import { describe, expect, it } from "vitest";
import type { Message } from "../core/messages.ts";
import { conversation, request } from "./adapter-test-kit.ts";
import { buildAnthropicRequest } from "./anthropic-request.ts";

/** JSON paths of every cache_control in a body. */
function breakpoints(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => breakpoints(v, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "cache_control" ? [path] : breakpoints(v, path ? `${path}.${key}` : key),
  );
}

function withoutCacheControl(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => (key === "cache_control" ? undefined : v)),
  );
}

describe("anthropic request", () => {
  it("sends the system prompt as a cached text block and caches the last tool only", () => {
    const body = buildAnthropicRequest(request(conversation(0)));
    expect(body.system).toEqual([
      {
        type: "text",
        text: "You are a careful coding agent.",
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(body.tools).toEqual([
      {
        name: "Read",
        description: "Read a file.",
        input_schema: {
          type: "object",
          properties: { file_path: { type: "string" } },
          required: ["file_path"],
        },
      },
      {
        name: "Bash",
        description: "Run a command.",
        input_schema: {
          type: "object",
          properties: { command: { type: "string" } },
          required: ["command"],
        },
        cache_control: { type: "ephemeral" },
      },
    ]);
    expect(body.max_tokens).toBe(8192);
    expect(body.stream).toBe(true);
  });

  it("marks the last block of the last two user messages, four breakpoints at most", () => {
    const messages: Message[] = [
      ...conversation(3),
      { role: "assistant", content: [{ type: "text", text: "Done." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "Thanks." },
          { type: "text", text: "Now run the tests." },
        ],
      },
    ];
    const body = buildAnthropicRequest(request(messages));
    const last = body.messages.length - 1;
    expect(breakpoints(body)).toEqual([
      "system[0]",
      "tools[1]",
      `messages[${last - 2}].content[0]`,
      `messages[${last}].content[1]`,
    ]);
  });

  it("repeats turn N's request byte for byte at the start of turn N+1", () => {
    for (let turn = 0; turn < 4; turn++) {
      const before = buildAnthropicRequest(request(conversation(turn)));
      const after = buildAnthropicRequest(request(conversation(turn + 1)));
      // Breakpoints move forward by design; everything else must be an exact prefix.
      const a = JSON.stringify(withoutCacheControl(before));
      const b = JSON.stringify(withoutCacheControl(after));
      const end = a.lastIndexOf('],"stream":true}');
      expect(end).toBeGreaterThan(0);
      expect(b.startsWith(a.slice(0, end))).toBe(true);
      expect(JSON.stringify(after.system)).toBe(JSON.stringify(before.system));
      expect(JSON.stringify(after.tools)).toBe(JSON.stringify(before.tools));
      // The breakpoint that wrote the cache last turn is still there to read it.
      const lastBefore = before.messages.length - 1;
      expect(breakpoints(after)).toContain(`messages[${lastBefore}].content[0]`);
    }
  });

  it("builds the same bytes from the same conversation", () => {
    const messages = conversation(3);
    expect(JSON.stringify(buildAnthropicRequest(request(messages)))).toBe(
      JSON.stringify(buildAnthropicRequest(request(structuredClone(messages)))),
    );
  });

  it("passes thinking and redacted thinking back verbatim, signature included", () => {
    const signature = "EqQBCkYIBxgCKkD+/=weird==";
    const body = buildAnthropicRequest(
      request([
        { role: "user", content: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "  keep  whitespace\n", signature },
            { type: "redacted_thinking", data: "opaque-blob" },
            { type: "text", text: "Hello." },
          ],
        },
        { role: "user", content: [{ type: "text", text: "again" }] },
      ]),
    );
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "  keep  whitespace\n", signature },
        { type: "redacted_thinking", data: "opaque-blob" },
        { type: "text", text: "Hello." },
      ],
    });
  });

  it("drops thinking from other providers and never sends providerData", () => {
    const body = buildAnthropicRequest(
      request([
        { role: "user", content: [{ type: "text", text: "hi" }] },
        {
          role: "assistant",
          content: [
            {
              type: "thinking",
              thinking: "local reasoning",
              signature: "",
              providerData: { "openai-chat": { field: "reasoning" } },
            },
            {
              type: "thinking",
              thinking: "summary",
              signature: "",
              providerData: {
                "openai-responses": { item: { type: "reasoning", id: "rs_1", summary: [] } },
              },
            },
            {
              type: "thinking",
              thinking: "signed elsewhere",
              signature: "x",
              providerData: { other: {} },
            },
            {
              type: "text",
              text: "Answer.",
              providerData: { "openai-responses": { itemId: "msg_1" } },
            },
            {
              type: "tool_use",
              id: "call_1",
              name: "Read",
              input: { file_path: "/a" },
              providerData: { "openai-responses": { itemId: "fc_1" } },
            },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "ok" }] },
      ]),
    );
    expect(body.messages[1]?.content).toEqual([
      { type: "text", text: "Answer." },
      { type: "tool_use", id: "call_1", name: "Read", input: { file_path: "/a" } },
    ]);
    expect(JSON.stringify(body)).not.toContain("providerData");
  });

  it("merges into the previous turn an assistant message left empty by dropped thinking", () => {
    const body = buildAnthropicRequest(
      request([
        { role: "user", content: [{ type: "text", text: "one" }] },
        { role: "assistant", content: [{ type: "thinking", thinking: "…", signature: "" }] },
        { role: "user", content: [{ type: "text", text: "two" }] },
      ]),
    );
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two", cache_control: { type: "ephemeral" } },
        ],
      },
    ]);
  });

  it("keeps tool ids from other servers valid, the same on the call and its result", () => {
    const body = buildAnthropicRequest(
      request([
        { role: "user", content: [{ type: "text", text: "go" }] },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "fc:1.2", name: "Bash", input: { command: "ls" } }],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "fc:1.2",
              content: [{ type: "text", text: "boom" }],
              is_error: true,
            },
          ],
        },
      ]),
    );
    expect(body.messages[1]?.content).toEqual([
      { type: "tool_use", id: "fc_1_2", name: "Bash", input: { command: "ls" } },
    ]);
    expect(body.messages[2]?.content).toEqual([
      {
        type: "tool_result",
        tool_use_id: "fc_1_2",
        content: [{ type: "text", text: "boom" }],
        is_error: true,
        cache_control: { type: "ephemeral" },
      },
    ]);
  });

  it("enables thinking with max_tokens above the budget", () => {
    const open = buildAnthropicRequest(request(conversation(0), { thinkingBudget: 10_000 }));
    expect(open.thinking).toEqual({ type: "enabled", budget_tokens: 10_000 });
    expect(open.max_tokens).toBeGreaterThan(10_000);

    const capped = buildAnthropicRequest(
      request(conversation(0), { thinkingBudget: 40_000, maxTokens: 32_000 }),
    );
    expect(capped.max_tokens).toBe(32_000);
    expect(capped.thinking).toEqual({ type: "enabled", budget_tokens: 31_999 });

    const tiny = buildAnthropicRequest(
      request(conversation(0), { thinkingBudget: 4000, maxTokens: 1000 }),
    );
    expect(tiny.max_tokens).toBe(1000);
    expect(tiny.thinking).toBeUndefined();

    const off = buildAnthropicRequest(request(conversation(0), { maxTokens: 2048 }));
    expect(off.thinking).toBeUndefined();
    expect(off.max_tokens).toBe(2048);
  });

  it("asks adaptive models to think without a budget, which they reject", () => {
    const body = buildAnthropicRequest(
      request(conversation(0), {
        thinkingBudget: 10_000,
        thinkingStyle: "adaptive",
        maxTokens: 8000,
      }),
    );
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.max_tokens).toBe(8000);
  });

  it("sends images as base64 sources, in user messages and tool results", () => {
    const source = { type: "base64" as const, media_type: "image/png", data: "iVBORw0KGgo=" };
    const body = buildAnthropicRequest(
      request([
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", source },
          ],
        },
      ]),
    );
    expect(body.messages[0]?.content).toEqual([
      { type: "text", text: "What is this?" },
      { type: "image", source, cache_control: { type: "ephemeral" } },
    ]);
  });

  it("leaves out an empty system prompt and an empty tool list", () => {
    const body = buildAnthropicRequest(request(conversation(0), { system: "", tools: [] }));
    expect(body).not.toHaveProperty("system");
    expect(body).not.toHaveProperty("tools");
  });
});
