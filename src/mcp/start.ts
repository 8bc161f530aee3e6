// Starts a session's MCP servers from its settings and flags: reads every config source, reads
// the approval settings, and hands both to the manager. The one entry point the CLI calls.

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { readApprovalSettings } from "./approval.ts";
import { claudeJsonPath, loadMcpConfig } from "./load-config.ts";
import { createMcpManager, type McpManager, type McpManagerOptions } from "./manager.ts";
import type { ConfiguredServer } from "./server-config.ts";
import type { TokenStore } from "./oauth/index.ts";

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
  return createMcpManager({
    authProvider: sessionAuthProviders(request.cairnHome),
    ...request,
    config,
    approvals: approvals.value,
  });
}

/**
 * OAuth providers for a session's remote servers: stored logins are used and refreshed, but no
 * browser is ever opened (no `login` options), so a server wanting a login ends `needs-auth`.
 * The OAuth module loads with the first remote server; one store serialises the process's writes.
 */
function sessionAuthProviders(
  cairnHome: string,
): (server: ConfiguredServer) => Promise<OAuthClientProvider | undefined> {
  let shared: Promise<{ oauth: typeof import("./oauth/index.ts"); store: TokenStore }> | undefined;
  return async (server) => {
    if (server.config.type === "stdio") return undefined;
    shared ??= import("./oauth/index.ts").then((oauth) => ({
      oauth,
      store: oauth.createTokenStore(oauth.oauthStoreFile(cairnHome)),
    }));
    const { oauth, store } = await shared;
    return oauth.createOAuthProvider(server.name, server.config.url, {
      cairnHome,
      store,
      ...(server.config.oauth ? { config: server.config.oauth } : {}),
    });
  };
}
