// Reads a transcript back: every line judged on its own, so a torn last line (crash, full disk)
// or a damaged line in the middle costs that line only. Returns the conversation to continue.

import { readFile, stat } from "node:fs/promises";
import { CairnError, errorMessage } from "../core/errors.ts";
import type { Message } from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import {
  parseLine,
  transcriptVersion,
  type SessionEntry,
  type TranscriptEntry,
} from "./entries.ts";
import { isErrnoCode } from "../fs/index.ts";
import { repairConversationWithNotes } from "./repair.ts";
import { replayEntries } from "./replay.ts";

export interface LoadedSession {
  path: string;
  sessionId: string;
  header: SessionEntry;
  /** The conversation to continue from: entries replayed (compactions, rewinds), then repaired. */
  messages: Message[];
  /** The entry on each line (0-based), undefined where the line was skipped. */
  entries: readonly (TranscriptEntry | undefined)[];
  /** Lines holding entries: the index the next appended entry gets. */
  entryCount: number;
  /** Message entries ever written, compacted or rewound ones included. */
  messageCount: number;
  /** Everything the session spent, rewound and compacted parts included. */
  usage: Usage;
  costUsd: number;
  /** The model of the latest assistant message, else the one the session started with. */
  model: string;
  title: string | undefined;
  /** The text of the first prompt, whole. */
  firstPrompt: string;
  createdAt: Date;
  lastActivity: Date;
  /** Problems with the file: skipped lines, unknown entry types. */
  warnings: string[];
  /** What `repairConversation` changed to make the conversation valid to send. */
  repairs: string[];
}

/** How the file ends, which decides what appending must do first. */
export type TranscriptTail =
  | { kind: "clean" }
  /** The last entry is whole but its newline never made it: append one. */
  | { kind: "unterminated" }
  /** The last line was cut off while writing: drop the bytes after `keepBytes`. */
  | { kind: "torn"; keepBytes: number };

export async function loadTranscript(path: string): Promise<LoadedSession> {
  return (await readTranscript(path)).session;
}

export async function readTranscript(
  path: string,
): Promise<{ session: LoadedSession; tail: TranscriptTail }> {
  let bytes: Buffer;
  let modified: Date;
  try {
    bytes = await readFile(path);
    modified = (await stat(path)).mtime;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) {
      throw new CairnError("session_not_found", `no session transcript at ${path}`);
    }
    throw new CairnError("session_unreadable", `${path}: ${errorMessage(error)}`, undefined, {
      cause: error,
    });
  }

  const { header, entries, warnings, tail } = parseTranscript(path, bytes);
  const replayed = replayEntries(entries, (message) => warnings.push(`${path}: ${message}`));
  const repaired = repairConversationWithNotes(replayed);
  const { lastAt, ...facts } = factsOf(entries, header);
  return {
    session: {
      path,
      sessionId: header.sessionId,
      header,
      messages: repaired.messages,
      entries,
      entryCount: entries.length,
      ...facts,
      createdAt: validDate(header.at) ?? modified,
      lastActivity: validDate(lastAt) ?? modified,
      warnings,
      repairs: repaired.notes,
    },
    tail,
  };
}

export interface ParsedTranscript {
  header: SessionEntry;
  /** By line; undefined where a line was skipped. Line 0 is the header. */
  entries: (TranscriptEntry | undefined)[];
  warnings: string[];
  tail: TranscriptTail;
}

/** Judges every line of a whole transcript file. Throws `session_unreadable` without a header. */
export function parseTranscript(path: string, bytes: Buffer): ParsedTranscript {
  const warnings: string[] = [];
  const completeBytes = bytes.lastIndexOf(0x0a) + 1;
  const lines = bytes.toString("utf8", 0, completeBytes).split("\n");
  lines.pop(); // the empty string after the last newline
  const rest = bytes.toString("utf8", completeBytes);
  let tail: TranscriptTail = { kind: "clean" };
  if (rest !== "") {
    if (parseLine(rest).kind === "invalid") {
      tail = { kind: "torn", keepBytes: completeBytes };
      warnings.push(
        `${path}: line ${lines.length + 1} is incomplete (the session was cut off while writing); skipped`,
      );
    } else {
      tail = { kind: "unterminated" };
      lines.push(rest);
    }
  }
  const header = readHeader(path, lines[0]);
  if (header.version > transcriptVersion) {
    warnings.push(
      `${path}: written by a newer cairn (format ${header.version}); what this version does not know is skipped`,
    );
  }
  const entries = [header, ...parseLines(path, lines.slice(1), 1, warnings)];
  return { header, entries, warnings, tail };
}

/**
 * Judges lines that start at line index `first`: an invalid one is skipped with a warning naming
 * it, entries of unknown types are skipped with one warning for all.
 */
export function parseLines(
  path: string,
  lines: readonly string[],
  first: number,
  warnings: string[],
): (TranscriptEntry | undefined)[] {
  const entries: (TranscriptEntry | undefined)[] = [];
  const unknownTypes = new Map<string, number>();
  lines.forEach((line, i) => {
    const parsed = parseLine(line);
    switch (parsed.kind) {
      case "entry":
        entries.push(parsed.entry);
        return;
      case "unknown":
        unknownTypes.set(parsed.type, (unknownTypes.get(parsed.type) ?? 0) + 1);
        entries.push(undefined);
        return;
      case "invalid":
        warnings.push(
          `${path}: line ${first + i + 1} is not a valid entry (${parsed.problem}); skipped`,
        );
        entries.push(undefined);
        return;
      default: {
        const never: never = parsed;
        return never;
      }
    }
  });
  if (unknownTypes.size > 0) {
    const list = [...unknownTypes].map(([type, n]) => `${n} × ${type}`).join(", ");
    warnings.push(
      `${path}: skipped entries of types this cairn does not know (${list}); a newer cairn may have written them`,
    );
  }
  return entries;
}

export function readHeader(path: string, line: string | undefined): SessionEntry {
  if (line === undefined) {
    throw new CairnError(
      "session_unreadable",
      `${path} has no complete first line: the session was cut off before its header was written`,
      "Nothing can be resumed from it; start a new session.",
    );
  }
  const parsed = parseLine(line);
  if (parsed.kind === "entry" && parsed.entry.type === "session") return parsed.entry;
  const problem = parsed.kind === "invalid" ? parsed.problem : "it is not a session header";
  throw new CairnError(
    "session_unreadable",
    `${path} is not a cairn session transcript (line 1: ${problem})`,
    "The file was left untouched.",
  );
}

export interface SessionFacts {
  messageCount: number;
  usage: Usage;
  costUsd: number;
  model: string;
  title: string | undefined;
  firstPrompt: string;
  /** The time of the last entry read. */
  lastAt: string | undefined;
}

/** What a listing shows, from the entries that were read (all, or a file's head and tail). */
export function factsOf(
  entries: readonly (TranscriptEntry | undefined)[],
  header: SessionEntry,
): SessionFacts {
  const facts: SessionFacts = {
    messageCount: 0,
    usage: emptyUsage(),
    costUsd: 0,
    model: header.model,
    title: undefined,
    firstPrompt: "",
    lastAt: undefined,
  };
  for (const entry of entries) {
    if (entry === undefined) continue;
    facts.lastAt = entry.at;
    if (entry.type === "title") facts.title = entry.title;
    if (entry.type === "message" || entry.type === "compaction") {
      if (entry.usage) facts.usage = addUsage(facts.usage, entry.usage);
      facts.costUsd += entry.costUsd ?? 0;
    }
    if (entry.type !== "message") continue;
    facts.messageCount++;
    if (entry.model !== undefined) facts.model = entry.model;
    if (facts.firstPrompt === "" && entry.message.role === "user") {
      facts.firstPrompt = promptText(entry.message);
    }
  }
  return facts;
}

/** The text a person typed, leaving out tool results. */
function promptText(message: Message): string {
  return message.content
    .flatMap((block) => (block.type === "text" ? [block.text] : []))
    .join("\n")
    .trim();
}

export function validDate(iso: string | undefined): Date | undefined {
  if (iso === undefined) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
