// Which MCP servers a session has: every source read (user, local, project, `--mcp-config`), the
// winner per name (cli > local > project > user, the entry used whole), and what was skipped.
// Whether a project's servers may start is approval.ts; connecting is connection.ts.

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { errorMessage } from "../core/errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { isPlainObject } from "../config/settings/index.ts";
import {
  parseServers,
  type ConfiguredServer,
  type ParsedServers,
  type ServerConfigError,
  type ServerScope,
} from "./server-config.ts";
import { cairnMcpFile, projectMcpFile } from "./paths.ts";

export interface McpConfigLocations {
  /** The workspace root (a real path): `.mcp.json` lives here, local entries are keyed by it. */
  root: string;
  /** `$CAIRN_HOME` or `~/.cairn`: `mcp.json` holds user and local entries. */
  cairnHome: string;
  /** Claude Code's `~/.claude.json` (or `$CLAUDE_CONFIG_DIR/.claude.json`), read only. */
  claudeJson: string;
}

export interface McpConfigRequest extends McpConfigLocations {
  env: Readonly<Record<string, string | undefined>>;
  /** `--mcp-config` values: file paths or JSON text. */
  cliConfigs: readonly string[];
  /** `--strict-mcp-config`: only the `--mcp-config` servers. */
  strict: boolean;
  /** Relative `--mcp-config` paths resolve here. */
  cwd: string;
}

export interface McpConfig {
  /** One entry per name, the winner of its scopes, in name order. */
  servers: ConfiguredServer[];
  errors: ServerConfigError[];
  /** Unset variables and shadowed entries worth a line on stderr. */
  warnings: string[];
}

export { cairnMcpFile, claudeJsonPath, projectMcpFile } from "./paths.ts";

const scopeOrder: readonly ServerScope[] = ["cli", "local", "project", "user"];

export async function loadMcpConfig(request: McpConfigRequest): Promise<McpConfig> {
  const parts: ParsedServers[] = [];
  for (const value of request.cliConfigs) parts.push(await readFlag(value, request));
  if (!request.strict) {
    const [cairn, claude, project] = await Promise.all([
      readJson(cairnMcpFile(request.cairnHome)),
      readJson(request.claudeJson),
      readJson(projectMcpFile(request.root)),
    ]);
    // cairn's own file before Claude Code's: within one scope the first entry of a name wins.
    for (const file of [cairn, claude]) {
      if (file.error) parts.push({ servers: [], errors: [file.error] });
      const local = isPlainObject(file.value?.projects)
        ? file.value.projects[request.root]
        : undefined;
      if (isPlainObject(local))
        parts.push(parseServers(local.mcpServers, file.path, "local", request.env));
      parts.push(parseServers(file.value?.mcpServers, file.path, "user", request.env));
    }
    if (project.error) parts.push({ servers: [], errors: [project.error] });
    parts.push(parseServers(project.value?.mcpServers, project.path, "project", request.env));
  }
  return choose(parts);
}

/** The winner per name by scope order; entries it shadows are named in a warning. */
export function choose(parts: readonly ParsedServers[]): McpConfig {
  const all = parts.flatMap((p) => p.servers);
  const errors = parts.flatMap((p) => p.errors);
  const winners = new Map<string, ConfiguredServer>();
  const warnings: string[] = [];
  for (const scope of scopeOrder) {
    for (const server of all.filter((s) => s.scope === scope)) {
      const winner = winners.get(server.name);
      if (winner === undefined) winners.set(server.name, server);
      else if (winner.source !== server.source || winner.scope !== server.scope) {
        warnings.push(
          `MCP server "${server.name}" from ${server.source} (${server.scope}) is shadowed by ` +
            `the one in ${winner.source} (${winner.scope})`,
        );
      }
    }
  }
  const servers = [...winners.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const server of servers) warnings.push(...server.warnings);
  return { servers, errors, warnings };
}

interface JsonFile {
  path: string;
  value?: Record<string, unknown>;
  error?: ServerConfigError;
}

async function readJson(path: string): Promise<JsonFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT") || isErrnoCode(error, "ENOTDIR")) return { path };
    return { path, error: fileError(path, `cannot be read (${errorMessage(error)})`) };
  }
  return parseJsonObject(text, path);
}

function parseJsonObject(text: string, path: string): JsonFile {
  if (text.trim() === "") return { path };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { path, error: fileError(path, `is not valid JSON (${errorMessage(error)})`) };
  }
  if (!isPlainObject(value))
    return { path, error: fileError(path, "expected an object at the top") };
  return { path, value };
}

/** `--mcp-config`: a file, or the JSON itself (it starts with `{`). */
async function readFlag(value: string, request: McpConfigRequest): Promise<ParsedServers> {
  const inline = value.trimStart().startsWith("{");
  const file = inline
    ? parseJsonObject(value, "--mcp-config")
    : await readJson(resolve(request.cwd, value));
  if (!inline && file.value === undefined && file.error === undefined) {
    file.error = fileError(file.path, "--mcp-config: no such file");
  }
  if (file.error) return { servers: [], errors: [file.error] };
  return parseServers(file.value?.mcpServers, file.path, "cli", request.env);
}

function fileError(path: string, message: string): ServerConfigError {
  return { name: "(file)", type: "invalid_file", message: `${path}: ${message}` };
}
