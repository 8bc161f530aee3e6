// Where MCP config files live. Only node:path here: the CLI checks these files exist before it
// decides to load the MCP module at all, so this must stay light.

import { join, resolve } from "node:path";

export function cairnMcpFile(cairnHome: string): string {
  return join(cairnHome, "mcp.json");
}

export function projectMcpFile(root: string): string {
  return join(root, ".mcp.json");
}

export function claudeJsonPath(
  home: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const dir = env.CLAUDE_CONFIG_DIR?.trim();
  return dir ? join(resolve(dir), ".claude.json") : join(home, ".claude.json");
}
