// The shapes the interactive UI's parts agree on: what the screen shows (a pure view model made
// from agent events), what the prompt editor hands back, and what a slash command may do.
// Rendering, key handling and the agent's session live in their own files.

import type { PermissionMode } from "../permissions/index.ts";

/** One finished entry of the conversation, printed to the terminal's scrollback once. */
export type HistoryItem =
  | { type: "user"; id: string; text: string }
  | { type: "assistant"; id: string; markdown: string }
  | { type: "thinking"; id: string; text: string }
  | {
      type: "tool";
      id: string;
      name: string;
      /** What the call is about, short: a path, a command, a pattern, a URL. */
      target: string;
      status: "done" | "error" | "denied" | "interrupted";
      durationMs: number;
      /** The tool's display data (a diff, a todo list) when it has one. */
      display?: ToolDisplay;
      /** The first lines of the result for errors and denials (shown dimmed). */
      detail?: string;
    }
  /** A line from cairn itself: a slash command's answer, a warning, a compaction. */
  | { type: "notice"; id: string; text: string; level: "info" | "warning" | "error" };

export type ToolDisplay =
  | {
      type: "diff";
      path: string;
      unifiedDiff: string;
      added: number;
      removed: number;
      truncated: boolean;
    }
  | { type: "todos"; todos: TodoItem[] };

export interface TodoItem {
  content: string;
  status: "pending" | "in_progress" | "completed";
  activeForm: string;
}

/** A tool call in flight, shown in the live region until it ends. */
export interface RunningTool {
  id: string;
  name: string;
  target: string;
  startedAt: number;
}

/** A question the agent is waiting on; the UI answers it. */
export interface PendingPermission {
  toolUseId: string;
  toolName: string;
  /** Short description of what the call would do (command, path, URL). */
  target: string;
  reason: string;
  /** The rule "allow always" would add, e.g. `Bash(npm test:*)` or `Edit(src/**)`. */
  suggestedRule: string;
}

export type PermissionChoice =
  | { type: "allow_once" }
  | { type: "allow_session"; rule: string }
  | { type: "allow_project"; rule: string }
  | { type: "deny"; note?: string };

export interface StatusLine {
  model: string;
  mode: PermissionMode;
  /** Tokens of the next request and the model's window, for "% of context". */
  contextTokens: number;
  contextWindow: number;
  costUsd: number;
  backgroundShells: number;
}

/** Everything the screen shows, made from agent events by the reducer (view-model.ts). */
export interface ViewState {
  /** Finished items, append-only: <Static> prints each once. */
  history: HistoryItem[];
  /** The assistant text streaming now (not yet in history). */
  streamingText: string;
  streamingThinking: string;
  running: RunningTool[];
  /** True from submit until the run ends. */
  busy: boolean;
  permission: PendingPermission | undefined;
  /** The todo list while one is in use (some item not completed), pinned above the prompt. */
  todos: TodoItem[];
  status: StatusLine;
}

/** What a slash command can reach; implemented by the controller. */
export interface CommandContext {
  /** Adds a notice to the history. */
  notice(text: string, level?: "info" | "warning" | "error"): void;
  clearConversation(): Promise<void>;
  compact(instructions: string | undefined): Promise<void>;
  /** Runs a prompt as if the user typed it (for /init). */
  submitPrompt(text: string): Promise<void>;
  setModel(spec: string): Promise<void>;
  setMode(mode: PermissionMode): void;
  /** Opens a file in $EDITOR (or $VISUAL), suspending the UI meanwhile. */
  openInEditor(path: string): Promise<void>;
  exit(): void;
  readonly info: SessionInfo;
}

/** Read-only facts commands print (/status, /cost, /context, /permissions, /memory…). */
export interface SessionInfo {
  cwd: string;
  sessionId: string;
  transcriptPath: string | undefined;
  status: StatusLine;
  /** Each rule with where it came from, for /permissions. */
  rules: { allow: string[]; ask: string[]; deny: string[] };
  memoryFiles: string[];
  /** What fills the context window, for /context: label and tokens. */
  contextParts: Array<{ label: string; tokens: number }>;
  usage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
  };
  settingsFiles: string[];
}

export interface SlashCommand {
  name: string;
  /** One line for /help and the completion menu. */
  description: string;
  /** `[instructions]`, `<model>`… */
  argumentHint?: string;
  run(args: string, context: CommandContext): Promise<void> | void;
}
