// Writing MCP server entries for `cairn mcp add|remove`: local entries (this project, only you)
// and user entries go to `~/.cairn/mcp.json`, project entries to `.mcp.json`. Claude Code's
// `~/.claude.json` is never written.

import { mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isPlainObject, parseJson } from "../config/settings/index.ts";
import { isErrnoCode, replaceFile } from "../fs/index.ts";
import { cairnMcpFile, projectMcpFile } from "./load-config.ts";
import type { ServerConfig } from "./server-config.ts";

export type WritableMcpScope = "local" | "project" | "user";

export interface McpFileTarget {
  file: string;
  /** The keys leading to the `mcpServers` object inside the file. */
  path: string[];
  /** `.mcp.json` is meant to be committed; cairn's own file may hold secrets. */
  mode: number | undefined;
}

export function targetFor(scope: WritableMcpScope, root: string, cairnHome: string): McpFileTarget {
  switch (scope) {
    case "local":
      return { file: cairnMcpFile(cairnHome), path: ["projects", root, "mcpServers"], mode: 0o600 };
    case "user":
      return { file: cairnMcpFile(cairnHome), path: ["mcpServers"], mode: 0o600 };
    case "project":
      return { file: projectMcpFile(root), path: ["mcpServers"], mode: undefined };
    default: {
      const never: never = scope;
      return never;
    }
  }
}

/** Adds (or replaces) `name` in the target; says whether an entry was replaced. */
export async function writeServer(
  target: McpFileTarget,
  name: string,
  config: ServerConfig,
): Promise<boolean> {
  let replaced = false;
  await editJson(target, (servers) => {
    replaced = name in servers;
    // `type: "stdio"` is implied; leave it out as hand-written files do.
    const { type, ...rest } = config;
    servers[name] = type === "stdio" ? rest : config;
  });
  return replaced;
}

/** Removes `name`; false when the target had no such entry (nothing is written then). */
export async function removeServer(target: McpFileTarget, name: string): Promise<boolean> {
  let removed = false;
  await editJson(target, (servers) => {
    removed = name in servers;
    delete servers[name];
  });
  return removed;
}

async function editJson(
  target: McpFileTarget,
  change: (servers: Record<string, unknown>) => void,
): Promise<void> {
  let text = "";
  try {
    text = await readFile(target.file, "utf8");
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) throw error;
  }
  // A syntax error names the file, line and column (JSON.parse's own message names neither).
  const root: unknown = text.trim() === "" ? {} : parseJson(text, target.file);
  if (!isPlainObject(root)) throw new Error(`${target.file}: expected a JSON object at the top`);
  let node: Record<string, unknown> = root;
  for (const key of target.path) {
    const next = node[key];
    if (next !== undefined && !isPlainObject(next)) {
      throw new Error(`${target.file}: ${target.path.join(".")}: expected an object`);
    }
    node[key] = next ?? {};
    node = node[key] as Record<string, unknown>;
  }
  const before = JSON.stringify(root);
  change(node);
  if (JSON.stringify(root) === before && text !== "") return;
  await mkdir(dirname(target.file), { recursive: true, mode: 0o700 });
  await replaceFile(target.file, `${JSON.stringify(root, null, 2)}\n`, target.mode);
}
