// The session's MCP servers: which start (trust, approval), their connections, and what the
// agent is offered from them (tools after the fingerprint check, resource tools, the search tool
// when definitions are too large), plus the front-ends' API: statuses, approvals, prompts,
// `@server:uri` mentions. Everything is closed with `close()` when the session ends.

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage } from "../core/errors.ts";
import { toolSpec, type Tool } from "../tools/index.ts";
import { projectApproval, recordProjectChoice, type ApprovalSettings } from "./approval.ts";
import { openConnection, type Connection, type Elicit } from "./connection.ts";
import {
  checkFingerprints,
  fingerprintFile,
  readFingerprints,
  saveFingerprints,
  type ToolDefinition,
} from "./fingerprints.ts";
import type { McpConfig } from "./load-config.ts";
import { mcpTool } from "./mcp-tool.ts";
import { convertResourceContents, defaultMaxOutputTokens, type ResultBlock } from "./result.ts";
import { resourceTools } from "./resource-tools.ts";
import { definitionTokens, searchTool } from "./search-tool.ts";
import type { ConfiguredServer, ServerConfig, ServerConfigError } from "./server-config.ts";
import { uniqueName, mcpName } from "./tool-names.ts";

export type ServerState =
  | "pending"
  | "connected"
  | "failed"
  | "needs-auth"
  | "needs-approval"
  | "disabled"
  | "untrusted"
  | "closed";

export interface ServerStatus {
  name: string;
  status: ServerState;
  scope: ConfiguredServer["scope"];
  source: string;
  error?: string;
  /** Tools whose definition changed since approved: not offered until accepted again. */
  withheldTools?: string[];
  stderrTail?: string[];
  toolCount: number;
}

/** What the interactive UI asks the user about. */
export type McpApprovalRequest =
  | { kind: "project-server"; server: string; source: string; config: ServerConfig }
  | { kind: "changed-tools"; server: string; tools: string[] };

export interface McpPrompt {
  /** `mcp__<server>__<prompt>`, the slash command's name. */
  name: string;
  server: string;
  prompt: string;
  description?: string;
  arguments: Array<{ name: string; description?: string; required: boolean }>;
}

export interface McpManagerOptions {
  config: McpConfig;
  /** Whether the workspace is trusted: a project's servers need it. */
  trusted: boolean;
  approvals: ApprovalSettings;
  root: string;
  roots: readonly string[];
  cairnHome: string;
  env: Readonly<Record<string, string | undefined>>;
  clientVersion: string;
  /** Names of the other tools of the session: MCP names never take them. */
  reservedNames: readonly string[];
  /** The model's context window, for deciding when definitions go behind the search tool. */
  contextWindow: number;
  elicit?: (server: string, request: ElicitRequest["params"]) => Promise<ElicitResult>;
  /**
   * OAuth for a remote server (the OAuth helper's provider, made when the server starts);
   * undefined: headers only.
   */
  authProvider?: (
    server: ConfiguredServer,
  ) => OAuthClientProvider | undefined | Promise<OAuthClientProvider | undefined>;
}

export interface McpManager {
  /** The tools on offer now. The same array until something changes. */
  tools(): readonly Tool[];
  statuses(): ServerStatus[];
  /** The configured servers (the winning entry per name), whether started or not. */
  entries(): ConfiguredServer[];
  configErrors(): readonly ServerConfigError[];
  /** Settles when every started server is connected or failed (each bounded by MCP_TIMEOUT). */
  ready(): Promise<void>;
  /** Called on every change (a server connected or failed, tools changed); returns unsubscribe. */
  subscribe(listener: () => void): () => void;
  pendingApprovals(): McpApprovalRequest[];
  /** Records the choice in `.cairn/settings.local.json`; an approved server starts now. */
  decideProjectServer(server: string, approve: boolean): Promise<void>;
  /** Accepts (offers, and remembers) or keeps withholding a server's changed tools. */
  decideChangedTools(server: string, accept: boolean): Promise<void>;
  prompts(): McpPrompt[];
  /** The prompt's messages as blocks, with positional arguments mapped to its arguments in order. */
  getPrompt(name: string, args: readonly string[], signal: AbortSignal): Promise<ResultBlock[]>;
  /** Reads every `@server:uri` in the text that names a connected server. */
  resolveMentions(
    text: string,
    signal: AbortSignal,
  ): Promise<{ blocks: ResultBlock[]; errors: string[] }>;
  /**
   * Lines for stderr: config warnings, withheld tools, servers not started. With
   * `approvalAsked` (the interactive UI, which asks about each unapproved server itself), a
   * server waiting for approval is left out.
   */
  warnings(options?: { approvalAsked?: boolean }): string[];
  /**
   * Who answers a server's request for user input (elicitation) from now on; undefined declines,
   * which is what print mode does. The TUI sets its dialog here once the screen is up.
   */
  setElicit(elicit: Elicit | undefined): void;
  close(): Promise<void>;
}

interface ServerEntry {
  configured: ConfiguredServer;
  state: "needs-approval" | "disabled" | "untrusted" | "started";
  connection?: Connection;
  /** Definitions offered (fingerprint accepted) and withheld (changed). */
  accepted: ToolDefinition[];
  changed: ToolDefinition[];
  /** The fingerprints last seen, saved on first sight. */
  recorded?: Record<string, string>;
  /** The fingerprint check started by the connection's last change (never rejects). */
  checking?: Promise<void>;
}

export function createMcpManager(options: McpManagerOptions): McpManager {
  const env = options.env;
  const extraWarnings: string[] = [];
  const limit = (name: LimitVariable, fallback: number): number =>
    positiveInt(env, name, fallback, (line) => extraWarnings.push(line));
  const startupTimeoutMs = limit("MCP_TIMEOUT", 30_000);
  const toolTimeoutMs = limit("MCP_TOOL_TIMEOUT", 30 * 60_000);
  const maxOutputTokens = limit("MAX_MCP_OUTPUT_TOKENS", defaultMaxOutputTokens);
  const storeFile = fingerprintFile(options.cairnHome);
  const entries = new Map<string, ServerEntry>();
  const listeners = new Set<() => void>();
  const loaded = new Set<string>();
  let offered: readonly Tool[] = [];
  let offeredSpecs = "[]";
  let allMcpTools: readonly Tool[] = [];
  let dirty = true;
  let closed = false;
  let elicit = options.elicit;
  const store = readFingerprints(storeFile).catch((error: unknown) => {
    extraWarnings.push(`MCP: cannot read ${storeFile}: ${errorMessage(error)}`);
    const empty: Record<string, Record<string, string>> = {};
    return empty;
  });

  const changed = (): void => {
    dirty = true;
    for (const listener of [...listeners]) listener();
  };
  const storeKey = (s: ConfiguredServer): string =>
    `${s.scope === "user" ? "(user)" : options.root}#${s.name}`;

  const connections = (): Connection[] =>
    [...entries.values()].flatMap((e) => (e.connection ? [e.connection] : []));

  /** Re-checks a server's tool definitions against what was recorded; saves first sightings. */
  const checkTools = async (entry: ServerEntry): Promise<void> => {
    const connection = entry.connection;
    if (!connection || connection.status !== "connected") return;
    const key = storeKey(entry.configured);
    const recorded = entry.recorded ?? (await store)[key];
    const check = checkFingerprints(recorded, connection.tools);
    entry.accepted = check.accepted;
    entry.changed = check.changed;
    entry.recorded = check.updated;
    if (JSON.stringify(check.updated) !== JSON.stringify(recorded ?? {})) {
      await saveFingerprints(storeFile, key, check.updated).catch((error: unknown) => {
        extraWarnings.push(`MCP: cannot save ${storeFile}: ${errorMessage(error)}`);
      });
    }
  };

  const start = (entry: ServerEntry): void => {
    entry.state = "started";
    const makeProvider = options.authProvider;
    const remote = entry.configured.config.type !== "stdio";
    const connection = openConnection(entry.configured, {
      ...(remote && makeProvider
        ? { authProvider: async () => makeProvider(entry.configured) }
        : {}),
      env,
      cwd: options.root,
      roots: options.roots,
      startupTimeoutMs,
      toolTimeoutMs,
      clientVersion: options.clientVersion,
      elicit: (server, request) =>
        elicit ? elicit(server, request) : Promise.resolve({ action: "decline" as const }),
      onChange: () => {
        if (closed) return;
        entry.checking = checkTools(entry).then(changed, (error: unknown) => {
          extraWarnings.push(`MCP server "${entry.configured.name}": ${errorMessage(error)}`);
          changed();
        });
      },
    });
    entry.connection = connection;
  };

  for (const server of options.config.servers) {
    const entry: ServerEntry = { configured: server, state: "started", accepted: [], changed: [] };
    entries.set(server.name, entry);
    if (server.scope === "project") {
      if (!options.trusted) {
        entry.state = "untrusted";
        continue;
      }
      const approval = projectApproval(server.name, options.approvals);
      if (approval === "denied") {
        entry.state = "disabled";
        continue;
      }
      if (approval === "undecided") {
        entry.state = "needs-approval";
        continue;
      }
    }
    start(entry);
  }

  const search = searchTool({
    candidates: () => allMcpTools,
    load: (names) => {
      const before = loaded.size;
      for (const name of names) loaded.add(name);
      if (loaded.size !== before) changed();
    },
  });
  const resources = resourceTools(connections, maxOutputTokens);

  const rebuild = (): readonly Tool[] => {
    const taken = new Set(options.reservedNames);
    const tools: Tool[] = [];
    for (const entry of entries.values()) {
      const connection = entry.connection;
      if (!connection || connection.status !== "connected") continue;
      for (const definition of entry.accepted) {
        const live = connection.tools.find((t) => t.name === definition.name);
        if (!live) continue;
        const name = uniqueName(connection.server.name, live.name, taken);
        taken.add(name);
        tools.push(mcpTool(connection, live, { name, maxOutputTokens }));
      }
    }
    allMcpTools = tools;
    const defer = definitionTokens(tools) > options.contextWindow * 0.1;
    const hasResources = connections().some(
      (c) => c.status === "connected" && c.resources.length > 0,
    );
    return [
      ...(defer ? [search, ...tools.filter((t) => loaded.has(t.name))] : tools),
      ...(hasResources ? resources : []),
    ];
  };

  const promptList = (): McpPrompt[] =>
    connections()
      .filter((c) => c.status === "connected")
      .flatMap((c) =>
        c.prompts.map((p) => ({
          name: mcpName(c.server.name, p.name),
          server: c.server.name,
          prompt: p.name,
          ...(p.description ? { description: p.description } : {}),
          arguments: (p.arguments ?? []).map((a) => ({
            name: a.name,
            ...(a.description ? { description: a.description } : {}),
            required: a.required === true,
          })),
        })),
      );

  return {
    tools() {
      if (dirty) {
        const next = rebuild();
        const specs = JSON.stringify(next.map(toolSpec));
        // The same definitions in the same order: keep the array, so the agent sees no change
        // and the cached request prefix stays byte-identical.
        if (specs !== offeredSpecs) {
          offered = next;
          offeredSpecs = specs;
        }
        dirty = false;
      }
      return offered;
    },
    statuses() {
      return [...entries.values()].map((entry) => {
        const c = entry.connection;
        const status: ServerState =
          entry.state === "started" ? (c?.status ?? "pending") : entry.state;
        const tail = c?.stderrTail() ?? [];
        return {
          name: entry.configured.name,
          status,
          scope: entry.configured.scope,
          source: entry.configured.source,
          ...(c?.error !== undefined ? { error: c.error } : {}),
          ...(entry.changed.length > 0 ? { withheldTools: entry.changed.map((t) => t.name) } : {}),
          ...(status === "failed" && tail.length > 0 ? { stderrTail: tail } : {}),
          toolCount: entry.accepted.length,
        };
      });
    },
    configErrors: () => options.config.errors,
    entries: () => [...entries.values()].map((e) => e.configured),
    async ready() {
      await Promise.all(connections().map((c) => c.ready));
      // Fingerprint checks start on the change that connecting fires (before `ready` settles);
      // wait for their result rather than checking (and saving) a second time.
      await Promise.all([...entries.values()].map((e) => e.checking ?? Promise.resolve()));
      dirty = true;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pendingApprovals() {
      const requests: McpApprovalRequest[] = [];
      for (const entry of entries.values()) {
        if (entry.state === "needs-approval") {
          requests.push({
            kind: "project-server",
            server: entry.configured.name,
            source: entry.configured.source,
            config: entry.configured.config,
          });
        }
        if (entry.changed.length > 0) {
          requests.push({
            kind: "changed-tools",
            server: entry.configured.name,
            tools: entry.changed.map((t) => t.name),
          });
        }
      }
      return requests;
    },
    async decideProjectServer(server, approve) {
      const entry = entries.get(server);
      if (!entry || entry.configured.scope !== "project") {
        throw new Error(`no project MCP server named "${server}"`);
      }
      await recordProjectChoice(options.root, server, approve);
      if (approve && entry.state !== "started") start(entry);
      if (!approve) entry.state = "disabled";
      changed();
    },
    async decideChangedTools(server, accept) {
      const entry = entries.get(server);
      if (!entry) throw new Error(`no MCP server named "${server}"`);
      if (!accept) return;
      const fresh = checkFingerprints({}, entry.changed);
      entry.recorded = { ...entry.recorded, ...fresh.updated };
      await saveFingerprints(storeFile, storeKey(entry.configured), entry.recorded);
      await checkTools(entry);
      changed();
    },
    prompts: promptList,
    async getPrompt(name, args, signal) {
      const prompt = promptList().find((p) => p.name === name);
      if (!prompt) throw new Error(`no MCP prompt named "${name}"`);
      const connection = entries.get(prompt.server)?.connection;
      if (!connection) throw new Error(`MCP server "${prompt.server}" is not running`);
      const named: Record<string, string> = {};
      prompt.arguments.forEach((argument, i) => {
        const last = i === prompt.arguments.length - 1;
        // The last argument takes the rest, so free text needs no quoting.
        const value = last ? args.slice(i).join(" ") : args[i];
        if (value !== undefined && value !== "") named[argument.name] = value;
      });
      const missing = prompt.arguments.filter((a) => a.required && named[a.name] === undefined);
      if (missing.length > 0) {
        throw new Error(
          `/${name} needs ${missing.map((a) => a.name).join(", ")} (arguments in order: ${prompt.arguments.map((a) => a.name).join(" ")})`,
        );
      }
      const result = await connection.getPrompt(prompt.prompt, named, signal);
      return result.messages.flatMap((message) => {
        const content = message.content;
        if (content.type === "text") return [{ type: "text" as const, text: content.text }];
        if (content.type === "image") {
          return [
            {
              type: "image" as const,
              source: { type: "base64" as const, media_type: content.mimeType, data: content.data },
            },
          ];
        }
        if (content.type === "resource") {
          return convertResourceContents([content.resource], maxOutputTokens);
        }
        return [{ type: "text" as const, text: `[${content.type} content not shown]` }];
      });
    },
    async resolveMentions(text, signal) {
      const blocks: ResultBlock[] = [];
      const errors: string[] = [];
      const seen = new Set<string>();
      for (const match of text.matchAll(/(?:^|\s)@([A-Za-z0-9_.-]+):(\S+)/g)) {
        const [, server = "", uri = ""] = match;
        const connection = entries.get(server)?.connection;
        if (!connection || seen.has(`${server}:${uri}`)) continue;
        seen.add(`${server}:${uri}`);
        try {
          const result = await connection.readResource(uri, signal);
          blocks.push(...convertResourceContents(result.contents, maxOutputTokens));
        } catch (error) {
          errors.push(`@${server}:${uri}: ${errorMessage(error)}`);
        }
      }
      return { blocks, errors };
    },
    warnings(report) {
      const lines = [...options.config.warnings, ...extraWarnings];
      for (const error of options.config.errors) lines.push(error.message);
      for (const entry of entries.values()) {
        const name = entry.configured.name;
        if (entry.changed.length > 0) {
          lines.push(
            `MCP server "${name}": tool definition(s) changed since approved, withheld until accepted again: ${entry.changed.map((t) => t.name).join(", ")}`,
          );
        }
        if (entry.connection?.status === "needs-auth") {
          lines.push(`MCP server "${name}" ${entry.connection.error ?? "needs authentication"}`);
        }
        if (entry.state === "untrusted") {
          lines.push(
            `MCP server "${name}" (${entry.configured.source}) not started: this folder is not trusted (cairn trust)`,
          );
        }
        if (entry.state === "needs-approval" && report?.approvalAsked !== true) {
          lines.push(
            `MCP server "${name}" (${entry.configured.source}) not started: not approved yet (add it to enabledMcpjsonServers in .cairn/settings.local.json, or approve it when the interactive UI asks)`,
          );
        }
      }
      return lines;
    },
    setElicit(handler) {
      elicit = handler;
    },
    async close() {
      closed = true;
      await Promise.all(connections().map((c) => c.close()));
    },
  };
}

type LimitVariable = "MCP_TIMEOUT" | "MCP_TOOL_TIMEOUT" | "MAX_MCP_OUTPUT_TOKENS";

/** The variable as a positive whole number; anything else set there is named in a warning. */
function positiveInt(
  env: Readonly<Record<string, string | undefined>>,
  name: LimitVariable,
  fallback: number,
  warn: (line: string) => void,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : 0;
  if (value > 0 && Number.isSafeInteger(value)) return value;
  warn(`MCP: ${name}=${JSON.stringify(raw)} is not a positive whole number; using ${fallback}`);
  return fallback;
}
