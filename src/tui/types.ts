// The shapes the interactive UI's parts agree on: what the screen shows (a pure view model made
// from agent events), what the prompt editor hands back, and what a slash command may do.
// Rendering, key handling and the agent's session live in their own files.

import type { RestorePlan, RestoreReport } from "../checkpoints/index.ts";
import type { PromptCommand } from "../extensions/index.ts";
import type { McpControls } from "./mcp-ui.ts";
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
  /** For a Task call: its target before the count was added, and the child's tool calls so far. */
  subagent?: { target: string; toolCalls: number };
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
  /**
   * Facts about the session now: read when a command runs, so a getter (not a snapshot taken at
   * start) keeps /status right after /model or Shift+Tab.
   */
  readonly info: SessionInfo;
  /**
   * Adds a permission rule for the rest of this session (not written to any file). The command
   * has already checked the rule's syntax; `rule` is as the user wrote it, e.g. `Bash(npm test:*)`.
   * Absent: /permissions allow|ask|deny explains how to add the rule to a settings file instead.
   */
  addRule?(kind: "allow" | "ask" | "deny", rule: string): void;
  /**
   * Switches this UI to another session of the same folder: `sessionId` is a full id (the command
   * resolves prefixes with sessions' findSession). Loads its transcript, replaces the conversation
   * and the screen's history, and continues recording into it. Absent: /resume <id> tells the
   * user to restart with `cairn -r <id>`.
   */
  resume?(sessionId: string): Promise<void>;
  /**
   * Puts files back as they were when turn `turn` (1-based, as listed by the session's checkpoint
   * store) began, using the session's own CheckpointStore (planRestore, then restore), never a
   * second instance on the same folder. With `conversation`, also cuts the conversation to the
   * plan's `messageCount` messages and appends a transcript `rewind` entry pointing at the turn's
   * `messageId` (as `cairn rewind --conversation` does), so a later resume sees the shortened
   * conversation. Refuses (throws a CairnError) while a turn runs. Returns the plan and report
   * for the command to show; `conversationRewound` is false when the conversation was not asked
   * for or the turn has no recorded place in the transcript. Absent: /rewind <turn> tells the
   * user to run `cairn rewind --to <turn>` after exiting.
   */
  rewind?(turn: number, options: { conversation: boolean }): Promise<RewindOutcome>;
  /**
   * Re-reads the memory files into the system prompt (after /memory edited one). Absent: the
   * change applies from the next session, and /memory says so.
   */
  reloadMemory?(): Promise<void>;
  /** Every command the prompt accepts (built-in and custom), for /help. Absent: the built-ins. */
  readonly commands?: readonly SlashCommand[];
  /**
   * Runs a custom command or skill (src/extensions): expands it now (its allowed `!` commands
   * run), then sends the expansion as the user's prompt, with the command's allowed-tools granted
   * and its model used for that run only. Absent: custom commands say to use print mode.
   */
  runPromptCommand?(command: PromptCommand, args: string): Promise<void>;
  /** The clock, for ages in /resume; tests pass a fixed one. Absent: the system clock. */
  now?(): Date;
  /** The session's MCP servers, for /mcp; absent when none are configured. */
  readonly mcp?: McpControls;
}

/** An earlier prompt of the session, offered by Esc Esc to go back to and edit. */
export interface EarlierPrompt {
  /** The prompt's line in the transcript: the conversation goes back to just before it. */
  entry: number;
  text: string;
  /** When it was sent (ISO 8601). */
  at: string;
  /** Its checkpoint turn, when files were being saved then. */
  turn?: number;
  /** Files cairn's tools changed from that turn on (what going back could put back). */
  files: readonly string[];
}

export interface RewindOutcome {
  plan: RestorePlan;
  report: RestoreReport;
  conversationRewound: boolean;
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
  /** cairn's version, for /status. */
  version?: string;
  /** The provider of the current model (`anthropic`, `openai`, `openai-chat` or a settings name). */
  provider?: string;
  /** The base URL requests go to; undefined means the provider's public default. */
  baseUrl?: string;
  /** Whether shell commands run sandboxed, and one line on how (for /status). */
  sandbox?: { enabled: boolean; detail?: string };
  /** `$CAIRN_HOME` or `~/.cairn`: where sessions are kept (/resume) and the user's memory file. */
  cairnHome?: string;
  /** The workspace root as a real path: sessions are listed by it. Defaults to `cwd`. */
  workspaceRoot?: string;
  /**
   * The repository root memory discovery started from (LoadedMemory.root): /memory project
   * creates AGENTS.md here. Defaults to `workspaceRoot`.
   */
  repositoryRoot?: string;
  /**
   * This session's checkpoints folder (`<session data dir>/checkpoints`), for /rewind's list;
   * undefined when the session is not recorded.
   */
  checkpointsFolder?: string;
  /**
   * The rules with the file (or "(command line)", "(session)") each came from, for /permissions.
   * Absent: /permissions shows `rules` without origins.
   */
  ruleOrigins?: Array<{ kind: "allow" | "ask" | "deny"; rule: string; origin: string }>;
}

export interface SlashCommand {
  name: string;
  /** One line for /help and the completion menu. */
  description: string;
  /** `[instructions]`, `<model>`… */
  argumentHint?: string;
  /** Other names that run the same command (`/quit` for `/exit`); not listed in completion. */
  aliases?: readonly string[];
  /** A custom command or skill (listed after the built-ins). */
  custom?: boolean;
  run(args: string, context: CommandContext): Promise<void> | void;
}
