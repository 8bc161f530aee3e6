// One MCP server's connection: start (bounded by MCP_TIMEOUT), what it offers (tools, resources,
// prompts, refreshed on `list_changed`), calls (bounded by MCP_TOOL_TIMEOUT), its status and the
// tail of its stderr, and closing it (a stdio child that ignores the polite close is killed).

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type {
  CallToolResult,
  ElicitRequest,
  ElicitResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { errorMessage } from "../core/errors.ts";
import type { ConfiguredServer } from "./server-config.ts";
import { createTransport, type TransportOptions } from "./transport.ts";

/** `needs-auth`: a remote server refused us and no stored login could be used or refreshed. */
export type ConnectionStatus = "pending" | "connected" | "failed" | "needs-auth" | "closed";

/** The front-end's answer to a server's request for user input; absent means decline. */
export type Elicit = (server: string, request: ElicitRequest["params"]) => Promise<ElicitResult>;

export interface ConnectionOptions extends Omit<TransportOptions, "authProvider"> {
  /**
   * The OAuth provider of a remote server, made when the connection starts (it reads the token
   * store). It must never send anyone to a browser: a server that wants a login becomes
   * `needs-auth`.
   */
  authProvider?: () => Promise<OAuthClientProvider | undefined>;
  /** The workspace folders, offered to servers as roots. */
  roots: readonly string[];
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  clientVersion: string;
  elicit?: Elicit;
  /** Told whenever status or lists change. */
  onChange: () => void;
}

export interface Connection {
  readonly server: ConfiguredServer;
  readonly status: ConnectionStatus;
  /** Why it failed, for `mcp_servers` and `cairn mcp list`. */
  readonly error: string | undefined;
  readonly tools: readonly McpTool[];
  readonly resources: readonly Resource[];
  readonly prompts: readonly Prompt[];
  /** The last lines the server wrote to stderr (stdio only). */
  stderrTail(): string[];
  /** Settles once connected or failed. */
  readonly ready: Promise<void>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<CallToolResult>;
  readResource(uri: string, signal: AbortSignal): Promise<ReadResourceResult>;
  getPrompt(
    name: string,
    args: Record<string, string>,
    signal: AbortSignal,
  ): Promise<GetPromptResult>;
  close(): Promise<void>;
}

const stderrLines = 20;
/** How long a stdio server gets to exit after its stdin closes before it is killed. */
const closeGraceMs = 300;

export function openConnection(server: ConfiguredServer, options: ConnectionOptions): Connection {
  let status: ConnectionStatus = "pending";
  let error: string | undefined;
  let tools: McpTool[] = [];
  let resources: Resource[] = [];
  let prompts: Prompt[] = [];
  let client: Client | undefined;
  let pid: (() => number | null) | undefined;
  const tail: string[] = [];
  let partial = "";

  /** Set when the SDK reported an `UnauthorizedError`: the login is missing or expired for good. */
  let unauthorized = false;
  let isUnauthorized: (cause: unknown) => boolean = () => false;

  const fail = (message: string): void => {
    if (status === "failed" || status === "needs-auth" || status === "closed") return;
    if (unauthorized) {
      status = "needs-auth";
      error = loginHint(server.name);
      options.onChange();
      return;
    }
    status = "failed";
    const last = tail.at(-1);
    error = last !== undefined ? `${message} (stderr: ${last})` : message;
    options.onChange();
  };

  const collectStderr = (chunk: Buffer | string): void => {
    const lines = (partial + chunk.toString()).split(/\r?\n/);
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim() !== "") tail.push(line);
    if (partial.length > 4000) {
      tail.push(partial);
      partial = "";
    }
    tail.splice(0, Math.max(0, tail.length - stderrLines));
  };

  const refresh = async (what: "tools" | "resources" | "prompts"): Promise<void> => {
    if (!client) return;
    const caps = client.getServerCapabilities();
    const timeout = options.startupTimeoutMs;
    if (what === "tools" && caps?.tools)
      tools = await listAll((cursor) =>
        client!
          .listTools(cursor, { timeout })
          .then((r) => ({ items: r.tools, next: r.nextCursor })),
      );
    if (what === "resources" && caps?.resources)
      resources = await listAll((cursor) =>
        client!
          .listResources(cursor, { timeout })
          .then((r) => ({ items: r.resources, next: r.nextCursor })),
      );
    if (what === "prompts" && caps?.prompts)
      prompts = await listAll((cursor) =>
        client!
          .listPrompts(cursor, { timeout })
          .then((r) => ({ items: r.prompts, next: r.nextCursor })),
      );
  };

  const refreshLater = (what: "tools" | "resources" | "prompts"): void => {
    refresh(what).then(options.onChange, (cause: unknown) => {
      // A failed refresh keeps the old list; the next notification tries again.
      collectStderr(`cairn: refreshing ${what} failed: ${errorMessage(cause)}\n`);
    });
  };

  const start = async (): Promise<void> => {
    const [{ Client }, types] = await Promise.all([
      import("@modelcontextprotocol/sdk/client/index.js"),
      import("@modelcontextprotocol/sdk/types.js"),
    ]);
    const authProvider = await options.authProvider?.();
    if (authProvider) {
      const { UnauthorizedError } = await import("@modelcontextprotocol/sdk/client/auth.js");
      isUnauthorized = (cause) => cause instanceof UnauthorizedError;
    }
    const built = await createTransport(server.config, {
      env: options.env,
      cwd: options.cwd,
      ...(authProvider ? { authProvider } : {}),
    });
    built.stderr?.on("data", collectStderr);
    pid = built.pid;
    const mcp = new Client(
      { name: "cairn", version: options.clientVersion },
      // applyDefaults: an accepted form carries the schema's defaults for fields left out
      // (SEP-1034); the SDK fills them in after the front-end answers.
      {
        capabilities: {
          roots: { listChanged: false },
          elicitation: { form: { applyDefaults: true } },
        },
      },
    );
    client = mcp;
    mcp.setRequestHandler(types.ListRootsRequestSchema, () => ({
      roots: options.roots.map((root) => ({ uri: pathToFileURL(root).href, name: basename(root) })),
    }));
    mcp.setRequestHandler(types.ElicitRequestSchema, async (request) =>
      options.elicit ? options.elicit(server.name, request.params) : { action: "decline" },
    );
    mcp.setNotificationHandler(types.ToolListChangedNotificationSchema, () =>
      refreshLater("tools"),
    );
    mcp.setNotificationHandler(types.ResourceListChangedNotificationSchema, () =>
      refreshLater("resources"),
    );
    mcp.setNotificationHandler(types.PromptListChangedNotificationSchema, () =>
      refreshLater("prompts"),
    );
    let lastError: string | undefined;
    mcp.onerror = (cause) => {
      // The transport reports it here before the failed request closes the client.
      if (isUnauthorized(cause)) unauthorized = true;
      lastError = cause.message;
    };
    const closed = new Promise<never>((_, reject) => {
      mcp.onclose = () => {
        const base = status === "pending" ? "closed during start-up" : "connection closed";
        const why = lastError !== undefined ? `${base}: ${lastError}` : base;
        fail(why);
        reject(new Error(why));
      };
    });
    closed.catch(() => undefined); // observed through `fail`; the race below reports it too
    await withTimeout(
      Promise.race([
        (async () => {
          await mcp.connect(built.transport, { timeout: options.startupTimeoutMs });
          await Promise.all([refresh("tools"), refresh("resources"), refresh("prompts")]);
        })(),
        closed,
      ]),
      options.startupTimeoutMs,
      `did not answer within ${options.startupTimeoutMs} ms (MCP_TIMEOUT)`,
    );
  };

  const ready = start().then(
    () => {
      if (status !== "pending") return;
      status = "connected";
      options.onChange();
    },
    (cause: unknown) => {
      if (isUnauthorized(cause)) unauthorized = true;
      fail(errorMessage(cause));
      killChild(pid);
    },
  );

  const live = (): Client => {
    if (status !== "connected" || !client) {
      throw new Error(
        `MCP server "${server.name}" is not connected (${status}${error ? `: ${error}` : ""})`,
      );
    }
    return client;
  };

  return {
    server,
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    get tools() {
      return tools;
    },
    get resources() {
      return resources;
    },
    get prompts() {
      return prompts;
    },
    stderrTail: () => [...tail, ...(partial.trim() ? [partial] : [])],
    ready,
    async callTool(name, args, signal) {
      const result = await live()
        .callTool({ name, arguments: args }, undefined, {
          signal,
          timeout: options.toolTimeoutMs,
          resetTimeoutOnProgress: true,
          maxTotalTimeout: options.toolTimeoutMs,
        })
        .catch((cause: unknown) => {
          // The login expired mid-session and could not be refreshed: say what fixes it.
          if (isUnauthorized(cause)) throw new Error(loginHint(server.name), { cause });
          throw cause;
        });
      return result as CallToolResult;
    },
    readResource: (uri, signal) =>
      live().readResource({ uri }, { signal, timeout: options.toolTimeoutMs }),
    getPrompt: (name, args, signal) =>
      live().getPrompt({ name, arguments: args }, { signal, timeout: options.toolTimeoutMs }),
    async close() {
      if (status === "closed") return;
      status = "closed";
      // Taken before closing: the SDK forgets its child as soon as close begins, and its own
      // escalation runs on timers that do not keep cairn alive, so a server that ignores the
      // end of its stdin would outlive the session.
      const child = pid?.() ?? null;
      const closing = client?.close().catch(() => undefined);
      await Promise.race([closing, delay(closeGraceMs)]);
      // SIGTERM first: a launcher such as npx passes it on to the server it started.
      if (signalChild(child, "SIGTERM") && !(await gone(child, closeGraceMs))) {
        signalChild(child, "SIGKILL");
      }
    },
  };
}

function loginHint(name: string): string {
  return `needs authentication: run \`cairn mcp login ${name}\``;
}

async function listAll<T>(
  page: (
    params: { cursor: string } | undefined,
  ) => Promise<{ items: T[]; next?: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  // A server whose cursors never end would keep us here forever: 100 pages is plenty.
  for (let i = 0; i < 100; i++) {
    const result = await page(cursor === undefined ? undefined : { cursor });
    items.push(...result.items);
    if (!result.next) break;
    cursor = result.next;
  }
  return items;
}

function killChild(pid: (() => number | null) | undefined): void {
  signalChild(pid?.() ?? null, "SIGKILL");
}

/** Whether the process exits within `ms` (checked every 20 ms). */
async function gone(id: number | null, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (!signalChild(id, 0)) return true;
    await delay(20);
  }
  return !signalChild(id, 0);
}

/** Sends `signal` if the process is still there; false when it is gone already. */
function signalChild(id: number | null, signal: NodeJS.Signals | 0): boolean {
  if (id === null) return false;
  try {
    process.kill(id, signal);
    return true;
  } catch {
    // ESRCH: it exited on its own, which is what we wanted.
    return false;
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  // Not unref'd: at the end of a session these timers are all that keeps the process alive
  // until the servers are gone (an empty event loop would end cairn mid-close, exit code 13).
  return new Promise((resolve) => setTimeout(resolve, ms));
}
