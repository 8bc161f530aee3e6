// Public face of the MCP client: start a session's servers, the manager's API for front-ends,
// config reading and editing for `cairn mcp`, and the transport builder the OAuth helper uses.
export { startMcp } from "./start.ts";
export type { StartMcpRequest } from "./start.ts";
export { createMcpManager } from "./manager.ts";
export type {
  McpApprovalRequest,
  McpManager,
  McpManagerOptions,
  McpPrompt,
  ServerState,
  ServerStatus,
} from "./manager.ts";
export { cairnMcpFile, claudeJsonPath, loadMcpConfig, projectMcpFile } from "./load-config.ts";
export type { McpConfig, McpConfigRequest } from "./load-config.ts";
export { parseServers } from "./server-config.ts";
export type {
  ConfiguredServer,
  ServerConfig,
  ServerConfigError,
  ServerScope,
} from "./server-config.ts";
export { createTransport } from "./transport.ts";
export type { BuiltTransport, TransportOptions } from "./transport.ts";
export { openConnection } from "./connection.ts";
export type { Connection, ConnectionOptions, Elicit } from "./connection.ts";
export { readApprovalSettings, recordProjectChoice } from "./approval.ts";
export type { ResultBlock } from "./result.ts";
