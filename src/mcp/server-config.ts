// One MCP server entry (`mcpServers.<name>` in `.mcp.json`, `~/.claude.json`, cairn's own files or
// `--mcp-config`): its schema, and parsing a whole `mcpServers` object into valid entries and
// messages for the invalid ones. No file I/O here (see load-config.ts).

import * as z from "zod/mini";
import { isPlainObject } from "../config/settings/index.ts";
import { expandEnv } from "./expand-env.ts";
// The schema file alone, not the oauth folder's index: that would load the OAuth flow (and the
// SDK) for every session that merely has a config file.
import { oauthConfigSchema } from "./oauth/config.ts";

const stringMap = z.record(z.string(), z.string());

const stdioSchema = z.object({
  type: z.optional(z.literal("stdio")),
  command: z.string().check(z.minLength(1, "expected a command to run")),
  args: z.optional(z.array(z.string())),
  env: z.optional(stringMap),
});

const remoteSchema = z.object({
  type: z.enum(["http", "sse"]),
  url: z.string().check(z.minLength(1, "expected a URL")),
  headers: z.optional(stringMap),
  oauth: z.optional(oauthConfigSchema),
});

export type StdioServerConfig = { type: "stdio" } & Omit<z.infer<typeof stdioSchema>, "type">;
export type RemoteServerConfig = z.infer<typeof remoteSchema>;
export type ServerConfig = StdioServerConfig | RemoteServerConfig;

/** Where an entry came from; the winning scope for a name is the first of these. */
export type ServerScope = "cli" | "local" | "project" | "user";

export interface ConfiguredServer {
  name: string;
  scope: ServerScope;
  /** The file (or "--mcp-config") the entry was read from. */
  source: string;
  config: ServerConfig;
  /** Unset variables without default, left as written. */
  warnings: string[];
}

/** An entry skipped by validation, as stream-json's `mcp_server_errors` shows it. */
export interface ServerConfigError {
  name: string;
  /** `url_missing_type`, `invalid_config`, `invalid_file`. */
  type: string;
  message: string;
}

export interface ParsedServers {
  servers: ConfiguredServer[];
  errors: ServerConfigError[];
}

/** Server names become part of tool names and settings entries: keep them printable. */
const namePattern = /^[A-Za-z0-9_.-]+$/;

/**
 * Parses `value` (the `mcpServers` object of `source`) and expands `${VAR}` references with `env`.
 * Never throws: every problem is an entry in `errors` naming the file, server and field.
 */
export function parseServers(
  value: unknown,
  source: string,
  scope: ServerScope,
  env: Readonly<Record<string, string | undefined>>,
): ParsedServers {
  const servers: ConfiguredServer[] = [];
  const errors: ServerConfigError[] = [];
  if (value === undefined) return { servers, errors };
  if (!isPlainObject(value)) {
    errors.push({
      name: "(all)",
      type: "invalid_file",
      message: `${source}: mcpServers: expected an object {"name": {...}}`,
    });
    return { servers, errors };
  }
  for (const [name, entry] of Object.entries(value)) {
    const fail = (type: string, message: string): void => {
      errors.push({ name, type, message: `${source}: mcpServers.${name}: ${message}` });
    };
    if (!namePattern.test(name)) {
      fail("invalid_config", "the name may only hold letters, digits, '.', '_' and '-'");
      continue;
    }
    if (!isPlainObject(entry)) {
      fail("invalid_config", "expected an object with a command or a url");
      continue;
    }
    const type = entry.type;
    if (type === undefined && entry.url !== undefined && entry.command === undefined) {
      fail("url_missing_type", 'has a url but no type: add "type": "http" (or "sse")');
      continue;
    }
    if (type !== undefined && type !== "stdio" && type !== "http" && type !== "sse") {
      fail(
        "invalid_config",
        `type: expected one of "stdio", "http", "sse", got ${JSON.stringify(type)}`,
      );
      continue;
    }
    const remote = type === "http" || type === "sse";
    const parsed = remote ? remoteSchema.safeParse(entry) : stdioSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join(".") : "(entry)";
      fail("invalid_config", `${field}: ${issue?.message ?? "invalid"}`);
      continue;
    }
    const missing = new Set<string>();
    const expand = (text: string): string => {
      const result = expandEnv(text, env);
      for (const variable of result.missing) missing.add(variable);
      return result.text;
    };
    const expandMap = (map: Record<string, string> | undefined) =>
      map && Object.fromEntries(Object.entries(map).map(([k, v]) => [k, expand(v)]));
    let config: ServerConfig;
    if (remote) {
      const data = parsed.data as RemoteServerConfig;
      const url = expand(data.url);
      if (!isHttpUrl(url)) {
        // The value as written: the expanded one may hold a secret from the environment.
        fail("invalid_config", `url: expected an http(s) URL, got ${JSON.stringify(data.url)}`);
        continue;
      }
      const headers = expandMap(data.headers);
      const oauth = data.oauth && {
        ...data.oauth,
        // A client secret belongs in the environment, so `${VAR}` works here too.
        ...(data.oauth.clientId !== undefined ? { clientId: expand(data.oauth.clientId) } : {}),
        ...(data.oauth.clientSecret !== undefined
          ? { clientSecret: expand(data.oauth.clientSecret) }
          : {}),
      };
      config = {
        type: data.type,
        url,
        ...(headers ? { headers } : {}),
        ...(oauth ? { oauth } : {}),
      };
    } else {
      const data = parsed.data as z.infer<typeof stdioSchema>;
      const envMap = expandMap(data.env);
      config = {
        type: "stdio",
        command: expand(data.command),
        ...(data.args ? { args: data.args.map(expand) } : {}),
        ...(envMap ? { env: envMap } : {}),
      };
    }
    servers.push({
      name,
      scope,
      source,
      config,
      warnings: [...missing].map(
        (variable) => `${source}: mcpServers.${name}: \${${variable}} is not set; left as written`,
      ),
    });
  }
  return { servers, errors };
}

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === "http:" || protocol === "https:";
}
