// Test-only: exposes a stdio MCP server (`cairn mcp serve`) at an HTTP URL, since the
// conformance suite's server scenarios speak Streamable HTTP. Each HTTP session gets its own
// child process; JSON-RPC messages pass through unchanged in both directions.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isJSONRPCRequest, type JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

export interface Bridge {
  url: string;
  close(): Promise<void>;
}

export interface BridgeTarget {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? undefined : (JSON.parse(text) as unknown);
}

export async function startBridge(target: BridgeTarget): Promise<Bridge> {
  const sessions = new Map<
    string,
    { http: StreamableHTTPServerTransport; child: StdioClientTransport }
  >();

  const open = async (): Promise<StreamableHTTPServerTransport> => {
    const child = new StdioClientTransport({ ...target, stderr: "inherit" });
    const http = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { http, child });
      },
    });
    // Answers go back on the stream of the request they answer; the SDK routes them by id.
    child.onmessage = (message: JSONRPCMessage) => {
      void http.send(message);
    };
    http.onmessage = (message: JSONRPCMessage) => {
      void child.send(message);
    };
    http.onclose = () => {
      void child.close();
    };
    await child.start();
    await http.start();
    return http;
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = request.method === "POST" ? await readBody(request) : undefined;
      const id = request.headers["mcp-session-id"];
      const existing = typeof id === "string" ? sessions.get(id) : undefined;
      const initializing =
        existing === undefined &&
        body !== undefined &&
        isJSONRPCRequest(body) &&
        (body as { method: string }).method === "initialize";
      const http = existing?.http ?? (initializing ? await open() : undefined);
      if (http === undefined) {
        response.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            jsonrpc: "2.0",
            id: null,
            error: { code: -32000, message: "no session" },
          }),
        );
        return;
      }
      await http.handleRequest(request, response, body);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      await Promise.all(
        [...sessions.values()].map(({ http, child }) => Promise.all([http.close(), child.close()])),
      );
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// Run directly: `node stdio-bridge.ts <command> [args…]` prints the URL and serves until killed.
if (process.argv[1] === import.meta.filename) {
  const [command, ...args] = process.argv.slice(2);
  if (command === undefined) throw new Error("usage: stdio-bridge.ts <command> [args…]");
  const bridge = await startBridge({
    command,
    args,
    env: Object.fromEntries(
      Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
    ),
    cwd: process.cwd(),
  });
  process.stdout.write(`${bridge.url}\n`);
}
