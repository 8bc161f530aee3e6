// Starts a session's MCP servers from its settings and flags: reads every config source, reads
// the approval settings, and hands both to the manager. The one entry point the CLI calls.

import { readApprovalSettings } from "./approval.ts";
import { claudeJsonPath, loadMcpConfig } from "./load-config.ts";
import { createMcpManager, type McpManager, type McpManagerOptions } from "./manager.ts";

export interface StartMcpRequest extends Omit<McpManagerOptions, "config" | "approvals"> {
  home: string;
  cliConfigs: readonly string[];
  strict: boolean;
  /** The effective settings, for the project-server approval keys. */
  settings: unknown;
}

export async function startMcp(request: StartMcpRequest): Promise<McpManager> {
  const config = await loadMcpConfig({
    root: request.root,
    cairnHome: request.cairnHome,
    claudeJson: claudeJsonPath(request.home, request.env),
    env: request.env,
    cliConfigs: request.cliConfigs,
    strict: request.strict,
    cwd: request.root,
  });
  const approvals = readApprovalSettings(request.settings);
  if (approvals.warning !== undefined) config.warnings.push(approvals.warning);
  return createMcpManager({ ...request, config, approvals: approvals.value });
}
