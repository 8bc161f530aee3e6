// Public face of sessions: one append-only JSONL transcript per session under
// `<cairn home>/projects/<workspace key>/`, read back for --continue, --resume and forks, listed
// for the picker, cleaned after `cleanupPeriodDays`. A service: it imports only core.
export { workspaceKey, projectDir, projectsDir, sessionPaths, isValidSessionId } from "./paths.ts";
export type { SessionPaths } from "./paths.ts";
export { messageSchema, parseLine, transcriptVersion } from "./entries.ts";
export type {
  CompactionEntry,
  EntryInput,
  MessageEntry,
  ResultEntry,
  RewindEntry,
  SessionEntry,
  SessionTotals,
  TitleEntry,
  TranscriptEntry,
} from "./entries.ts";
export { createTranscript, openTranscriptForAppend } from "./transcript-writer.ts";
export type {
  CreateTranscriptOptions,
  SessionHeaderInput,
  TranscriptWriter,
} from "./transcript-writer.ts";
export { loadTranscript } from "./load-transcript.ts";
export type { LoadedSession } from "./load-transcript.ts";
export { promptsOf, replayEntries } from "./replay.ts";
export type { Prompt } from "./replay.ts";
export {
  repairConversation,
  repairConversationWithNotes,
  unfinishedToolCallMessage,
} from "./repair.ts";
export { findSession, latestSession, listSessions, oneLine } from "./listing.ts";
export type { FoundSession, ListOptions, SessionSummary } from "./listing.ts";
export { forkSession } from "./fork.ts";
export type { ForkOptions } from "./fork.ts";
export { cleanupSessions } from "./cleanup.ts";
export type { CleanupResult } from "./cleanup.ts";
export { lockStatus } from "./lock.ts";
export type { LockInfo, LockStatus } from "./lock.ts";
export { entryForEvent, resultEntry } from "./record.ts";
export type { RunSummary } from "./record.ts";
export { createSubagentTranscript } from "./subagent-transcript.ts";
export type { SubagentTranscript, SubagentTranscriptOptions } from "./subagent-transcript.ts";
