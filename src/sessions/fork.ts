// Forking: a new session that starts with another's conversation (`--fork-session`, `/branch`).
// The original transcript is only read, never touched, so forking works while another cairn
// is writing it.

import type { LoadedSession } from "./load-transcript.ts";
import { createTranscript, type TranscriptWriter } from "./transcript-writer.ts";

export interface ForkOptions {
  cairnHome: string;
  /** The workspace root (a real path): the fork belongs to this folder. */
  root: string;
  newId: string;
  /** The model and provider the fork goes on with; the original's by default. */
  model?: string;
  provider?: string;
  now?: () => Date;
}

/**
 * Writes a new transcript whose header names the original (`forkedFrom`) and whose entries
 * re-state `loaded.messages` (already replayed and repaired) one message each. Spending stays
 * with the original: the copied messages carry no usage or cost. Returns the open writer.
 */
export async function forkSession(
  loaded: LoadedSession,
  options: ForkOptions,
): Promise<TranscriptWriter> {
  const writer = await createTranscript({
    cairnHome: options.cairnHome,
    root: options.root,
    sessionId: options.newId,
    header: {
      model: options.model ?? loaded.model,
      provider: options.provider ?? loaded.header.provider,
      forkedFrom: { sessionId: loaded.sessionId, entryCount: loaded.entryCount },
    },
    ...(options.now ? { now: options.now } : {}),
  });
  try {
    if (loaded.title !== undefined) writer.append({ type: "title", title: loaded.title });
    for (const message of loaded.messages) writer.append({ type: "message", message });
    await writer.sync();
  } catch (error) {
    await writer.close();
    throw error;
  }
  return writer;
}
