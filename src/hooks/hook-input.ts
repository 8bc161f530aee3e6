// The JSON a hook reads on stdin: the fields every event carries, then the event's own,
// named as Claude Code documents them so existing hook scripts read cairn's input unchanged.

import type { HookEvent } from "./hook-table.ts";

export interface CommonFields {
  sessionId: string;
  /** The session's JSONL transcript ("" when the session is not recorded). */
  transcriptPath: string;
  cwd: string;
  permissionMode: string;
}

/** Each event's own fields, already in their wire names (`tool_name`, `stop_hook_active`…). */
export type EventFields = Readonly<Record<string, unknown>>;

export function hookInput(event: HookEvent, common: CommonFields, fields: EventFields): string {
  return JSON.stringify({
    session_id: common.sessionId,
    transcript_path: common.transcriptPath,
    cwd: common.cwd,
    hook_event_name: event,
    permission_mode: common.permissionMode,
    ...fields,
  });
}
