// An MCP server's tool as a cairn Tool: the server's JSON schema goes to the model as is, the
// zod input only checks for an object (the server validates the rest), and a call goes through
// the permission engine as `{kind: "mcp"}` access, which asks unless a rule allows it.

import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod/mini";
import { errorMessage } from "../core/errors.ts";
import { defineTool, type Tool, type ToolOutput } from "../tools/index.ts";
import type { Connection } from "./connection.ts";
import { convertToolResult } from "./result.ts";

const looseInput = z.record(z.string(), z.unknown());

export interface McpToolOptions {
  /** The name the model sees (unique in the session). */
  name: string;
  maxOutputTokens: number;
}

export function mcpTool(connection: Connection, tool: McpTool, options: McpToolOptions): Tool {
  const server = connection.server.name;
  const title = tool.annotations?.title ?? tool.title;
  return defineTool({
    name: options.name,
    description: describe(server, tool, title),
    input: looseInput,
    inputJsonSchema: schemaOf(tool),
    readOnly: tool.annotations?.readOnlyHint === true,
    describeAccess: () => ({ kind: "mcp", server, tool: tool.name }),
    async run(input, ctx): Promise<ToolOutput> {
      try {
        const result = await connection.callTool(tool.name, input, ctx.signal);
        return {
          content: convertToolResult(result, options.maxOutputTokens),
          ...(result.isError === true ? { isError: true } : {}),
          display: { server, tool: tool.name },
        };
      } catch (error) {
        return {
          content: `MCP tool "${tool.name}" of server "${server}" failed: ${errorMessage(error)}`,
          isError: true,
        };
      }
    },
  });
}

function describe(server: string, tool: McpTool, title: string | undefined): string {
  const text = tool.description?.trim() || title || tool.name;
  return `${text}\n\n(MCP tool "${tool.name}" from server "${server}")`;
}

/** The server's schema; one that is not an object schema is wrapped so every provider accepts it. */
function schemaOf(tool: McpTool): Record<string, unknown> {
  const schema = tool.inputSchema as Record<string, unknown> | undefined;
  if (schema && schema.type === "object") {
    const { $schema: _ignored, ...rest } = schema;
    return rest;
  }
  return { type: "object", properties: {} };
}
