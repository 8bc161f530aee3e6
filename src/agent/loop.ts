// The agent loop: request -> stream -> assistant message -> tool calls -> results -> repeat,
// until the model ends its turn, the turn limit is reached, the run is aborted or a call fails.
// Before each request it makes sure the conversation fits the context window (compact.ts).
// It knows nothing of terminals: it emits AgentEvents and asks permission through a callback.

import { resolve as resolvePath } from "node:path";
import type { AgentEvent } from "../core/events.ts";
import {
  textOf,
  toolUsesOf,
  type AssistantMessage,
  type Message,
  type ToolResultBlock,
  type ToolUseBlock,
  type UserMessage,
} from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { StopReason } from "../core/stream.ts";
import { costUsd, type ModelInfo } from "../providers/catalog.ts";
import type { Provider, ToolSpec } from "../providers/types.ts";
import type { PermissionPolicy } from "../permissions/index.ts";
import { toolSpec, type Tool, type ToolSession } from "../tools/index.ts";
import { compactMessages, type Compaction, type CompactionTrigger } from "./compact.ts";
import { contextBudget, type CompactionConfig } from "./context-budget.ts";
import { createContextMeter, type ContextMeter } from "./context-meter.ts";
import { callModel } from "./model-call.ts";
import { promptTooLong } from "./prompt-too-long.ts";
import {
  errorResult,
  interruptedMessage,
  runToolCalls,
  type AskPermission,
  type CheckpointHook,
} from "./run-tools.ts";

export interface AgentConfig {
  provider: Provider;
  model: ModelInfo;
  system: string;
  tools: readonly Tool[];
  /**
   * The permission policy, or a function giving the one in force: read before each decision, so
   * an interactive front-end can switch the mode or add a session rule while the agent runs.
   */
  policy: PermissionPolicy | (() => PermissionPolicy);
  askPermission?: AskPermission;
  /** Owned by the caller, who disposes it (killing background jobs) when the session ends. */
  toolSession: ToolSession;
  /** Model calls allowed in one run; undefined means no limit. */
  maxTurns?: number;
  thinkingBudget?: number;
  /** Output cap per call; undefined lets the server decide. */
  maxTokens?: number;
  maxToolResultChars?: number;
  /** Automatic compaction; on with the defaults when absent. */
  compaction?: CompactionConfig;
  /** Passed to the tool orchestrator, which saves files before tools change them. */
  checkpoints?: CheckpointHook;
  /**
   * Called with the absolute paths a turn's file tools used; text it returns (nested memory
   * files that now apply) goes to the model beside that turn's tool results.
   */
  onPathsTouched?: (paths: readonly string[]) => Promise<string | undefined>;
}

/** A conversation is owned by its caller and grows in place, so it survives across runs. */
export interface Conversation {
  messages: Message[];
}

export type RunOutcome = "success" | "max_turns" | "aborted" | "error";

export interface RunResult {
  outcome: RunOutcome;
  /** The text of the last assistant message. */
  finalText: string;
  /** Model calls completed in this run (summary calls of compaction not included). */
  numTurns: number;
  /** Every call of the run, compaction's summary calls included. */
  usage: Usage;
  costUsd: number;
  apiDurationMs: number;
  stopReason: StopReason | null;
  error?: Error;
  /** Input tokens the conversation would cost as the next request. Always set by `run`. */
  contextTokens?: number;
  /** The context window in force (the model's, or smaller if the server said so). Always set by `run`. */
  contextWindow?: number;
}

export type CompactOutcome = "compacted" | "nothing_to_compact" | "aborted" | "error";

export interface CompactResult {
  outcome: CompactOutcome;
  /** The summary the conversation now starts from; null unless compacted. */
  summary: string | null;
  tokensBefore: number;
  tokensAfter: number;
  usage: Usage;
  costUsd: number;
  apiDurationMs: number;
  /** Why nothing was compacted, or what failed. */
  reason?: string;
  error?: Error;
}

export interface AgentIo {
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
}

export interface Agent {
  readonly toolSpecs: readonly ToolSpec[];
  run(conversation: Conversation, prompt: UserMessage, io: AgentIo): Promise<RunResult>;
  /**
   * Summarises the conversation now (`/compact [instructions]`, `cairn -p --compact`) and
   * replaces it with the summary and the most recent turns; emits a `compaction` event.
   */
  compact(
    conversation: Conversation,
    io: AgentIo & { instructions?: string },
  ): Promise<CompactResult>;
  /** Input tokens the conversation would cost as the next request, and the window in force. */
  contextSize(conversation: Conversation): { tokens: number; window: number };
}

interface Session {
  config: AgentConfig;
  toolSpecs: readonly ToolSpec[];
  toolsByName: ReadonlyMap<string, Tool>;
  meter: ContextMeter;
}

export function createAgent(config: AgentConfig): Agent {
  // Computed once: the tool list is part of the cached prefix and must not change in a session.
  const toolSpecs = config.tools.map(toolSpec);
  const session: Session = {
    config,
    toolSpecs,
    toolsByName: new Map(config.tools.map((t) => [t.name, t])),
    meter: createContextMeter(config.model.contextWindow, config.system, toolSpecs),
  };
  return {
    toolSpecs,
    run: (conversation, prompt, io) => runLoop(session, conversation, prompt, io),
    compact: (conversation, io) => compactNow(session, conversation, io),
    contextSize: (conversation) => ({
      tokens: session.meter.requestTokens(conversation.messages),
      window: session.meter.window,
    }),
  };
}

async function runLoop(
  session: Session,
  conversation: Conversation,
  prompt: UserMessage,
  { signal, emit }: AgentIo,
): Promise<RunResult> {
  const { config, meter } = session;
  let usage = emptyUsage();
  let numTurns = 0;
  let apiDurationMs = 0;
  let finalText = "";
  let stopReason: StopReason | null = null;
  const result = (outcome: RunOutcome, error?: Error): RunResult => ({
    outcome,
    finalText,
    numTurns,
    usage,
    costUsd: costUsd(config.model.pricing, usage),
    apiDurationMs,
    stopReason,
    ...(error ? { error } : {}),
    contextTokens: meter.requestTokens(conversation.messages),
    contextWindow: meter.window,
  });
  const compact = async (trigger: CompactionTrigger, tokensBefore: number): Promise<Compaction> => {
    const compaction = await compactMessages(
      compactionDeps(session),
      conversation.messages,
      { trigger, allowElideOnly: true, tokensBefore },
      { signal, emit },
    );
    usage = addUsage(usage, compaction.usage);
    apiDurationMs += compaction.apiDurationMs;
    applyCompaction(session, conversation, compaction, trigger, emit);
    return compaction;
  };

  const send = async () => {
    const sent = meter.snapshot(conversation.messages);
    const call = await callModel(config.provider, request(session, conversation.messages), {
      signal,
      emit,
      streamEvents: true,
    });
    apiDurationMs += call.durationMs;
    return { sent, call };
  };

  appendUser(conversation, prompt);
  emit({ type: "user", message: prompt, origin: "prompt" });

  for (;;) {
    if (signal.aborted) return result("aborted");
    if (config.maxTurns !== undefined && numTurns >= config.maxTurns) return result("max_turns");

    if (autoCompaction(config)) {
      const size = meter.requestTokens(conversation.messages);
      if (size > budget(session).limit) {
        const compaction = await compact("auto", size);
        if (compaction.outcome === "aborted") return result("aborted");
        if (compaction.outcome === "error") return result("error", compaction.error);
        // nothing_to_compact (a first prompt alone over the limit): send it and let the server judge.
      }
    }

    let { sent, call } = await send();
    const tooLong = call.failure ? promptTooLong(call.failure) : undefined;
    if (tooLong && autoCompaction(config)) {
      // Our estimate said it fitted and the server disagrees: compact once, then try again.
      meter.refused(sent, tooLong);
      const compaction = await compact("auto", tooLong.promptTokens ?? sent.tokens);
      if (compaction.outcome === "aborted") return result("aborted");
      if (compaction.outcome === "error") return result("error", compaction.error);
      if (compaction.outcome === "compacted") ({ sent, call } = await send());
    }

    const { assembled, failure, aborted } = call;
    if (failure) {
      // A failed call leaves no partial message behind: the conversation stays as it was.
      return result("error", failure);
    }
    usage = addUsage(usage, assembled.usage);
    stopReason = assembled.stopReason;
    const message: AssistantMessage = assembled.message;
    if (!aborted) numTurns++;
    const appended = message.content.length > 0 ? message : undefined;
    if (appended) conversation.messages.push(appended);
    const contextTokens = meter.observe(sent, assembled.usage, appended);
    if (appended) {
      finalText = textOf(message);
      emit({
        type: "assistant",
        message,
        turn: {
          id: assembled.id,
          model: assembled.model,
          stopReason: assembled.stopReason,
          usage: assembled.usage,
          contextTokens,
        },
      });
    }
    const calls = toolUsesOf(message);
    if (aborted) {
      if (calls.length > 0) {
        appendToolResults(
          conversation,
          emit,
          calls.map((c) => errorResult(c.id, interruptedMessage)),
        );
      }
      return result("aborted");
    }
    if (calls.length === 0) return result("success");

    const results = await runToolCalls(calls, {
      tools: session.toolsByName,
      policy: policyReader(config.policy),
      askPermission: config.askPermission,
      session: config.toolSession,
      signal,
      emit,
      invalidInputs:
        assembled.stopReason === "max_tokens"
          ? explainCutOff(assembled.invalidInputs)
          : assembled.invalidInputs,
      maxResultChars: config.maxToolResultChars ?? 100_000,
      maxConcurrency: 8,
      ...(config.checkpoints ? { checkpoints: config.checkpoints } : {}),
    });
    const note = signal.aborted ? undefined : await touchedNote(config, calls, results);
    appendToolResults(
      conversation,
      emit,
      note ? [...results, { type: "text", text: note }] : results,
    );
    if (signal.aborted) return result("aborted");
  }
}

function policyReader(policy: AgentConfig["policy"]): () => PermissionPolicy {
  return typeof policy === "function" ? policy : () => policy;
}

/** What `onPathsTouched` says about the files this turn's successful file-tool calls used. */
async function touchedNote(
  config: AgentConfig,
  calls: readonly ToolUseBlock[],
  results: readonly ToolResultBlock[],
): Promise<string | undefined> {
  if (!config.onPathsTouched) return undefined;
  const failed = new Set(results.filter((r) => r.is_error).map((r) => r.tool_use_id));
  const root = config.toolSession.workspace.root;
  const paths: string[] = [];
  for (const call of calls) {
    const tool = config.tools.find((t) => t.name === call.name);
    if (!tool || failed.has(call.id)) continue;
    const parsed = tool.input.safeParse(call.input);
    if (!parsed.success) continue;
    const access = tool.describeAccess(parsed.data);
    if (access.kind === "read" || access.kind === "write") {
      for (const path of access.paths) paths.push(resolvePath(root, path));
    }
  }
  return paths.length > 0 ? config.onPathsTouched(paths) : undefined;
}

async function compactNow(
  session: Session,
  conversation: Conversation,
  io: AgentIo & { instructions?: string },
): Promise<CompactResult> {
  const tokensBefore = session.meter.requestTokens(conversation.messages);
  const compaction = await compactMessages(
    compactionDeps(session),
    conversation.messages,
    {
      trigger: "manual",
      allowElideOnly: false,
      tokensBefore,
      ...(io.instructions !== undefined ? { instructions: io.instructions } : {}),
    },
    io,
  );
  applyCompaction(session, conversation, compaction, "manual", io.emit);
  const spent = {
    usage: compaction.usage,
    costUsd: costUsd(session.config.model.pricing, compaction.usage),
    apiDurationMs: compaction.apiDurationMs,
  };
  switch (compaction.outcome) {
    case "compacted":
      return {
        outcome: "compacted",
        summary: compaction.summary,
        tokensBefore: compaction.tokensBefore,
        tokensAfter: compaction.tokensAfter,
        ...spent,
      };
    case "nothing_to_compact":
      return {
        outcome: "nothing_to_compact",
        summary: null,
        tokensBefore,
        tokensAfter: tokensBefore,
        reason: compaction.reason,
        ...spent,
      };
    case "aborted":
      return {
        outcome: "aborted",
        summary: null,
        tokensBefore,
        tokensAfter: tokensBefore,
        ...spent,
      };
    case "error":
      return {
        outcome: "error",
        summary: null,
        tokensBefore,
        tokensAfter: tokensBefore,
        reason: compaction.error.message,
        error: compaction.error,
        ...spent,
      };
    default: {
      const never: never = compaction;
      return never;
    }
  }
}

/** Replaces the conversation's messages in place and tells the front-ends and the transcript. */
function applyCompaction(
  session: Session,
  conversation: Conversation,
  compaction: Compaction,
  trigger: CompactionTrigger,
  emit: (event: AgentEvent) => void,
): void {
  if (compaction.outcome !== "compacted") return;
  conversation.messages.splice(0, conversation.messages.length, ...compaction.messages);
  session.meter.forget();
  emit({
    type: "compaction",
    trigger,
    summary: compaction.summary,
    elided: compaction.elided,
    messages: [...compaction.messages],
    tokensBefore: compaction.tokensBefore,
    tokensAfter: compaction.tokensAfter,
    usage: compaction.usage,
  });
}

function compactionDeps(session: Session) {
  const { config } = session;
  return {
    provider: config.provider,
    model: config.model,
    system: config.system,
    toolSpecs: session.toolSpecs,
    maxTokens: config.maxTokens,
    thinkingBudget: config.thinkingBudget,
    meter: session.meter,
    config: config.compaction,
  };
}

function autoCompaction(config: AgentConfig): boolean {
  return config.compaction?.enabled ?? true;
}

function budget(session: Session) {
  const { config } = session;
  return contextBudget(
    session.meter.window,
    config.compaction,
    config.maxTokens ?? config.model.maxOutputTokens,
  );
}

function request(session: Session, messages: readonly Message[]) {
  const { config } = session;
  return {
    model: config.model.id,
    system: config.system,
    messages,
    tools: session.toolSpecs,
    maxTokens: config.maxTokens,
    thinkingBudget: config.thinkingBudget,
    thinkingStyle: config.model.thinking,
  };
}

/** A call cut off by the output limit is not a JSON mistake: say what really happened. */
function explainCutOff(invalid: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  return new Map(
    [...invalid.keys()].map((id) => [
      id,
      "cut off because the response reached the output token limit before the input was complete" +
        " (make the input smaller, e.g. write a large file in several steps)",
    ]),
  );
}

function appendToolResults(
  conversation: Conversation,
  emit: (event: AgentEvent) => void,
  results: UserMessage["content"],
): void {
  const message: UserMessage = { role: "user", content: results };
  conversation.messages.push(message);
  emit({ type: "user", message, origin: "tool_results" });
}

/** Consecutive user messages are merged: the API requires alternating roles. */
function appendUser(conversation: Conversation, message: UserMessage): void {
  const last = conversation.messages.at(-1);
  if (last?.role === "user") {
    conversation.messages[conversation.messages.length - 1] = {
      role: "user",
      content: [...last.content, ...message.content],
    };
  } else {
    conversation.messages.push({ role: "user", content: [...message.content] });
  }
}
