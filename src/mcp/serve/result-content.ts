// Turns the result of one of cairn's tool calls into an MCP `tools/call` result: text blocks
// stay text, images become MCP image content. Nothing is dropped; nothing else is added.

import type { ToolResultBlock } from "../../core/messages.ts";

export type McpContent =
  { type: "text"; text: string } | { type: "image"; data: string; mimeType: string };

export interface McpToolResult {
  content: McpContent[];
  isError?: boolean;
  [key: string]: unknown;
}

export function toMcpResult(result: ToolResultBlock): McpToolResult {
  const content: McpContent[] =
    typeof result.content === "string"
      ? [{ type: "text", text: result.content }]
      : result.content.map((block) =>
          block.type === "text"
            ? { type: "text", text: block.text }
            : { type: "image", data: block.source.data, mimeType: block.source.media_type },
        );
  // An empty result is still an answer; some clients reject a result without content.
  if (content.length === 0) content.push({ type: "text", text: "" });
  return { content, ...(result.is_error === true ? { isError: true } : {}) };
}
