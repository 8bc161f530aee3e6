// Starts a session's MCP servers when any are configured, and nothing otherwise: the MCP module
// (and its SDK) loads only when a config file exists or `--mcp-config` is given. Also the
// tool list the agent reads before each request: the built-ins plus what servers offer now.

import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { cairnHome, type LoadedSettings } from "../config/index.ts";
import type { McpManager } from "../mcp/index.ts";
import { cairnMcpFile, claudeJsonPath, projectMcpFile } from "../mcp/paths.ts";
import type { PermissionPolicy } from "../permissions/index.ts";
import type { Env } from "../providers/index.ts";
import type { Tool } from "../tools/index.ts";
import type { CliArgs } from "./args.ts";

declare const CAIRN_VERSION: string;

export interface McpSetup {
  args: CliArgs;
  env: Env;
  settings: LoadedSettings;
  cwd: string;
  /** The workspace folders (start folder and added ones), offered to servers as roots. */
  roots: readonly string[];
  contextWindow: number;
}

export async function loadMcp(setup: McpSetup): Promise<McpManager | undefined> {
  const { args, env, cwd } = setup;
  const home = homedir();
  const cairn = cairnHome(env);
  const candidates = args.strictMcpConfig
    ? []
    : [projectMcpFile(cwd), cairnMcpFile(cairn), claudeJsonPath(home, env)];
  const exists = await Promise.all(
    candidates.map((file) =>
      stat(file).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (args.mcpConfig.length === 0 && !exists.some(Boolean)) return undefined;
  const { startMcp } = await import("../mcp/index.ts");
  const manager = await startMcp({
    root: cwd,
    roots: setup.roots,
    home,
    cairnHome: cairn,
    env,
    cliConfigs: args.mcpConfig,
    strict: args.strictMcpConfig,
    settings: setup.settings.effective,
    trusted: setup.settings.trusted,
    clientVersion: typeof CAIRN_VERSION === "string" ? CAIRN_VERSION : "dev",
    // MCP names all start with `mcp__`, which no other tool's does.
    reservedNames: [],
    contextWindow: setup.contextWindow,
  });
  if (manager.statuses().length === 0 && manager.configErrors().length === 0) {
    await manager.close();
    return undefined;
  }
  return manager;
}

/**
 * The agent's tool list: `base` plus the MCP tools a bare deny rule does not remove. The same
 * array comes back until the servers' tools or the policy change, so the agent rebuilds its
 * specs (and the cached prefix moves) only then.
 */
export function liveToolList(
  base: readonly Tool[],
  mcp: McpManager,
  policy: () => PermissionPolicy,
  denies: (tool: Tool, policy: PermissionPolicy) => boolean,
): () => readonly Tool[] {
  let lastMcp: readonly Tool[] | undefined;
  let lastPolicy: PermissionPolicy | undefined;
  let list: readonly Tool[] = base;
  return () => {
    const offered = mcp.tools();
    const current = policy();
    if (offered !== lastMcp || current !== lastPolicy) {
      lastMcp = offered;
      lastPolicy = current;
      const next = [...base, ...offered.filter((tool) => !denies(tool, current))];
      const same = next.length === list.length && next.every((t, i) => t === list[i]);
      if (!same) list = next;
    }
    return list;
  };
}
