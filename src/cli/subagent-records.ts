// Records each subagent's events in its own transcript beside the session's (sessions'
// `<id>/subagents/<tool_use_id>.jsonl`), as they arrive. The session's transcript keeps only
// the Task call and its result, as the parent's conversation does.

import type { AgentEvent } from "../core/events.ts";
import type { Usage } from "../core/usage.ts";
import type { SubagentTranscript } from "../sessions/index.ts";

type SessionsModule = typeof import("../sessions/index.ts");

export interface SubagentRecordsOptions {
  cairnHome: string;
  root: string;
  sessionId: string;
  /** The parent's model, provider and pricing, once the session is described. */
  facts: () => { model: string; provider: string; costOf: (usage: Usage) => number } | undefined;
  warn: (message: string) => void;
}

export interface SubagentRecords {
  record(event: Extract<AgentEvent, { type: "subagent" }>): void;
  /** The Task call ended: its transcript is complete. */
  finish(toolUseId: string): void;
  /** Waits for every write and closes every transcript. */
  close(): Promise<void>;
}

interface Open {
  /** Events wait here until the file exists (creating it is asynchronous), then are written. */
  pending: AgentEvent[];
  sessions?: SessionsModule;
  transcript?: SubagentTranscript;
  ready: Promise<void>;
  finished: boolean;
}

export function createSubagentRecords(options: SubagentRecordsOptions): SubagentRecords {
  const open = new Map<string, Open>();
  let failed = false;
  const report = (error: unknown): void => {
    // The run goes on without the record; the person is told once.
    if (!failed) options.warn(`could not write a subagent transcript: ${(error as Error).message}`);
    failed = true;
  };
  const flush = (entry: Open): void => {
    const { transcript, sessions } = entry;
    if (!transcript || !sessions) return;
    const costOf = options.facts()?.costOf ?? (() => 0);
    try {
      for (const event of entry.pending.splice(0)) {
        const item = sessions.entryForEvent(event, costOf);
        if (item) transcript.append(item);
      }
    } catch (error) {
      report(error);
    }
  };
  const closeOne = async (entry: Open): Promise<void> => {
    await entry.ready;
    flush(entry);
    await entry.transcript?.close().catch(report);
  };
  const start = (event: Extract<AgentEvent, { type: "subagent" }>): Open => {
    const created: Open = { pending: [], ready: Promise.resolve(), finished: false };
    created.ready = (async () => {
      const sessions = await import("../sessions/index.ts");
      const facts = options.facts();
      created.transcript = await sessions.createSubagentTranscript({
        cairnHome: options.cairnHome,
        root: options.root,
        sessionId: options.sessionId,
        toolUseId: event.parentToolUseId,
        agentType: event.agentType,
        model: facts?.model ?? "",
        provider: facts?.provider ?? "",
      });
      created.sessions = sessions;
      flush(created);
    })().catch(report);
    return created;
  };

  return {
    record(event) {
      if (event.event.type === "stream") return;
      let entry = open.get(event.parentToolUseId);
      if (!entry) {
        entry = start(event);
        open.set(event.parentToolUseId, entry);
      }
      entry.pending.push(event.event);
      flush(entry);
    },
    finish(toolUseId) {
      const entry = open.get(toolUseId);
      if (!entry || entry.finished) return;
      entry.finished = true;
      void closeOne(entry);
    },
    async close() {
      await Promise.all([...open.values()].map(closeOne));
    },
  };
}
