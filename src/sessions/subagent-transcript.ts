// A subagent's transcript, kept beside its parent's in the session's side folder:
// `<id>/subagents/<tool_use_id>.jsonl`, with the parent's entry format (message entries, a
// result at the end), written line by line as the child works. Removed with the session.

import { closeSync, constants, fsync, openSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  serializeEntry,
  transcriptVersion,
  type EntryInput,
  type TranscriptEntry,
} from "./entries.ts";
import { projectDir, sessionPaths } from "./paths.ts";
import { createLineAppender } from "./transcript-writer.ts";

const fsyncAsync = promisify(fsync);

export interface SubagentTranscriptOptions {
  cairnHome: string;
  /** The workspace root, a real path. */
  root: string;
  /** The parent session's id. */
  sessionId: string;
  /** The Task call that runs the subagent. */
  toolUseId: string;
  agentType: string;
  /** The parent's model and provider, for the header (the child's own model is on each turn). */
  model: string;
  provider: string;
  now?: () => Date;
}

export interface SubagentTranscript {
  readonly path: string;
  /** Writes one entry now, stamping `at`; throws a `session_write` CairnError on failure. */
  append(entry: EntryInput): void;
  /** fsync and close; idempotent. */
  close(): Promise<void>;
}

/** The file of one subagent run; the call id is made safe to be a file name. */
function subagentTranscriptPath(
  cairnHome: string,
  root: string,
  sessionId: string,
  toolUseId: string,
): string {
  const { dataDir } = sessionPaths(projectDir(cairnHome, root), sessionId);
  const name = toolUseId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 128) || "call";
  return join(dataDir, "subagents", `${name}.jsonl`);
}

/**
 * Creates the transcript with a `session` header naming the parent and the call. A file already
 * there (a call id repeated in a resumed session) is appended to, never overwritten.
 */
export async function createSubagentTranscript(
  options: SubagentTranscriptOptions,
): Promise<SubagentTranscript> {
  const now = options.now ?? (() => new Date());
  const path = subagentTranscriptPath(
    options.cairnHome,
    options.root,
    options.sessionId,
    options.toolUseId,
  );
  await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  let closed = false;
  const lines = createLineAppender(fd, {
    what: `the subagent transcript ${path}`,
    hint: "Free some disk space or fix the folder's permissions.",
  });
  const write = (entry: TranscriptEntry): void => {
    if (closed) throw new Error(`transcript ${path} is closed`);
    lines.append(serializeEntry(entry));
  };
  try {
    // Extra header fields (`parentSessionId`, `toolUseId`, `agentType`) are ignored by readers of
    // the session format, which keep only the fields they know.
    const header = {
      type: "session" as const,
      at: now().toISOString(),
      version: transcriptVersion,
      sessionId: options.sessionId,
      cwd: options.root,
      model: options.model,
      provider: options.provider,
      parentSessionId: options.sessionId,
      toolUseId: options.toolUseId,
      agentType: options.agentType,
    };
    write(header);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return {
    path,
    append(input) {
      const { type, at, ...body } = input;
      // Rebuilding loses the union's link between `type` and the other fields; they are the
      // caller's, already typed as an EntryInput of this `type`.
      write({ type, at: at ?? now().toISOString(), ...body } as TranscriptEntry);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await fsyncAsync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
