// Public face of `cairn mcp serve`'s server side: cairn's tools offered as an MCP server. The
// command (src/cli/mcp-serve-command.ts) builds the tools, the policy and the call path.
export { createToolServer } from "./tool-server.ts";
export type { ToolServer, ToolServerOptions } from "./tool-server.ts";
export { serveOverStdio } from "./stdio.ts";
export type { StdioStreams } from "./stdio.ts";
export { toMcpResult } from "./result-content.ts";
export type { McpContent, McpToolResult } from "./result-content.ts";
export { createCallGate } from "./call-gate.ts";
export type { CallGate } from "./call-gate.ts";
