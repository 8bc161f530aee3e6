// Rebuilds the conversation to continue from out of a transcript's entries: messages append,
// a compaction replaces, a rewind goes back to the state before an earlier entry. Pure.

import type { Message } from "../core/messages.ts";
import type { TranscriptEntry } from "./entries.ts";

/** A message of the replayed conversation and the line it came from. */
interface Placed {
  message: Message;
  entry: number;
}

/**
 * `entries[i]` is the entry on line i (undefined where a line was skipped). The result may still
 * break the pairing invariant (a run cut mid-tool); `repairConversation` fixes that.
 */
export function replayEntries(
  entries: readonly (TranscriptEntry | undefined)[],
  warn: (message: string) => void,
): Message[] {
  return replay(entries, warn).map((placed) => placed.message);
}

export interface Prompt {
  /** The line of the prompt: a `rewind` entry with this `toEntry` goes back to just before it. */
  entry: number;
  at: string;
  text: string;
}

/**
 * The prompts of the conversation as it stands (not those rewound away or summarised by a
 * compaction), oldest first: what a "rewind conversation" menu offers.
 */
export function promptsOf(entries: readonly (TranscriptEntry | undefined)[]): Prompt[] {
  const prompts: Prompt[] = [];
  for (const { message, entry } of replay(entries, () => {})) {
    const source = entries[entry];
    if (source?.type !== "message" || message.role !== "user") continue;
    if (message.content.some((block) => block.type === "tool_result")) continue;
    const text = message.content
      .flatMap((block) => (block.type === "text" ? [block.text] : []))
      .join("\n");
    prompts.push({ entry, at: source.at, text });
  }
  return prompts;
}

function replay(
  entries: readonly (TranscriptEntry | undefined)[],
  warn: (message: string) => void,
): Placed[] {
  // Only the states a rewind goes back to are kept, taken as the replay passes them.
  const targets = new Set<number>();
  for (const entry of entries) if (entry?.type === "rewind") targets.add(entry.toEntry);
  const snapshots = new Map<number, Placed[]>();

  let messages: Placed[] = [];
  entries.forEach((entry, index) => {
    if (targets.has(index)) snapshots.set(index, [...messages]);
    if (entry === undefined) return;
    switch (entry.type) {
      case "message":
        messages.push({ message: entry.message, entry: index });
        return;
      case "compaction":
        messages = entry.messages.map((message) => ({ message, entry: index }));
        return;
      case "rewind": {
        const state = entry.toEntry < index ? snapshots.get(entry.toEntry) : undefined;
        if (state === undefined) {
          warn(
            `line ${index + 1}: rewind to entry ${entry.toEntry}, which is not earlier; ignored`,
          );
          return;
        }
        messages = [...state];
        return;
      }
      case "session":
      case "result":
      case "title":
        return;
      default: {
        const never: never = entry;
        return never;
      }
    }
  });
  return messages;
}
