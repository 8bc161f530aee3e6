// Walking the prompt history with Up/Down: which entry shows, and the text being typed kept
// aside until the walk comes back down to it. Pure; reading and writing the file is history-file.ts.

import type { PastedText } from "./paste.ts";

/** A prompt as the editor holds it: the shown text (with paste labels) and the pastes behind it. */
export interface PromptDraft {
  text: string;
  pastes: readonly PastedText[];
}

/** Where a walk through the history is: the entry shown, and the prompt it started from. */
export interface Recall {
  index: number;
  draft: PromptDraft;
}

export type RecallStep = { recall: Recall | undefined; shown: PromptDraft } | undefined;

/** One step back in time, or undefined at the oldest entry (or with no history). */
export function olderEntry(
  entries: readonly PromptDraft[],
  recall: Recall | undefined,
  current: PromptDraft,
): RecallStep {
  const index = (recall?.index ?? entries.length) - 1;
  const shown = entries[index];
  if (index < 0 || !shown) return undefined;
  return { recall: { index, draft: recall?.draft ?? current }, shown };
}

/** One step forward; past the newest entry the prompt being typed comes back. */
export function newerEntry(
  entries: readonly PromptDraft[],
  recall: Recall | undefined,
): RecallStep {
  if (!recall) return undefined;
  const index = recall.index + 1;
  const shown = entries[index];
  if (index >= entries.length || !shown) return { recall: undefined, shown: recall.draft };
  return { recall: { index, draft: recall.draft }, shown };
}

/** The history after submitting `entry`: repeats of the newest entry are not stored twice. */
export function withEntry(
  entries: readonly PromptDraft[],
  entry: PromptDraft,
  cap: number,
): PromptDraft[] {
  const last = entries.at(-1);
  const next = last && sameDraft(last, entry) ? [...entries] : [...entries, entry];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

function sameDraft(a: PromptDraft, b: PromptDraft): boolean {
  return (
    a.text === b.text &&
    a.pastes.length === b.pastes.length &&
    a.pastes.every(
      (paste, i) => paste.label === b.pastes[i]?.label && paste.text === b.pastes[i]?.text,
    )
  );
}
