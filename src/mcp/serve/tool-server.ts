// An MCP server (the official SDK's low-level `Server`) offering a list of cairn tools. It only
// translates: each call goes to the `call` function it is given, which is the agent's own
// tool-call path (validation, permissions, running, capping), so nothing is judged here.

import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
import type { ToolResultBlock, ToolUseBlock } from "../../core/messages.ts";
import { toolSpec, type Tool } from "../../tools/index.ts";
import { createCallGate } from "./call-gate.ts";
import { toMcpResult } from "./result-content.ts";

export interface ToolServerOptions {
  name: string;
  version: string;
  tools: readonly Tool[];
  /** Runs one call the way the agent runs it and returns its result (an error result if refused). */
  call: (call: ToolUseBlock, signal: AbortSignal) => Promise<ToolResultBlock>;
}

export interface ToolServer {
  server: Server;
  /** Resolves once no call is running (at once if none is). */
  settled(): Promise<void>;
}

export function createToolServer(options: ToolServerOptions): ToolServer {
  const server = new Server(
    { name: options.name, version: options.version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        "cairn's built-in coding tools, run in the server's working folder with its permission rules. " +
        "A call the rules would ask about is refused: no one is there to approve it.",
    },
  );
  const byName = new Map(options.tools.map((tool) => [tool.name, tool]));
  // Computed once: the list is the same for every client and every request.
  const listed: McpTool[] = options.tools.map((tool) => {
    const spec = toolSpec(tool);
    return {
      name: spec.name,
      description: spec.description,
      inputSchema: { ...spec.inputSchema, type: "object" },
      annotations: { readOnlyHint: tool.readOnly, openWorldHint: tool.name === "WebFetch" },
    };
  });
  const gate = createCallGate();
  let next = 0;
  const running = new Set<Promise<unknown>>();

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listed }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: input } = request.params;
    const call: ToolUseBlock = {
      type: "tool_use",
      id: `mcp_${String(extra.requestId)}_${++next}`,
      name,
      input: input ?? {},
    };
    // An unknown tool still goes through `call`, which answers it with the list of known ones.
    const readOnly = byName.get(name)?.readOnly ?? true;
    const pending = gate.run(readOnly, () => options.call(call, extra.signal));
    running.add(pending);
    try {
      return toMcpResult(await pending);
    } finally {
      running.delete(pending);
    }
  });
  return {
    server,
    async settled() {
      // Requests read in the same chunk as the end of input reach their handlers a tick later.
      await new Promise((resolve) => setImmediate(resolve));
      while (running.size > 0) {
        await Promise.allSettled([...running]);
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
