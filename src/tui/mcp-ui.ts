// What the interactive UI shows and asks about the session's MCP servers: the approval question
// (a project server awaiting approval, an approved server whose tools changed), the form a
// server's elicitation request fills, and the choices /mcp makes. A small store the screen reads;
// the decisions go through the manager's API. Not for drawing (mcp-approval-prompt.tsx,
// elicitation-form.tsx) or the server connections themselves (src/mcp).

import type { ElicitRequest, ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage } from "../core/errors.ts";
import type { McpApprovalRequest, McpManager, ServerStatus } from "../mcp/index.ts";
import { parseElicitationForm, type ElicitationForm } from "./elicitation-model.ts";

export interface PendingElicitation {
  id: number;
  server: string;
  message: string;
  form: ElicitationForm;
}

export interface McpUiState {
  /** The first unanswered approval question; the rest wait their turn. */
  approval: McpApprovalRequest | undefined;
  /** How many more questions wait behind it. */
  moreApprovals: number;
  /** The first elicitation request waiting for an answer. */
  elicitation: PendingElicitation | undefined;
  /** Bumped on every server change, so the screen re-reads what depends on the servers. */
  revision: number;
}

/** What `/mcp` may do. */
export interface McpControls {
  statuses(): ServerStatus[];
  pendingApprovals(): McpApprovalRequest[];
  /** Approves or denies a server (or accepts or keeps withholding its changed tools); says what it did. */
  decide(server: string, approve: boolean): Promise<string>;
}

export interface McpUi extends McpControls {
  /** Properties, not methods: React's useSyncExternalStore calls them unbound. */
  readonly getState: () => McpUiState;
  readonly subscribe: (listener: () => void) => () => void;
  /** The answer to the question on screen. */
  answerApproval(request: McpApprovalRequest, approve: boolean): void;
  answerElicitation(id: number, result: ElicitResult): void;
  /** Stops listening to the servers; open elicitations are cancelled. */
  dispose(): void;
}

export interface McpUiOptions {
  mcp: Pick<
    McpManager,
    | "subscribe"
    | "pendingApprovals"
    | "decideProjectServer"
    | "decideChangedTools"
    | "statuses"
    | "entries"
    | "setElicit"
  >;
  notice: (text: string, level?: "info" | "warning" | "error") => void;
}

interface WaitingElicitation extends PendingElicitation {
  resolve: (result: ElicitResult) => void;
}

export function createMcpUi({ mcp, notice }: McpUiOptions): McpUi {
  const listeners = new Set<() => void>();
  // Changed tools the user chose to keep withheld: not asked again this session (the same set).
  const keptWithheld = new Set<string>();
  // Questions being decided: not shown meanwhile, so a second key press cannot answer twice.
  const deciding = new Set<string>();
  const elicitations: WaitingElicitation[] = [];
  let nextId = 1;
  let revision = 0;
  let state: McpUiState = compute();

  function open(): McpApprovalRequest[] {
    return mcp
      .pendingApprovals()
      .filter((r) => !keptWithheld.has(questionKey(r)) && !deciding.has(questionKey(r)));
  }

  function compute(): McpUiState {
    const questions = open();
    const first = elicitations[0];
    return {
      approval: questions[0],
      moreApprovals: Math.max(0, questions.length - 1),
      elicitation: first && {
        id: first.id,
        server: first.server,
        message: first.message,
        form: first.form,
      },
      revision,
    };
  }

  const changed = (): void => {
    revision++;
    state = compute();
    for (const listener of [...listeners]) listener();
  };
  const unsubscribe = mcp.subscribe(changed);

  const elicit = (server: string, request: ElicitRequest["params"]): Promise<ElicitResult> => {
    const parsed = parseElicitationForm(request);
    if (parsed.type === "error") {
      notice(
        `MCP server "${server}" asked for input the form cannot show (${parsed.message}); declined.`,
        "warning",
      );
      return Promise.resolve({ action: "decline" });
    }
    return new Promise((resolve) => {
      elicitations.push({
        id: nextId++,
        server,
        message: parsed.message,
        form: parsed.form,
        resolve,
      });
      changed();
    });
  };
  mcp.setElicit(elicit);

  const decideRequest = async (request: McpApprovalRequest, approve: boolean): Promise<string> => {
    const key = questionKey(request);
    deciding.add(key);
    changed();
    try {
      switch (request.kind) {
        case "project-server":
          await mcp.decideProjectServer(request.server, approve);
          return approve
            ? `Approved MCP server "${request.server}" (remembered in .cairn/settings.local.json); starting it.`
            : `Denied MCP server "${request.server}" (remembered in .cairn/settings.local.json); it stays off. /mcp approve ${request.server} changes that.`;
        case "changed-tools":
          await mcp.decideChangedTools(request.server, approve);
          if (!approve) keptWithheld.add(key);
          return approve
            ? `Accepted the changed tools of MCP server "${request.server}": ${request.tools.join(", ")}.`
            : `Kept the changed tools of MCP server "${request.server}" withheld for this session: ${request.tools.join(", ")}.`;
        default: {
          const never: never = request;
          return never;
        }
      }
    } finally {
      deciding.delete(key);
      changed();
    }
  };

  /** A project server denied before (now or in an earlier session) can still be approved. */
  const deniedEarlier = (server: string): McpApprovalRequest | undefined => {
    const status = mcp.statuses().find((s) => s.name === server);
    const entry = mcp.entries().find((e) => e.name === server);
    if (status?.status !== "disabled" || entry?.scope !== "project") return undefined;
    return { kind: "project-server", server, source: entry.source, config: entry.config };
  };

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    statuses: () => mcp.statuses(),
    pendingApprovals: () => mcp.pendingApprovals(),
    answerApproval(request, approve) {
      decideRequest(request, approve).then(
        (text) => notice(text),
        (error: unknown) =>
          notice(`MCP server "${request.server}": ${errorMessage(error)}`, "error"),
      );
    },
    async decide(server, approve) {
      const requests = mcp.pendingApprovals().filter((r) => r.server === server);
      const request =
        requests.find((r) => r.kind === "project-server") ??
        requests.find((r) => r.kind === "changed-tools") ??
        deniedEarlier(server);
      if (!request) {
        const known = mcp.statuses().find((s) => s.name === server);
        if (!known) throw new Error(`no MCP server named "${server}"`);
        throw new Error(`MCP server "${server}" has nothing awaiting a decision (${known.status})`);
      }
      return decideRequest(request, approve);
    },
    answerElicitation(id, result) {
      const index = elicitations.findIndex((e) => e.id === id);
      const [answered] = index >= 0 ? elicitations.splice(index, 1) : [];
      if (!answered) return;
      answered.resolve(result);
      changed();
    },
    dispose() {
      unsubscribe();
      mcp.setElicit(undefined);
      for (const waiting of elicitations.splice(0)) waiting.resolve({ action: "cancel" });
    },
  };
}

/** One question per server and kind; changed tools again differently asks again. */
function questionKey(request: McpApprovalRequest): string {
  return request.kind === "project-server"
    ? `server:${request.server}`
    : `tools:${request.server}:${request.tools.join(",")}`;
}

/** What a project server would run, for the question: its command line or its URL. */
export function describeServer(request: McpApprovalRequest): string {
  if (request.kind === "changed-tools") return `changed: ${request.tools.join(", ")}`;
  const config = request.config;
  return config.type === "stdio"
    ? [config.command, ...(config.args ?? [])].map(quoteWord).join(" ")
    : `${config.type} ${config.url}`;
}

function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}
