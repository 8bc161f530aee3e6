// What the checkpoint index says, computed without I/O: the turns with what each changed, and for
// a rewind, the state every changed path had when a given turn began.

import { sameState, type Entry, type PathState } from "./entries.ts";

export interface TurnSummary {
  index: number;
  /** The prompt's first line, shortened. */
  prompt: string;
  /** When the turn began (ISO 8601). */
  at: string;
  /** The conversation's length before this turn's prompt: keep this many messages to rewind it. */
  messageCount: number;
  /** The prompt's id in the session's transcript, if the caller gave one to beginTurn. */
  messageId?: string;
  /** Paths cairn's tools changed during the turn, in the order first touched. */
  files: string[];
  /** Of those, the ones whose earlier content was not saved, and why. */
  unsaved: Array<{ path: string; reason: string }>;
  /** Commands run during the turn whose effects on files are not saved (shell commands). */
  uncovered: Array<{ tool: string; command: string }>;
  /** Rewinds made during the turn, by the turn each restored to. */
  rewinds: number[];
}

export interface RestoreTarget {
  path: string;
  /** The earliest turn at or after the rewind point that changed the path. */
  turn: number;
  /** The state before that change: the path as it was when the rewind point's turn began. */
  state: PathState;
  /** What cairn itself last left at the path, if known, to spot changes made outside cairn. */
  lastWritten?: { turn: number; state: PathState };
}

export function turnSummaries(entries: readonly Entry[]): TurnSummary[] {
  const turns = new Map<number, TurnSummary>();
  const before = new Map<string, PathState>();
  const after = new Map<string, PathState>();
  for (const entry of entries) {
    switch (entry.type) {
      case "turn":
        turns.set(entry.index, {
          index: entry.index,
          prompt: entry.prompt,
          at: entry.at,
          messageCount: entry.messageCount,
          ...(entry.messageId !== undefined ? { messageId: entry.messageId } : {}),
          files: [],
          unsaved: [],
          uncovered: [],
          rewinds: [],
        });
        break;
      case "file": {
        // A rewind's own changes are recorded (so a later rewind can go back past them), but
        // they are not the turn's work, so they are listed as a rewind rather than as files.
        if (entry.cause !== "tool") break;
        const summary = turns.get(entry.turn);
        if (!summary) break;
        summary.files.push(entry.path);
        before.set(`${entry.turn}\0${entry.path}`, entry.before);
        if (entry.before.kind === "unsaved") {
          summary.unsaved.push({ path: entry.path, reason: entry.before.reason });
        }
        break;
      }
      case "after":
        after.set(`${entry.turn}\0${entry.path}`, entry.state);
        break;
      case "uncovered":
        turns.get(entry.turn)?.uncovered.push({ tool: entry.tool, command: entry.command });
        break;
      case "rewind":
        turns.get(entry.turn)?.rewinds.push(entry.toTurn);
        break;
      default: {
        const never: never = entry;
        return never;
      }
    }
  }
  // A tool that failed before writing left the file as it was: not a change worth listing.
  for (const summary of turns.values()) {
    summary.files = summary.files.filter((path) => {
      const key = `${summary.index}\0${path}`;
      const was = before.get(key);
      const now = after.get(key);
      return was === undefined || now === undefined || !sameState(was, now);
    });
  }
  return [...turns.values()].sort((a, b) => a.index - b.index);
}

/**
 * For every path changed in turn `toTurn` or later, the state before its earliest change in
 * those turns. The index is in time order, so that is the path as it was when `toTurn` began
 * (unless something outside cairn changed it, which `lastWritten` helps to notice).
 */
export function restoreTargets(entries: readonly Entry[], toTurn: number): RestoreTarget[] {
  const targets = new Map<string, RestoreTarget>();
  const lastWritten = new Map<string, { turn: number; state: PathState }>();
  for (const entry of entries) {
    if (entry.type === "after")
      lastWritten.set(entry.path, { turn: entry.turn, state: entry.state });
    if (entry.type !== "file" || entry.turn < toTurn || targets.has(entry.path)) continue;
    targets.set(entry.path, { path: entry.path, turn: entry.turn, state: entry.before });
  }
  return [...targets.values()].map((target) => {
    const written = lastWritten.get(target.path);
    return written ? { ...target, lastWritten: written } : target;
  });
}

/** Commands run in turn `toTurn` or later whose effects a rewind does not undo. */
export function uncoveredSince(
  entries: readonly Entry[],
  toTurn: number,
): Array<{ turn: number; tool: string; command: string }> {
  return entries.flatMap((entry) =>
    entry.type === "uncovered" && entry.turn >= toTurn
      ? [{ turn: entry.turn, tool: entry.tool, command: entry.command }]
      : [],
  );
}
