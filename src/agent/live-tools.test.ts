// The agent reads a tool list that can change during a session (MCP servers connecting): specs
// are rebuilt when the list changes, and the same array keeps the request's tools identical.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { userText } from "../core/messages.ts";
import { lookupModel } from "../providers/catalog.ts";
import { createToolSession, defineTool, testTools, type Tool } from "../tools/index.ts";
import { scriptedProvider, textTurn, toolTurn } from "../../test/support/scripted-provider.ts";
import { createAgent, type Conversation } from "./loop.ts";

const late = defineTool({
  name: "mcp__late__ping",
  description: "Answers pong",
  input: z.object({}),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: () => Promise.resolve({ content: "pong" }),
});

describe("agent › a tool list that changes during the session", () => {
  it("agent › offers tools that appear mid-run from the next request on, and keeps the list otherwise", async () => {
    const provider = scriptedProvider([
      toolTurn([{ id: "t1", name: "Connect", input: {} }]),
      toolTurn([{ id: "t2", name: "mcp__late__ping", input: {} }]),
      textTurn("done"),
      textTurn("again"),
    ]);
    // The server "connects" while the first tool call runs.
    const connect: Tool = defineTool({
      name: "Connect",
      description: "Connects a server",
      input: z.object({}),
      readOnly: true,
      describeAccess: () => ({ kind: "none" }),
      run: () => {
        list = [...testTools, connect, late];
        return Promise.resolve({ content: "connected" });
      },
    });
    let list: readonly Tool[] = [...testTools, connect];
    const cwd = await mkdtemp(join(tmpdir(), "cairn-live-tools-"));
    const agent = createAgent({
      provider,
      model: lookupModel("claude-sonnet-4-5"),
      system: "system",
      tools: () => list,
      policy: { mode: "default", allow: [], ask: [], deny: [] },
      toolSession: createToolSession({ root: cwd, additionalDirs: [] }),
    });
    const conversation: Conversation = { messages: [] };
    const emit = () => undefined;
    const signal = new AbortController().signal;
    const first = await agent.run(conversation, userText("go"), { signal, emit });
    expect(first.outcome).toBe("success");
    await agent.run(conversation, userText("more"), { signal, emit });
    const names = provider.requests.map((r) => r.tools.map((t) => t.name));
    expect(names[0]).not.toContain("mcp__late__ping");
    expect(names[1]).toContain("mcp__late__ping");
    // The ping ran: its result reached the model.
    expect(JSON.stringify(provider.requests[2]?.messages)).toContain("pong");
    // Unchanged list: the very same spec objects go out, so the prefix stays byte-identical.
    expect(provider.requests[3]?.tools).toEqual(provider.requests[2]?.tools);
    const specs = agent.toolSpecs;
    expect(agent.toolSpecs).toBe(specs);
    expect(specs.map((t) => t.name)).toContain("mcp__late__ping");
    // A new array with the same tools is not a change either.
    list = [...list];
    expect(agent.toolSpecs).toBe(specs);
  });
});
