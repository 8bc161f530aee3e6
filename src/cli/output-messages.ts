// The print-mode output contract: the JSON objects `--output-format json|stream-json` writes,
// shaped as `claude -p` documents them (system/init, assistant, user, system/api_retry, result).

import { randomUUID } from "node:crypto";
import type { AgentEvent } from "../core/events.ts";
import type { Block, Message } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import type { RunResult } from "../agent/index.ts";
import type { ModelInfo } from "../providers/index.ts";
import { anthropicStreamEvents } from "./partial-events.ts";

export interface PermissionDenial {
  tool_name: string;
  tool_use_id: string;
  tool_input: unknown;
}

export interface WireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export function wireUsage(usage: Usage): WireUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
  };
}

/** Content blocks as the Messages API shows them: provider-private data stays private. */
export function publicContent(message: Message): Block[] {
  return message.content.map((block) => {
    if (!("providerData" in block) || block.providerData === undefined) return block;
    const { providerData: _private, ...rest } = block;
    return rest;
  });
}

export interface InitInfo {
  sessionId: string;
  cwd: string;
  model: string;
  tools: readonly string[];
  permissionMode: string;
  version: string;
  /** Which environment variable supplied the credential, or "none". */
  apiKeySource: string;
  /** MCP servers and their status (`connected`, `failed`, `needs-approval`…). */
  mcpServers?: ReadonlyArray<{
    name: string;
    status: string;
    error?: string;
    withheldTools?: string[];
  }>;
  /** MCP entries skipped by validation. */
  mcpServerErrors?: ReadonlyArray<{ name: string; type: string; message: string }>;
  /** Custom commands and skills `/name` runs, and every skill's name. */
  slashCommands?: readonly string[];
  skills?: readonly string[];
  /** The subagent types the Task tool offers. */
  agents?: readonly string[];
}

export function initMessage(info: InitInfo): Record<string, unknown> {
  return {
    type: "system",
    subtype: "init",
    uuid: randomUUID(),
    session_id: info.sessionId,
    cwd: info.cwd,
    model: info.model,
    tools: info.tools,
    mcp_servers: (info.mcpServers ?? []).map((s) => ({
      name: s.name,
      status: s.status,
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.withheldTools !== undefined ? { withheld_tools: s.withheldTools } : {}),
    })),
    ...(info.mcpServerErrors && info.mcpServerErrors.length > 0
      ? { mcp_server_errors: info.mcpServerErrors }
      : {}),
    permissionMode: info.permissionMode,
    slash_commands: info.slashCommands ?? [],
    skills: info.skills ?? [],
    ...(info.agents !== undefined ? { agents: info.agents } : {}),
    apiKeySource: info.apiKeySource,
    cairn_version: info.version,
    output_style: "default",
  };
}

/**
 * The stream-json lines for an agent event (none for events that have no line). A subagent's
 * events become the same lines with `parent_tool_use_id` naming the Task call that runs it.
 */
export function eventMessages(
  event: AgentEvent,
  sessionId: string,
  includePartial: boolean,
  parentToolUseId: string | null = null,
): Array<Record<string, unknown>> {
  if (event.type === "subagent") {
    return eventMessages(event.event, sessionId, includePartial, event.parentToolUseId);
  }
  if (event.type === "stream") {
    if (!includePartial) return [];
    return anthropicStreamEvents(event.event).map((raw) => ({
      type: "stream_event",
      event: raw,
      parent_tool_use_id: parentToolUseId,
      session_id: sessionId,
      uuid: randomUUID(),
    }));
  }
  const line = eventMessage(event, sessionId, parentToolUseId);
  return line ? [line] : [];
}

function eventMessage(
  event: AgentEvent,
  sessionId: string,
  parentToolUseId: string | null,
): Record<string, unknown> | undefined {
  const base = { parent_tool_use_id: parentToolUseId, session_id: sessionId, uuid: randomUUID() };
  switch (event.type) {
    case "assistant":
      return {
        type: "assistant",
        message: {
          id: event.turn.id,
          type: "message",
          role: "assistant",
          model: event.turn.model,
          content: publicContent(event.message),
          stop_reason: event.turn.stopReason,
          stop_sequence: null,
          usage: wireUsage(event.turn.usage),
        },
        ...base,
      };
    case "user":
      // The prompt is the caller's own input; like `claude -p`, only tool results are echoed. A
      // subagent's prompt was written by the model, so it is shown.
      if (event.origin === "prompt" && parentToolUseId === null) return undefined;
      return {
        type: "user",
        message: { role: "user", content: publicContent(event.message) },
        ...base,
      };
    case "retry":
      return {
        type: "system",
        subtype: "api_retry",
        attempt: event.attempt,
        max_retries: event.maxRetries,
        retry_delay_ms: event.delayMs,
        error_status: event.errorStatus,
        error: event.error,
        session_id: sessionId,
        uuid: base.uuid,
      };
    case "compaction":
      // Eliding old tool output alone is not a boundary: the conversation keeps its turns.
      if (event.summary === null) return undefined;
      return {
        type: "system",
        subtype: "compact_boundary",
        compact_metadata: { trigger: event.trigger, pre_tokens: event.tokensBefore },
        session_id: sessionId,
        uuid: base.uuid,
      };
    case "stream":
    case "tool_start":
    case "tool_end":
    case "permission_denied":
    case "subagent": // unwrapped by eventMessages
      return undefined;
    default: {
      const never: never = event;
      throw new Error(`unhandled event ${JSON.stringify(never)}`);
    }
  }
}

export type ResultSubtype = "success" | "error_max_turns" | "error_during_execution";

export interface ResultInfo {
  run: RunResult;
  sessionId: string;
  /** The model that ran, for `modelUsage`; absent when setup failed before one was chosen. */
  model?: ModelInfo;
  durationMs: number;
  denials: readonly PermissionDenial[];
  /** Set when the run ended on a signal or a failure; becomes `errors`. */
  errors: readonly string[];
}

export function resultSubtype(run: RunResult): ResultSubtype {
  switch (run.outcome) {
    case "success":
      return "success";
    case "max_turns":
      return "error_max_turns";
    case "aborted":
    case "error":
      return "error_during_execution";
    default: {
      const never: never = run.outcome;
      return never;
    }
  }
}

export function resultMessage(info: ResultInfo): Record<string, unknown> {
  const subtype = resultSubtype(info.run);
  const isError = subtype !== "success";
  return {
    type: "result",
    subtype,
    is_error: isError,
    duration_ms: Math.round(info.durationMs),
    duration_api_ms: Math.round(info.run.apiDurationMs),
    num_turns: info.run.numTurns,
    result:
      subtype === "error_during_execution" && info.errors.length > 0
        ? info.errors.join("\n")
        : info.run.finalText,
    stop_reason: info.run.stopReason,
    session_id: info.sessionId,
    total_cost_usd: info.run.costUsd,
    usage: wireUsage(info.run.usage),
    permission_denials: info.denials,
    modelUsage: info.model ? modelUsage(info.model, info.run) : {},
    ...(isError ? { errors: info.errors } : {}),
    terminal_reason: terminalReason(info.run),
    uuid: randomUUID(),
  };
}

function modelUsage(model: ModelInfo, run: RunResult): Record<string, unknown> {
  return {
    [model.id]: {
      inputTokens: run.usage.inputTokens,
      outputTokens: run.usage.outputTokens,
      cacheReadInputTokens: run.usage.cacheReadInputTokens,
      cacheCreationInputTokens: run.usage.cacheCreationInputTokens,
      webSearchRequests: 0,
      costUSD: run.costUsd,
      contextWindow: model.contextWindow,
      maxOutputTokens: model.maxOutputTokens,
    },
  };
}

function terminalReason(run: RunResult): string {
  switch (run.outcome) {
    case "success":
      return run.hookStopped !== undefined ? "hook_stopped" : "completed";
    case "max_turns":
      return "max_turns";
    case "aborted":
      return "aborted";
    case "error":
      return "error";
    default: {
      const never: never = run.outcome;
      return never;
    }
  }
}

/** A hook's line for the person (its systemMessage, a failure, a block) as a stream-json line. */
export function hookMessageLine(
  message: { event: string; command?: string; text: string; level: string },
  sessionId: string,
): Record<string, unknown> {
  return {
    type: "system",
    subtype: "hook_response",
    hook_event: message.event,
    ...(message.command !== undefined ? { hook_name: message.command } : {}),
    output: message.text,
    level: message.level,
    session_id: sessionId,
    uuid: randomUUID(),
  };
}
