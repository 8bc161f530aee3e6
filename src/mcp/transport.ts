// Builds the SDK transport for one server entry: stdio (a child process with its stderr piped),
// Streamable HTTP (with the SDK's reconnection: the server's SSE `retry` hint and `Last-Event-ID`
// resumption), or legacy SSE only when the entry says `type: "sse"`. The SDK loads here, lazily.

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Readable } from "node:stream";
import type { ServerConfig } from "./server-config.ts";

export interface TransportOptions {
  /** The environment a stdio server inherits (its entry's `env` is added on top). */
  env: Readonly<Record<string, string | undefined>>;
  /** Folder a stdio server starts in: the workspace root. */
  cwd: string;
  /**
   * OAuth for remote servers: the OAuth helper's provider plugs in here. Absent: requests carry
   * only the entry's headers.
   */
  authProvider?: OAuthClientProvider;
}

export interface BuiltTransport {
  transport: Transport;
  /** A stdio server's stderr, for the tail shown when it fails. */
  stderr?: Readable | null;
  /** A stdio server's process id, so a server that ignores a polite close can be killed. */
  pid?: () => number | null;
}

/** Model credentials stay with cairn: a server that needs one names it in its `env`. */
const withheld = new Set(["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY"]);

const reconnection = {
  initialReconnectionDelay: 1000,
  maxReconnectionDelay: 30_000,
  reconnectionDelayGrowFactor: 1.5,
  maxRetries: 2,
};

/**
 * The transport for `config`. Exported for the OAuth helper (`cairn mcp login`), which passes
 * its `authProvider`; everything else goes through the connection manager.
 */
export async function createTransport(
  config: ServerConfig,
  options: TransportOptions,
): Promise<BuiltTransport> {
  switch (config.type) {
    case "stdio": {
      const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(options.env)) {
        if (value !== undefined && !withheld.has(key)) env[key] = value;
      }
      Object.assign(env, config.env);
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args ?? [],
        env,
        cwd: options.cwd,
        stderr: "pipe",
      });
      const stderr = transport.stderr as Readable | null;
      return { transport, stderr, pid: () => transport.pid };
    }
    case "http": {
      const { StreamableHTTPClientTransport } =
        await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
      const transport = new StreamableHTTPClientTransport(new URL(config.url), {
        ...(config.headers ? { requestInit: { headers: config.headers } } : {}),
        ...(options.authProvider ? { authProvider: options.authProvider } : {}),
        reconnectionOptions: reconnection,
      });
      return { transport };
    }
    case "sse": {
      const { SSEClientTransport } = await import("@modelcontextprotocol/sdk/client/sse.js");
      // The SDK sends requestInit's headers on the event stream's GET as well as on each POST.
      const transport = new SSEClientTransport(new URL(config.url), {
        ...(config.headers ? { requestInit: { headers: config.headers } } : {}),
        ...(options.authProvider ? { authProvider: options.authProvider } : {}),
      });
      return { transport };
    }
    default: {
      const never: never = config;
      return never;
    }
  }
}
