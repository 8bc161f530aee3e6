// The agent loop: request -> stream -> assistant message -> tool calls -> results -> repeat,
// until the model ends its turn, the turn limit is reached, the run is aborted or a call fails.
// It knows nothing of terminals: it emits AgentEvents and asks permission through a callback.

import type { AgentEvent } from "../core/events.ts";
import {
  textOf,
  toolUsesOf,
  type AssistantMessage,
  type Message,
  type UserMessage,
} from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { StopReason } from "../core/stream.ts";
import { costUsd, type ModelInfo } from "../providers/catalog.ts";
import { ProviderError } from "../providers/provider-error.ts";
import type { Provider, ToolSpec } from "../providers/types.ts";
import type { PermissionPolicy } from "../permissions/index.ts";
import { toolSpec, type Tool, type ToolSession } from "../tools/index.ts";
import { createAssembler } from "./assemble.ts";
import { errorResult, interruptedMessage, runToolCalls, type AskPermission } from "./run-tools.ts";

export interface AgentConfig {
  provider: Provider;
  model: ModelInfo;
  system: string;
  tools: readonly Tool[];
  policy: PermissionPolicy;
  askPermission?: AskPermission;
  /** Owned by the caller, who disposes it (killing background jobs) when the session ends. */
  toolSession: ToolSession;
  /** Model calls allowed in one run; undefined means no limit. */
  maxTurns?: number;
  thinkingBudget?: number;
  /** Output cap per call; undefined lets the server decide. */
  maxTokens?: number;
  maxToolResultChars?: number;
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
  /** Model calls completed in this run. */
  numTurns: number;
  usage: Usage;
  costUsd: number;
  apiDurationMs: number;
  stopReason: StopReason | null;
  error?: Error;
}

export interface Agent {
  readonly toolSpecs: readonly ToolSpec[];
  run(
    conversation: Conversation,
    prompt: UserMessage,
    io: { signal: AbortSignal; emit: (event: AgentEvent) => void },
  ): Promise<RunResult>;
}

export function createAgent(config: AgentConfig): Agent {
  // Computed once: the tool list is part of the cached prefix and must not change in a session.
  const toolSpecs = config.tools.map(toolSpec);
  const toolsByName = new Map(config.tools.map((t) => [t.name, t]));
  return {
    toolSpecs,
    run: (conversation, prompt, io) =>
      runLoop(config, toolSpecs, toolsByName, conversation, prompt, io.signal, io.emit),
  };
}

async function runLoop(
  config: AgentConfig,
  toolSpecs: readonly ToolSpec[],
  toolsByName: ReadonlyMap<string, Tool>,
  conversation: Conversation,
  prompt: UserMessage,
  signal: AbortSignal,
  emit: (event: AgentEvent) => void,
): Promise<RunResult> {
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
  });

  appendUser(conversation, prompt);
  emit({ type: "user", message: prompt, origin: "prompt" });

  for (;;) {
    if (signal.aborted) return result("aborted");
    if (config.maxTurns !== undefined && numTurns >= config.maxTurns) return result("max_turns");

    const assembler = createAssembler(config.model.id, `msg_${Date.now().toString(36)}`);
    const started = performance.now();
    let failure: Error | undefined;
    try {
      const stream = config.provider.stream(
        {
          model: config.model.id,
          system: config.system,
          messages: conversation.messages,
          tools: toolSpecs,
          maxTokens: config.maxTokens,
          thinkingBudget: config.thinkingBudget,
          thinkingStyle: config.model.thinking,
        },
        signal,
      );
      for await (const event of stream) {
        assembler.apply(event);
        if (event.type === "retry") {
          const { type: _retry, ...details } = event;
          emit({ type: "retry", ...details });
        } else {
          emit({ type: "stream", event });
        }
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      apiDurationMs += performance.now() - started;
    }

    const assembled = assembler.finish();
    const aborted =
      signal.aborted || (failure instanceof ProviderError && failure.kind === "aborted");
    if (failure && !aborted) {
      // A failed call leaves no partial message behind: the conversation stays as it was.
      return result("error", failure);
    }
    usage = addUsage(usage, assembled.usage);
    stopReason = assembled.stopReason;
    const message: AssistantMessage = assembled.message;
    if (!aborted) numTurns++;
    if (message.content.length > 0) {
      conversation.messages.push(message);
      finalText = textOf(message);
      emit({
        type: "assistant",
        message,
        turn: {
          id: assembled.id,
          model: assembled.model,
          stopReason: assembled.stopReason,
          usage: assembled.usage,
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
      tools: toolsByName,
      policy: config.policy,
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
    });
    appendToolResults(conversation, emit, results);
    if (signal.aborted) return result("aborted");
  }
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
