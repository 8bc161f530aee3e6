// The hooks service: runs the settings' command hooks for each event and answers the agent's
// hooks port (agent/hooks-port.ts), plus SessionStart and SessionEnd for front-ends. Messages for
// the person go to `onMessage`; the model only ever sees what the port's outcomes carry.

import { findOnPath, type HookMatcher } from "../config/index.ts";
import type {
  AgentHooks,
  HookStop,
  PostToolUseOutcome,
  PreToolUseOutcome,
  PromptOutcome,
  StopOutcome,
} from "../agent/index.ts";
import {
  collect,
  permissionVerdict,
  type Collected,
  type Fired,
  type HookMessage,
} from "./collect.ts";
import { hookInput, type EventFields } from "./hook-input.ts";
import { compileHooks, handlersFor, type HookEvent } from "./hook-table.ts";
import { hookShell, runHandler, type Shell } from "./run-handler.ts";

export type SessionStartSource = "startup" | "resume" | "clear" | "compact";
export type SessionEndReason = "clear" | "logout" | "prompt_input_exit" | "other";

export interface HookServiceOptions {
  /** The effective settings' `hooks`. */
  hooks: Readonly<Record<string, readonly HookMatcher[]>>;
  /** The workspace root: the hooks' working folder and `CLAUDE_PROJECT_DIR`. */
  projectDir: string;
  /** The session's environment (the process's plus the settings' `env`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The session hooks run in; read at each event (the TUI's /clear starts a new one). */
  session: () => { sessionId: string; transcriptPath: string | undefined };
  permissionMode: () => string;
  onMessage: (message: HookMessage) => void;
  /** Defaults to bash on PATH, else /bin/sh. */
  shell?: Shell;
}

export interface HookService extends AgentHooks {
  /** Problems found in the configuration (unknown events, skipped handler types). */
  readonly warnings: readonly string[];
  /** Runs SessionStart hooks; their context joins the next prompt the agent sends. */
  sessionStart(source: SessionStartSource, signal?: AbortSignal): Promise<void>;
  sessionEnd(reason: SessionEndReason, signal?: AbortSignal): Promise<void>;
}

/** The hooks service for these settings, or undefined when there is nothing to run. */
export function createHookService(options: HookServiceOptions): HookService | undefined {
  const { table, warnings } = compileHooks(options.hooks);
  if (table.size === 0 && warnings.length === 0) return undefined;
  const env: NodeJS.ProcessEnv = {
    ...options.env,
    CLAUDE_PROJECT_DIR: options.projectDir,
    CAIRN_PROJECT_DIR: options.projectDir,
  };
  let shell = options.shell;
  /** SessionStart context waiting for the next prompt. */
  let pendingContext: string[] = [];

  const fire = async (
    event: HookEvent,
    subject: string | undefined,
    fields: EventFields,
    signal: AbortSignal,
  ): Promise<Collected> => {
    const handlers = handlersFor(table, event, subject);
    if (handlers.length === 0) return collect(event, []);
    shell ??= hookShell(findOnPath(["bash"], options.env));
    const session = options.session();
    const input = hookInput(
      event,
      {
        sessionId: session.sessionId,
        transcriptPath: session.transcriptPath ?? "",
        cwd: options.projectDir,
        permissionMode: options.permissionMode(),
      },
      fields,
    );
    const runOptions = { shell, cwd: options.projectDir, env, signal };
    const fired: Fired[] = await Promise.all(
      handlers.map(async (handler) => ({
        handler,
        run: await runHandler(handler, input, runOptions),
      })),
    );
    const collected = collect(event, fired);
    for (const message of collected.messages) options.onMessage(message);
    if (collected.stop !== undefined) {
      options.onMessage({
        event,
        text: `${event} hook stopped the run: ${collected.stop}`,
        level: "warning",
      });
    }
    return collected;
  };
  const stopOf = (collected: Collected): HookStop =>
    collected.stop !== undefined ? { stopRun: collected.stop } : {};
  const joined = (parts: readonly string[]): string | undefined =>
    parts.length > 0 ? parts.join("\n\n") : undefined;

  const stopEvent =
    (event: "Stop" | "SubagentStop") =>
    async (
      info: { stopHookActive: boolean; lastAssistantText: string },
      signal: AbortSignal,
    ): Promise<StopOutcome> => {
      const collected = await fire(
        event,
        undefined,
        { stop_hook_active: info.stopHookActive, last_assistant_message: info.lastAssistantText },
        signal,
      );
      const block = joined(collected.blocks);
      return { ...stopOf(collected), ...(block !== undefined ? { block } : {}) };
    };

  return {
    warnings,

    async userPromptSubmit(prompt, signal): Promise<PromptOutcome> {
      const fromSessionStart = pendingContext;
      pendingContext = [];
      const collected = await fire("UserPromptSubmit", undefined, { prompt }, signal);
      const block = joined(collected.blocks);
      if (block !== undefined) {
        options.onMessage({
          event: "UserPromptSubmit",
          text: `UserPromptSubmit hook blocked the prompt: ${block}`,
          level: "warning",
        });
        // The prompt was not sent, so the context SessionStart gave still waits for one.
        pendingContext = fromSessionStart;
      }
      const context = joined([...fromSessionStart, ...collected.contexts]);
      return {
        ...stopOf(collected),
        ...(block !== undefined ? { block } : {}),
        ...(context !== undefined ? { additionalContext: context } : {}),
      };
    },

    async preToolUse(call, signal): Promise<PreToolUseOutcome> {
      const collected = await fire(
        "PreToolUse",
        call.toolName,
        { tool_name: call.toolName, tool_input: call.input, tool_use_id: call.toolUseId },
        signal,
      );
      const verdict = permissionVerdict(collected);
      const updatedInput = verdict?.decision === "deny" ? undefined : collected.updatedInputs[0];
      const context = joined(collected.contexts);
      return {
        ...stopOf(collected),
        ...(verdict ? { decision: verdict.decision } : {}),
        ...(verdict?.reason !== undefined ? { reason: verdict.reason } : {}),
        ...(updatedInput !== undefined ? { updatedInput } : {}),
        ...(context !== undefined ? { additionalContext: context } : {}),
      };
    },

    async postToolUse(call, signal): Promise<PostToolUseOutcome> {
      const collected = await fire(
        "PostToolUse",
        call.toolName,
        {
          tool_name: call.toolName,
          tool_input: call.input,
          tool_use_id: call.toolUseId,
          tool_response: call.response,
        },
        signal,
      );
      const feedback = joined(collected.blocks);
      const context = joined(collected.contexts);
      return {
        ...stopOf(collected),
        ...(feedback !== undefined ? { feedback } : {}),
        ...(context !== undefined ? { additionalContext: context } : {}),
      };
    },

    stop: stopEvent("Stop"),
    subagentStop: stopEvent("SubagentStop"),

    async preCompact(info, signal): Promise<HookStop> {
      const collected = await fire(
        "PreCompact",
        info.trigger,
        { trigger: info.trigger, custom_instructions: info.instructions ?? "" },
        signal,
      );
      return stopOf(collected);
    },

    notification(message, type) {
      // Fire and forget: the question on screen must not wait for a notifier script.
      void fire(
        "Notification",
        type,
        { message, ...(type !== undefined ? { notification_type: type } : {}) },
        new AbortController().signal,
      ).catch((error: unknown) => {
        options.onMessage({
          event: "Notification",
          text: `Notification hooks failed: ${error instanceof Error ? error.message : String(error)}`,
          level: "warning",
        });
      });
    },

    async sessionStart(source, signal = new AbortController().signal) {
      const collected = await fire("SessionStart", source, { source }, signal);
      pendingContext.push(...collected.contexts);
    },

    async sessionEnd(reason, signal = new AbortController().signal) {
      await fire("SessionEnd", reason, { reason }, signal);
    },
  };
}
