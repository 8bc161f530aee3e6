// The screen's state as a pure function of what happened: agent events, runs starting and ending,
// permission questions, notices. History only grows (Ink's <Static> prints each item once); the
// live parts (streaming text, running tools, the question, the todo list) are replaced.

import type { AgentEvent } from "../core/events.ts";
import { interruptedMessage, type RunResult } from "../agent/index.ts";
import type {
  HistoryItem,
  PendingPermission,
  RunningTool,
  StatusLine,
  ViewState,
} from "./types.ts";
import { freshScan, scanForCommit, type CommitScan } from "./stream-commit.ts";
import { parseToolDisplay } from "./tool-display.ts";
import { toolTarget } from "./tool-target.ts";

/** ViewState plus what only this UI's shell needs. */
export interface UiState extends ViewState {
  /**
   * Bumped when the screen starts over (`/clear`, switching session): the app keys <Static> by
   * it, so the new, shorter history prints from its start.
   */
  epoch: number;
  /** Prompts typed while a run was busy, sent in order when it ends. */
  queued: readonly string[];
  /** The workspace root: tool targets inside it are shown relative to it. */
  root: string | undefined;
  /** What keeps cairn busy outside a run ("Compacting…"); undefined otherwise. */
  activity: string | undefined;
  /** The user asked the run to stop: tools failing from now on were cut short, not broken. */
  interrupting: boolean;
  /** The message streaming now: how much of it is already in history (see stream-commit.ts). */
  stream: StreamProgress;
}

/**
 * Finished Markdown blocks of the streaming answer go to history as they complete, so the live
 * region holds only the block being written. Offsets count the message's text as streamed (its
 * text blocks joined by a blank line) and its thinking.
 */
export interface StreamProgress {
  /** Characters of streamed text already in history. */
  committedText: number;
  /** Characters of streamed thinking already in history. */
  committedThinking: number;
  /** Text blocks started in this message (the second and later begin with a blank line). */
  textBlocks: number;
  /** How far `streamingText` has been scanned for finished blocks. */
  scan: CommitScan;
}

const freshStream: StreamProgress = {
  committedText: 0,
  committedThinking: 0,
  textBlocks: 0,
  scan: freshScan,
};

type NoticeLevel = "info" | "warning" | "error";

export type UiAction =
  /** `now` is the clock when the event arrived (tool durations). */
  | { type: "agent"; event: AgentEvent; now: number }
  | { type: "run_started"; prompt: string }
  /** `errorText` describes a failed run for people (the controller knows how). */
  | { type: "run_ended"; result: RunResult; now: number; errorText?: string }
  | { type: "permission_asked"; pending: PendingPermission }
  | { type: "permission_answered" }
  | { type: "notice"; text: string; level: NoticeLevel }
  | { type: "status"; status: Partial<StatusLine> }
  /** The screen starts over, showing `history` (a resumed conversation) or nothing. */
  | { type: "clear"; history?: readonly HistoryItem[] }
  | { type: "queued"; prompts: readonly string[] }
  /** Work that is not a run (compaction, switching model) starts (a label) or ends (undefined). */
  | { type: "activity"; label: string | undefined }
  | { type: "interrupt_requested" }
  /** A slash command as typed, shown above what it prints. */
  | { type: "command"; text: string };

export function initialViewState(status: StatusLine, root?: string): UiState {
  return {
    history: [],
    streamingText: "",
    streamingThinking: "",
    running: [],
    busy: false,
    permission: undefined,
    todos: [],
    status,
    epoch: 0,
    queued: [],
    root,
    activity: undefined,
    interrupting: false,
    stream: freshStream,
  };
}

export function reduce(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case "agent":
      return onAgentEvent(state, action.event, action.now);
    case "run_started":
      return {
        ...append(state, (id) => ({ type: "user", id, text: action.prompt })),
        busy: true,
        interrupting: false,
        ...idleStream,
      };
    case "run_ended":
      return endRun(state, action.result, action.now, action.errorText);
    case "permission_asked":
      return { ...state, permission: action.pending };
    case "permission_answered":
      return { ...state, permission: undefined };
    case "notice":
      return notice(state, action.text, action.level);
    case "status":
      return { ...state, status: { ...state.status, ...action.status } };
    case "clear": {
      const epoch = state.epoch + 1;
      return {
        ...state,
        epoch,
        history: (action.history ?? []).map((item, i) => ({ ...item, id: `${epoch}:${i}` })),
        ...idleStream,
        running: [],
        todos: [],
      };
    }
    case "queued":
      return { ...state, queued: action.prompts };
    case "activity":
      return {
        ...state,
        busy: action.label !== undefined,
        activity: action.label,
        interrupting: false,
      };
    case "command":
      return append(state, (id) => ({ type: "user", id, text: action.text }));
    case "interrupt_requested":
      return state.busy ? { ...state, interrupting: true } : state;
    default: {
      const never: never = action;
      return never;
    }
  }
}

function onAgentEvent(state: UiState, event: AgentEvent, now: number): UiState {
  switch (event.type) {
    case "stream":
      return onStream(state, event.event);
    case "retry": {
      // Whatever streamed since the attempt began is void, even what is already on screen.
      const shown = state.stream.committedText + state.stream.committedThinking > 0;
      return notice(
        { ...state, ...idleStream },
        `${event.error}; retrying in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt}/${event.maxRetries})${shown ? "; the partial answer above is void" : ""}`,
        "warning",
      );
    }
    case "assistant": {
      let next: UiState = {
        ...state,
        ...idleStream,
        status: { ...state.status, contextTokens: event.turn.contextTokens },
      };
      // What streamed and is already in history is skipped; the rest of each block is added.
      let textAt = 0;
      let thinkingAt = 0;
      for (const block of event.message.content) {
        if (block.type === "thinking") {
          const rest = block.thinking.slice(
            Math.max(0, state.stream.committedThinking - thinkingAt),
          );
          thinkingAt += block.thinking.length;
          if (rest.trim() !== "")
            next = append(next, (id) => ({ type: "thinking", id, text: rest }));
        } else if (block.type === "text") {
          if (textAt > 0) textAt += paragraphBreak.length;
          const rest = block.text.slice(Math.max(0, state.stream.committedText - textAt));
          textAt += block.text.length;
          if (rest.trim() !== "") {
            next = append(next, (id) => ({ type: "assistant", id, markdown: rest.trim() }));
          }
        }
      }
      return next;
    }
    case "user":
      // The prompt was shown when the run started; tool results show as their tool_end.
      return state;
    case "tool_start": {
      const tool: RunningTool = {
        id: event.toolUseId,
        name: event.name,
        target: toolTarget(event.name, event.input, state.root),
        startedAt: now,
      };
      return { ...state, running: [...state.running, tool] };
    }
    case "tool_end":
      return endTool(state, event, now);
    case "permission_denied": {
      const running = state.running.filter((t) => t.id !== event.toolUseId);
      return append({ ...state, running }, (id) => ({
        type: "tool",
        id,
        name: event.toolName,
        target: toolTarget(event.toolName, event.input, state.root),
        status: "denied",
        durationMs: 0,
        detail: event.reason,
      }));
    }
    case "compaction": {
      const text =
        event.summary === null
          ? `Old tool output elided to fit the context window (about ${event.tokensBefore} → ${event.tokensAfter} tokens).`
          : `Conversation compacted into a summary (about ${event.tokensBefore} → ${event.tokensAfter} tokens).`;
      return notice(
        { ...state, status: { ...state.status, contextTokens: event.tokensAfter } },
        text,
        "info",
      );
    }
    case "subagent":
      return onSubagentEvent(state, event);
    default: {
      const never: never = event;
      return never;
    }
  }
}

/**
 * A subagent's work shows only as a count on its Task call's line ("explore: find the parser ·
 * 3 tool calls, last Grep"); its text and tool lines stay off the screen, like its context.
 */
function onSubagentEvent(
  state: UiState,
  event: Extract<AgentEvent, { type: "subagent" }>,
): UiState {
  const inner = event.event;
  if (inner.type !== "tool_start") return state;
  const running = state.running.map((tool): RunningTool => {
    if (tool.id !== event.parentToolUseId) return tool;
    const base = tool.subagent?.target ?? tool.target;
    const toolCalls = (tool.subagent?.toolCalls ?? 0) + 1;
    const calls = `${toolCalls} tool ${toolCalls === 1 ? "call" : "calls"}, last ${inner.name}`;
    return {
      ...tool,
      target: base === "" ? calls : `${base} · ${calls}`,
      subagent: { target: base, toolCalls },
    };
  });
  return { ...state, running };
}

function onStream(state: UiState, event: Extract<AgentEvent, { type: "stream" }>["event"]) {
  switch (event.type) {
    case "message_start":
      return state.streamingText === "" &&
        state.streamingThinking === "" &&
        state.stream === freshStream
        ? state
        : { ...state, ...idleStream };
    case "block_start": {
      if (event.block.type !== "text") return state;
      const textBlocks = state.stream.textBlocks + 1;
      // A second text block of the same message starts on a new paragraph.
      return textBlocks > 1
        ? {
            ...state,
            streamingText: state.streamingText + paragraphBreak,
            stream: { ...state.stream, textBlocks },
          }
        : { ...state, stream: { ...state.stream, textBlocks } };
    }
    case "text_delta":
      return commitFinishedBlocks({
        ...state,
        streamingText: state.streamingText + event.text,
        stream: { ...state.stream, textBlocks: Math.max(1, state.stream.textBlocks) },
      });
    case "thinking_delta":
      return { ...state, streamingThinking: state.streamingThinking + event.thinking };
    default:
      return state;
  }
}

/** Moves the finished Markdown blocks at the start of the streaming text into history. */
function commitFinishedBlocks(state: UiState): UiState {
  const { cut, scan } = scanForCommit(state.streamingText, state.stream.scan);
  if (cut === 0) return { ...state, stream: { ...state.stream, scan } };
  let next: UiState = state;
  let committedThinking = state.stream.committedThinking;
  // Thinking came first: it goes to history before the text that followed it.
  if (state.streamingThinking.trim() !== "") {
    const thinking = state.streamingThinking;
    next = append(next, (id) => ({ type: "thinking", id, text: thinking }));
    committedThinking += thinking.length;
  }
  const done = state.streamingText.slice(0, cut).trim();
  if (done !== "") next = append(next, (id) => ({ type: "assistant", id, markdown: done }));
  return {
    ...next,
    streamingText: state.streamingText.slice(cut),
    streamingThinking: "",
    stream: {
      ...state.stream,
      committedText: state.stream.committedText + cut,
      committedThinking,
      scan,
    },
  };
}

function endTool(
  state: UiState,
  event: Extract<AgentEvent, { type: "tool_end" }>,
  now: number,
): UiState {
  const started = state.running.find((t) => t.id === event.toolUseId);
  const running = state.running.filter((t) => t.id !== event.toolUseId);
  const display = parseToolDisplay(event.display);
  const interrupted =
    event.isError && (state.interrupting || event.errorText === interruptedMessage);
  let todos = state.todos;
  if (display?.type === "todos") {
    todos = display.todos.every((t) => t.status === "completed") ? [] : display.todos;
  }
  return append({ ...state, running, todos }, (id) => ({
    type: "tool",
    id,
    name: event.name,
    target: started?.target ?? "",
    status: interrupted ? "interrupted" : event.isError ? "error" : "done",
    durationMs: started ? Math.max(0, now - started.startedAt) : 0,
    ...(display ? { display } : {}),
    ...(event.isError && !interrupted && event.errorText !== undefined
      ? { detail: event.errorText }
      : {}),
  }));
}

function endRun(state: UiState, result: RunResult, now: number, errorText?: string): UiState {
  let next: UiState = {
    ...state,
    ...idleStream,
    busy: false,
    interrupting: false,
    permission: undefined,
    running: [],
    status: {
      ...state.status,
      ...(result.contextTokens !== undefined ? { contextTokens: result.contextTokens } : {}),
      ...(result.contextWindow !== undefined ? { contextWindow: result.contextWindow } : {}),
    },
  };
  // What the person saw stays on screen: an interrupted message's text, tools cut short.
  if (state.streamingText.trim() !== "") {
    next = append(next, (id) => ({ type: "assistant", id, markdown: state.streamingText }));
  }
  for (const tool of state.running) {
    next = append(next, (id) => ({
      type: "tool",
      id,
      name: tool.name,
      target: tool.target,
      status: "interrupted",
      durationMs: Math.max(0, now - tool.startedAt),
    }));
  }
  switch (result.outcome) {
    case "success":
      return next;
    case "aborted":
      return notice(next, "Interrupted.", "info");
    case "max_turns":
      return notice(
        next,
        `Stopped after ${result.numTurns} model calls (the --max-turns limit).`,
        "warning",
      );
    case "error":
      return notice(next, errorText ?? result.error?.message ?? "The run failed.", "error");
    default: {
      const never: never = result.outcome;
      return never;
    }
  }
}

/** Between messages: nothing streaming, nothing of it committed. */
const idleStream = { streamingText: "", streamingThinking: "", stream: freshStream } as const;

const paragraphBreak = "\n\n";

function notice(state: UiState, text: string, level: NoticeLevel): UiState {
  return append(state, (id) => ({ type: "notice", id, text, level }));
}

/** Adds one item with an id unique within the epoch (history only grows within one). */
function append(state: UiState, make: (id: string) => HistoryItem): UiState {
  return { ...state, history: [...state.history, make(`${state.epoch}:${state.history.length}`)] };
}
