// `cairn mcp login <name>` and `cairn mcp logout <name>`: the OAuth login for a remote (http or
// sse) MCP server, through the same transport and provider a session uses, and forgetting it.
// The browser is opened when possible; the URL is always printed (`--no-browser` only prints).

import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { CairnError, errorMessage } from "../core/errors.ts";
import { cairnHome, isTrusted } from "../config/index.ts";
import type { Env } from "../providers/index.ts";
import { claudeJsonPath, loadMcpConfig } from "../mcp/load-config.ts";
import type { ConfiguredServer, RemoteServerConfig } from "../mcp/server-config.ts";
import { createTransport } from "../mcp/transport.ts";
import {
  connectWithLogin,
  createOAuthProvider,
  createTokenStore,
  oauthStoreFile,
  openInBrowser,
  type AuthorizingTransport,
} from "../mcp/oauth/index.ts";

export interface McpLoginIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
  cwd: string;
  signal?: AbortSignal;
}

export const mcpLoginHelp = `Usage: cairn mcp login <name> [--no-browser]
       cairn mcp logout <name>

login authorizes cairn with a remote (http or sse) MCP server that uses OAuth: the browser opens
on the server's sign-in page (the URL is printed too; --no-browser only prints it, e.g. over
SSH) and cairn receives the answer on http://127.0.0.1:<port>/callback. Tokens are kept in
~/.cairn/mcp-oauth.json (readable only by you) and refreshed when they expire.
logout forgets the tokens and the client registration for that server.
`;

/** How long a login waits for the browser before giving up. */
const loginTimeoutMs = 5 * 60_000;

export async function runMcpLogin(
  name: string | undefined,
  args: readonly string[],
  io: McpLoginIo,
): Promise<number> {
  if (name === undefined || name === "-h" || name === "--help" || args.includes("--help")) {
    io.stdout.write(mcpLoginHelp);
    return name === undefined ? 2 : 0;
  }
  const unknown = args.find((arg) => arg !== "--no-browser");
  if (unknown !== undefined) {
    throw new CairnError(
      "bad_flag",
      `cairn mcp login: unknown option ${unknown}`,
      "Run cairn mcp login --help.",
    );
  }
  const server = await findRemoteServer(name, io);
  const config = server.config;
  const home = cairnHome(io.env);
  const signal = AbortSignal.any([
    ...(io.signal ? [io.signal] : []),
    AbortSignal.timeout(loginTimeoutMs),
  ]);
  const noBrowser = args.includes("--no-browser");
  const provider = await createOAuthProvider(name, config.url, {
    cairnHome: home,
    // Validated (and its `${VAR}`s expanded) when the entry was read, as a session uses it.
    config: config.oauth,
    login: {
      print: (line) => io.stderr.write(`${line}\n`),
      open: noBrowser ? false : (url) => openInBrowser(url.href),
      signal,
    },
  });
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "cairn", version: "login" }, { capabilities: {} });
  try {
    await connectWithLogin(
      client,
      async () =>
        (await createTransport(config, { env: io.env, cwd: io.cwd, authProvider: provider }))
          .transport as AuthorizingTransport,
      provider,
    );
    const { tools } = client.getServerCapabilities()?.tools
      ? await client.listTools()
      : { tools: [] };
    const stored = (await provider.tokens()) !== undefined;
    io.stdout.write(
      stored
        ? `Logged in to "${name}" (${config.url}): ${tools.length} tools. Tokens are in ${oauthStoreFile(home)}.\n`
        : `"${name}" (${config.url}) answered without asking for a login.\n`,
    );
    return 0;
  } catch (error) {
    throw new CairnError(
      "bad_config",
      `cairn mcp login ${name}: ${signal.aborted && !io.signal?.aborted ? "no answer from the browser within 5 minutes" : errorMessage(error)}`,
      "Check the server's URL and its oauth settings, then run cairn mcp login again.",
      { cause: error },
    );
  } finally {
    await client.close().catch(() => undefined);
    await provider.close();
  }
}

export async function runMcpLogout(
  name: string | undefined,
  args: readonly string[],
  io: McpLoginIo,
): Promise<number> {
  if (name === undefined || name.startsWith("-") || args.length > 0) {
    io.stdout.write(mcpLoginHelp);
    return name === "-h" || name === "--help" ? 0 : 2;
  }
  const store = createTokenStore(oauthStoreFile(cairnHome(io.env)));
  const keys = (await store.list())
    .filter(([, entry]) => entry.serverName === name)
    .map(([key]) => key);
  for (const key of keys) await store.update(key, () => undefined);
  io.stdout.write(
    keys.length > 0
      ? `Logged out of "${name}": its tokens and client registration are forgotten.\n`
      : `No login is stored for "${name}".\n`,
  );
  return 0;
}

type RemoteServer = ConfiguredServer & { config: RemoteServerConfig };

/** The named server's entry, if it is a remote one this folder may use. */
async function findRemoteServer(name: string, io: McpLoginIo): Promise<RemoteServer> {
  const root = await realpath(io.cwd);
  const home = cairnHome(io.env);
  const loaded = await loadMcpConfig({
    root,
    cairnHome: home,
    claudeJson: claudeJsonPath(io.env.HOME?.trim() || homedir(), io.env),
    env: io.env,
    cliConfigs: [],
    strict: false,
    cwd: root,
  });
  const server = loaded.servers.find((entry) => entry.name === name);
  if (server === undefined) {
    const problem = loaded.errors.find((error) => error.name === name);
    throw new CairnError(
      "bad_flag",
      problem ? problem.message : `no MCP server named "${name}" is configured here`,
      "cairn mcp list shows the configured servers.",
    );
  }
  if (server.config.type === "stdio") {
    throw new CairnError(
      "bad_flag",
      `"${name}" is a stdio server: OAuth login applies to http and sse servers`,
    );
  }
  // A repository's .mcp.json names where the browser goes and where tokens are sent.
  if (server.scope === "project" && !(await isTrusted(root, home))) {
    throw new CairnError(
      "bad_config",
      `"${name}" comes from ${server.source}, and this folder is not trusted`,
      "Run cairn trust if you trust this repository, then log in again.",
    );
  }
  return { ...server, config: server.config };
}
