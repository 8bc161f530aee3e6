// The MCP client the conformance suite drives (`conformance client --command "node client.ts"`):
// it connects the way cairn does. Plain scenarios go through the MCP client's connection
// (src/mcp/connection.ts); the auth scenarios through its transport factory with cairn's OAuth
// provider, a headless "browser" following the authorization redirect to the provider's loopback
// callback. Reads MCP_CONFORMANCE_SCENARIO, MCP_CONFORMANCE_CONTEXT and the server URL argument.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { openConnection } from "../../src/mcp/connection.ts";
import { createTransport } from "../../src/mcp/transport.ts";
import type { ConfiguredServer } from "../../src/mcp/server-config.ts";
import {
  connectWithLogin,
  createOAuthProvider,
  retryAfterLogin,
  type AuthorizingTransport,
  type OAuthConfig,
} from "../../src/mcp/oauth/index.ts";

const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? "";
const argument = process.argv[2];
if (argument === undefined) {
  throw new Error("usage: client.ts <server-url> (MCP_CONFORMANCE_SCENARIO set)");
}
const url: string = argument;

const server: ConfiguredServer = {
  name: "conformance",
  scope: "cli",
  source: "--mcp-config",
  config: { type: "http", url },
  warnings: [],
};

/** Arguments for a tool from its schema: numbers 1, strings "x", booleans true. */
function sampleArguments(tool: McpTool): Record<string, unknown> {
  const properties = (tool.inputSchema.properties ?? {}) as Record<string, { type?: string }>;
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [
      name,
      schema.type === "number" || schema.type === "integer"
        ? 1
        : schema.type === "boolean"
          ? true
          : "x",
    ]),
  );
}

async function plain(): Promise<void> {
  const connection = openConnection(server, {
    env: process.env,
    cwd: process.cwd(),
    roots: [process.cwd()],
    startupTimeoutMs: 10_000,
    toolTimeoutMs: 10_000,
    clientVersion: "0.0.0-conformance",
    // A person who accepts the form without filling anything in: cairn's client adds the
    // schema's defaults (SEP-1034), which the scenario checks.
    elicit: () => Promise.resolve({ action: "accept" as const, content: {} }),
    onChange: () => undefined,
  });
  await connection.ready;
  if (connection.status !== "connected") throw new Error(connection.error ?? "not connected");
  const signal = AbortSignal.timeout(10_000);
  for (const tool of connection.tools) {
    await connection.callTool(tool.name, sampleArguments(tool), signal);
  }
  await connection.close();
}

interface ConformanceContext {
  client_id?: string;
  client_secret?: string;
}

async function authorized(): Promise<void> {
  const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? "{}") as ConformanceContext;
  const config: OAuthConfig = {
    ...(context.client_id !== undefined ? { clientId: context.client_id } : {}),
    ...(context.client_secret !== undefined ? { clientSecret: context.client_secret } : {}),
  };
  const provider = await createOAuthProvider(server.name, url, {
    cairnHome: await mkdtemp(join(tmpdir(), "cairn-conformance-")),
    config,
    login: {
      print: (line) => process.stderr.write(`${line}\n`),
      // The test authorization server approves at once: follow its redirect to our callback.
      open: async (authorizationUrl) => {
        const approval = await fetch(authorizationUrl, { redirect: "manual" });
        const location = approval.headers.get("location");
        if (location === null) throw new Error(`no redirect from ${authorizationUrl.href}`);
        await fetch(location);
        return true;
      },
    },
  });
  const client = new Client({ name: "cairn", version: "0.0.0-conformance" }, { capabilities: {} });
  try {
    const transport = await connectWithLogin(
      client,
      async () =>
        (
          await createTransport(server.config, {
            env: process.env,
            cwd: process.cwd(),
            authProvider: provider,
          })
        ).transport as AuthorizingTransport,
      provider,
    );
    const { tools } = await retryAfterLogin(transport, provider, () => client.listTools());
    for (const tool of tools) {
      await retryAfterLogin(transport, provider, () =>
        client.callTool({ name: tool.name, arguments: sampleArguments(tool) }),
      );
    }
    await client.close();
  } finally {
    await provider.close();
  }
}

try {
  await (scenario.startsWith("auth/") ? authorized() : plain());
  process.exit(0);
} catch (error) {
  process.stderr.write(
    `conformance client (${scenario}): ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
}
