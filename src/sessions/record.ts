// The entries a running session appends, made from what the agent reports: its events and the
// result of each run. The caller supplies pricing, which lives with the providers.

import type { AgentEvent } from "../core/events.ts";
import type { Usage } from "../core/usage.ts";
import type { EntryInput } from "./entries.ts";

/**
 * The entry for an agent event: a `message` for each `user` event (prompt or tool results) and
 * each `assistant` event (with model, usage and cost), a `compaction` for each compaction;
 * undefined for the others, which are not part of the conversation.
 */
export function entryForEvent(
  event: AgentEvent,
  costOf: (usage: Usage) => number,
): EntryInput | undefined {
  switch (event.type) {
    case "user":
      return { type: "message", message: event.message };
    case "assistant":
      return {
        type: "message",
        message: event.message,
        model: event.turn.model,
        usage: event.turn.usage,
        costUsd: costOf(event.turn.usage),
      };
    case "compaction":
      return {
        type: "compaction",
        trigger: event.trigger,
        summary: event.summary,
        elided: event.elided,
        messages: event.messages,
        tokensBefore: event.tokensBefore,
        tokensAfter: event.tokensAfter,
        usage: event.usage,
        costUsd: costOf(event.usage),
      };
    case "stream":
    case "retry":
    case "tool_start":
    case "tool_end":
    case "permission_denied":
      return undefined;
    case "subagent":
      // A subagent's messages are not part of this conversation: they go to its own transcript.
      return undefined;
    default: {
      const never: never = event;
      return never;
    }
  }
}

/** What a run reports at its end (the agent's RunResult has these fields). */
export interface RunSummary {
  outcome: string;
  numTurns: number;
  usage: Usage;
  costUsd: number;
}

export function resultEntry(run: RunSummary, durationMs?: number): EntryInput {
  return {
    type: "result",
    outcome: run.outcome,
    numTurns: run.numTurns,
    usage: run.usage,
    costUsd: run.costUsd,
    ...(durationMs === undefined ? {} : { durationMs: Math.round(durationMs) }),
  };
}
