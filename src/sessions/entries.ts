// The transcript format: one JSON object per line, each with a `type` and an ISO `at` time.
// Schemas for every entry (and the canonical Message), and the parsing of one line. No I/O.

import * as z from "zod/mini";
import type { Message } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";

useEnglishValidationMessages();

/** Bumped only for changes an older reader would misread; new entry types need no bump. */
export const transcriptVersion = 1;

const providerData = z.optional(z.record(z.string(), z.unknown()));

const textBlock = z.object({ type: z.literal("text"), text: z.string(), providerData });
const thinkingBlock = z.object({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string(),
  providerData,
});
const redactedThinkingBlock = z.object({
  type: z.literal("redacted_thinking"),
  data: z.string(),
  providerData,
});
const toolUseBlock = z.object({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  providerData,
});
const imageBlock = z.object({
  type: z.literal("image"),
  source: z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
});
const toolResultBlock = z.object({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion("type", [textBlock, imageBlock]))]),
  is_error: z.optional(z.boolean()),
});

export const messageSchema = z.discriminatedUnion("role", [
  z.object({
    role: z.literal("user"),
    content: z.array(z.discriminatedUnion("type", [textBlock, imageBlock, toolResultBlock])),
  }),
  z.object({
    role: z.literal("assistant"),
    content: z.array(
      z.discriminatedUnion("type", [textBlock, thinkingBlock, redactedThinkingBlock, toolUseBlock]),
    ),
  }),
]);

// The schema must describe exactly core's Message: this line stops compiling if the two drift.
const _messageMatchesCore: (m: z.infer<typeof messageSchema>) => Message = (m) => m;

const count = z.number().check(z.nonnegative());
const usageSchema = z.object({
  inputTokens: count,
  outputTokens: count,
  cacheCreationInputTokens: count,
  cacheReadInputTokens: count,
});
const _usageMatchesCore: (u: z.infer<typeof usageSchema>) => Usage = (u) => u;

const at = z.string();

const sessionEntry = z.object({
  type: z.literal("session"),
  at,
  version: z.number(),
  sessionId: z.string(),
  /** The workspace root (a real path). */
  cwd: z.string(),
  model: z.string(),
  provider: z.string(),
  /** Set on a fork: the session it was copied from and how many of its entries existed then. */
  forkedFrom: z.optional(z.object({ sessionId: z.string(), entryCount: count })),
});

const messageEntry = z.object({
  type: z.literal("message"),
  at,
  message: messageSchema,
  /** Assistant messages only: the model that wrote it, what the call used and cost. */
  model: z.optional(z.string()),
  usage: z.optional(usageSchema),
  costUsd: z.optional(count),
});

const compactionEntry = z.object({
  type: z.literal("compaction"),
  at,
  /** "auto" or "manual"; a string so new triggers still load. */
  trigger: z.optional(z.string()),
  /** The model's summary, or null when only old tool output was elided. */
  summary: z.nullable(z.string()),
  /** Tool results whose content was replaced by a short marker. */
  elided: z.optional(count),
  /** The whole conversation from here on (what the next request sends). */
  messages: z.array(messageSchema),
  tokensBefore: count,
  tokensAfter: count,
  /** The summarising call, which is spent like any other. */
  model: z.optional(z.string()),
  usage: z.optional(usageSchema),
  costUsd: z.optional(count),
});

const rewindEntry = z.object({
  type: z.literal("rewind"),
  at,
  /** The conversation goes back to its state just before this entry (0-based line index). */
  toEntry: z.int().check(z.nonnegative()),
});

const totalsSchema = z.object({ messages: count, usage: usageSchema, costUsd: count });

const resultEntry = z.object({
  type: z.literal("result"),
  at,
  /** RunOutcome ("success", "max_turns", "aborted", "error"); a string so new outcomes still load. */
  outcome: z.string(),
  numTurns: count,
  usage: usageSchema,
  costUsd: count,
  durationMs: z.optional(count),
  /** The whole session so far, stamped by the writer, so a listing can read it from the tail. */
  totals: z.optional(totalsSchema),
});

const titleEntry = z.object({ type: z.literal("title"), at, title: z.string() });

export const entrySchemas = {
  session: sessionEntry,
  message: messageEntry,
  compaction: compactionEntry,
  rewind: rewindEntry,
  result: resultEntry,
  title: titleEntry,
} as const;

export type SessionEntry = z.infer<typeof sessionEntry>;
export type MessageEntry = z.infer<typeof messageEntry>;
export type CompactionEntry = z.infer<typeof compactionEntry>;
export type RewindEntry = z.infer<typeof rewindEntry>;
export type ResultEntry = z.infer<typeof resultEntry>;
export type TitleEntry = z.infer<typeof titleEntry>;
export type SessionTotals = z.infer<typeof totalsSchema>;

export type TranscriptEntry =
  SessionEntry | MessageEntry | CompactionEntry | RewindEntry | ResultEntry | TitleEntry;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a caller appends: the writer stamps `at` (unless given) and a result's `totals`. */
export type EntryInput = DistributiveOmit<
  Exclude<TranscriptEntry, SessionEntry>,
  "at" | "totals"
> & { at?: string };

export type ParsedLine =
  | { kind: "entry"; entry: TranscriptEntry }
  | { kind: "unknown"; type: string }
  | { kind: "invalid"; problem: string };

/** One line of a transcript, judged: a known entry, a type this version does not know, or junk. */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // Not JSON at all: a line cut off while writing, or foreign bytes. The caller says which.
    return { kind: "invalid", problem: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || !("type" in value)) {
    return { kind: "invalid", problem: "not an object with a type" };
  }
  const type = value.type;
  if (typeof type !== "string") return { kind: "invalid", problem: "type is not a string" };
  if (!Object.hasOwn(entrySchemas, type)) return { kind: "unknown", type };
  const schema = entrySchemas[type as keyof typeof entrySchemas];
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return { kind: "entry", entry: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  return { kind: "invalid", problem: `${type} entry: ${where}${issue?.message ?? "invalid"}` };
}

/** One entry as the line written to the file (newline included). */
export function serializeEntry(entry: TranscriptEntry): string {
  return `${JSON.stringify(entry)}\n`;
}
