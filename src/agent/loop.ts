// The agent loop: request -> stream -> assistant message -> tool calls -> results -> repeat,
// until the model ends its turn, the turn limit is reached, the run is aborted or a call fails.
// Before each request it makes sure the conversation fits the context window (compact.ts).
// It knows nothing of terminals: it emits AgentEvents and asks permission through a callback.

import { resolve as resolvePath } from "node:path";
import { errorMessage } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import {
  textOf,
  toolUsesOf,
  userText,
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
import type { AgentHooks } from "./hooks-port.ts";
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
  /**
   * The tools, or a function giving the ones on offer now (MCP servers connect and change their
   * lists during a session). Read before each request; the specs are rebuilt only when the list
   * changed, so the cached request prefix stays byte-identical otherwise.
   */
  tools: readonly Tool[] | (() => readonly Tool[]);
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
  /** User-configured hooks (src/hooks); absent means none run. */
  hooks?: AgentHooks;
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
  /**
   * Set when a hook ended the run (a UserPromptSubmit block, or `continue: false`): why. The
   * outcome is then "success": the run ended as configured, every tool call answered.
   */
  hookStopped?: string;
  /** Input tokens the conversation would cost as the next request. Always set by `run`. */
  contextTokens?: number;
  /** The context window in force (the model's, or smaller if the server said so). Always set by `run`. */
  contextWindow?: number;
}

/** The result of a run that never reached the model: aborted before it began, or failed in setup. */
export function emptyRun(outcome: "aborted" | "error", error?: unknown): RunResult {
  return {
    outcome,
    finalText: "",
    numTurns: 0,
    usage: emptyUsage(),
    costUsd: 0,
    apiDurationMs: 0,
    stopReason: null,
    ...(error === undefined
      ? {}
      : { error: error instanceof Error ? error : new Error(errorMessage(error)) }),
  };
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
  /** The list the specs were built from; a different array from `config.tools` means a rebuild. */
  toolList: readonly Tool[];
  toolSpecs: readonly ToolSpec[];
  toolsByName: ReadonlyMap<string, Tool>;
  meter: ContextMeter;
}

export function createAgent(config: AgentConfig): Agent {
  // The tool list is part of the cached prefix: computed once, and again only when it changes.
  const toolList = toolsNow(config);
  const toolSpecs = toolList.map(toolSpec);
  const session: Session = {
    config,
    toolList,
    toolSpecs,
    toolsByName: toolLookup(toolList),
    meter: createContextMeter(config.model.contextWindow, config.system, toolSpecs),
  };
  return {
    get toolSpecs() {
      syncTools(session);
      return session.toolSpecs;
    },
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
  // What subagents (Task calls) spent: their usage joins the run's, their cost is priced by the
  // Task tool, which knows the child's model.
  let childUsage = emptyUsage();
  let childCostUsd = 0;
  let numTurns = 0;
  let apiDurationMs = 0;
  let finalText = "";
  let stopReason: StopReason | null = null;
  let hookStopped: string | undefined;
  /** Times a Stop hook sent the model back to work in this run (see maxStopContinuations). */
  let stopContinuations = 0;
  const result = (outcome: RunOutcome, error?: Error): RunResult => ({
    outcome,
    ...(hookStopped !== undefined ? { hookStopped } : {}),
    finalText,
    numTurns,
    usage: addUsage(usage, childUsage),
    costUsd: costUsd(config.model.pricing, usage) + childCostUsd,
    apiDurationMs,
    stopReason,
    ...(error ? { error } : {}),
    contextTokens: meter.requestTokens(conversation.messages),
    contextWindow: meter.window,
  });
  const compact = async (trigger: CompactionTrigger, tokensBefore: number): Promise<Compaction> => {
    const hooked = await config.hooks?.preCompact?.({ trigger }, signal);
    if (hooked?.stopRun !== undefined) {
      hookStopped = hooked.stopRun;
      return { outcome: "aborted", usage: emptyUsage(), apiDurationMs: 0 };
    }
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
    syncTools(session);
    const sent = meter.snapshot(conversation.messages);
    const call = await callModel(config.provider, request(session, conversation.messages), {
      signal,
      emit,
      streamEvents: true,
    });
    apiDurationMs += call.durationMs;
    return { sent, call };
  };

  const submitted = await submitPrompt(config.hooks, prompt, signal);
  if (signal.aborted) return result("aborted");
  if (submitted.stopped !== undefined) {
    // Nothing was sent: the prompt does not join the conversation.
    hookStopped = submitted.stopped;
    return result("success");
  }
  appendUser(conversation, submitted.prompt);
  emit({ type: "user", message: submitted.prompt, origin: "prompt" });

  /** A Stop hook's instruction for the model to go on, or undefined when the run may end. */
  const stopHookSays = async (): Promise<string | undefined> => {
    const hook = config.hooks?.stop;
    if (hook === undefined) return undefined;
    const outcome = await hook(
      { stopHookActive: stopContinuations > 0, lastAssistantText: finalText },
      signal,
    );
    if (outcome.stopRun !== undefined) {
      hookStopped = outcome.stopRun;
      return undefined;
    }
    // stop_hook_active tells a well-written hook not to block again; the cap covers the others.
    if (outcome.block === undefined || stopContinuations >= maxStopContinuations) return undefined;
    stopContinuations++;
    return outcome.block;
  };

  for (;;) {
    if (signal.aborted) return result("aborted");
    if (config.maxTurns !== undefined && numTurns >= config.maxTurns) return result("max_turns");

    if (autoCompaction(config)) {
      const size = meter.requestTokens(conversation.messages);
      if (size > budget(session).limit) {
        const compaction = await compact("auto", size);
        if (hookStopped !== undefined) return result("success");
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
      if (hookStopped !== undefined) return result("success");
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
    if (calls.length === 0) {
      const goOn = await stopHookSays();
      if (signal.aborted) return result("aborted");
      if (goOn === undefined) return result("success");
      const instruction = userText(`A Stop hook asks you to continue:\n${goOn}`);
      appendUser(conversation, instruction);
      emit({ type: "user", message: instruction, origin: "prompt" });
      continue;
    }

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
      reportSpend: (spend) => {
        childUsage = addUsage(childUsage, spend.usage);
        childCostUsd += spend.costUsd;
        apiDurationMs += spend.apiDurationMs;
      },
      ...(config.checkpoints ? { checkpoints: config.checkpoints } : {}),
      ...(config.hooks ? { hooks: config.hooks } : {}),
      onStopRun: (reason) => {
        hookStopped ??= reason;
      },
    });
    const note = signal.aborted
      ? undefined
      : await touchedNote(config, session.toolsByName, calls, results);
    appendToolResults(
      conversation,
      emit,
      note ? [...results, { type: "text", text: note }] : results,
    );
    if (signal.aborted) return result("aborted");
    if (hookStopped !== undefined) return result("success");
  }
}

/** A Stop hook may send the model back to work at most this many times in one run. */
const maxStopContinuations = 3;

/**
 * The prompt as the model will get it, after UserPromptSubmit hooks: with their context (and
 * SessionStart's) as a text block after it, or `stopped` when a hook blocked it or ended the run.
 */
async function submitPrompt(
  hooks: AgentHooks | undefined,
  prompt: UserMessage,
  signal: AbortSignal,
): Promise<{ prompt: UserMessage; stopped?: string }> {
  if (hooks?.userPromptSubmit === undefined) return { prompt };
  const outcome = await hooks.userPromptSubmit(textOf(prompt, "\n"), signal);
  const stopped = outcome.block ?? outcome.stopRun;
  if (stopped !== undefined) return { prompt, stopped };
  if (outcome.additionalContext === undefined) return { prompt };
  return {
    prompt: {
      ...prompt,
      content: [
        ...prompt.content,
        { type: "text", text: `<hook-context>\n${outcome.additionalContext}\n</hook-context>` },
      ],
    },
  };
}

/** The tools an agent config offers now (its list, or what its function gives). */
export function toolsNow(config: Pick<AgentConfig, "tools">): readonly Tool[] {
  return typeof config.tools === "function" ? config.tools() : config.tools;
}

/** Picks up a changed tool list before a request; an unchanged one costs one comparison. */
function syncTools(session: Session): void {
  const list = toolsNow(session.config);
  if (list === session.toolList) return;
  session.toolList = list;
  session.toolsByName = toolLookup(list);
  const specs = list.map(toolSpec);
  if (JSON.stringify(specs) === JSON.stringify(session.toolSpecs)) return;
  session.toolSpecs = specs;
  session.meter.retool(specs);
}

/** Tools by name, and by their aliases (`Agent` for `Task`) where no tool has that name. */
function toolLookup(tools: readonly Tool[]): ReadonlyMap<string, Tool> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const tool of tools) {
    for (const alias of tool.aliases ?? []) if (!byName.has(alias)) byName.set(alias, tool);
  }
  return byName;
}

function policyReader(policy: AgentConfig["policy"]): () => PermissionPolicy {
  return typeof policy === "function" ? policy : () => policy;
}

/** What `onPathsTouched` says about the files this turn's successful file-tool calls used. */
async function touchedNote(
  config: AgentConfig,
  tools: ReadonlyMap<string, Tool>,
  calls: readonly ToolUseBlock[],
  results: readonly ToolResultBlock[],
): Promise<string | undefined> {
  if (!config.onPathsTouched) return undefined;
  const failed = new Set(results.filter((r) => r.is_error).map((r) => r.tool_use_id));
  const root = config.toolSession.workspace.root;
  const paths: string[] = [];
  for (const call of calls) {
    const tool = tools.get(call.name);
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
  const hooked = await session.config.hooks?.preCompact?.(
    {
      trigger: "manual",
      ...(io.instructions !== undefined ? { instructions: io.instructions } : {}),
    },
    io.signal,
  );
  if (hooked?.stopRun !== undefined) {
    return {
      outcome: "nothing_to_compact",
      summary: null,
      tokensBefore,
      tokensAfter: tokensBefore,
      reason: `a PreCompact hook stopped it (${hooked.stopRun})`,
      usage: emptyUsage(),
      costUsd: 0,
      apiDurationMs: 0,
    };
  }
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
