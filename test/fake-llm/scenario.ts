// The script a fake-llm server plays: one entry per incoming request, in order.
// Written by tests as objects, or read from JSON by main.ts through `parseScenario`; the same
// shape drives every wire format (Anthropic, Chat Completions, Responses).

import { z } from "zod";
import { describeIssues } from "./issue-message.ts";

const textBlockSchema = z.strictObject({ type: z.literal("text"), text: z.string() });

const thinkingBlockSchema = z.strictObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  /**
   * Defaults to a deterministic fake. Chat Completions streams thinking as `reasoning_content`;
   * Responses renders it as a `reasoning` item (summary text, plus `encrypted_content` when the
   * request asks for `include: ["reasoning.encrypted_content"]`).
   */
  signature: z.string().optional(),
});

const redactedThinkingBlockSchema = z.strictObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

const toolUseBlockSchema = z.strictObject({
  type: z.literal("tool_use"),
  /**
   * Defaults to a deterministic id ("toolu_fake_<turn>_<n>" / "call_fake_<turn>_<n>"), where
   * <turn> is the 1-based position of the turn in the scenario and <n> the 1-based position of
   * the tool call within the turn.
   */
  id: z.string().optional(),
  name: z.string(),
  input: z.unknown().optional(),
  /** Sent verbatim instead of JSON.stringify(input): lets a test send invalid JSON. */
  rawInput: z.string().optional(),
});

const scriptedBlockSchema = z.discriminatedUnion("type", [
  textBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
  toolUseBlockSchema,
]);

/**
 * Token counts in Anthropic's terms (`input_tokens` excludes cached tokens). The OpenAI wires
 * render them in their own terms: prompt/input tokens = input + cache read + cache creation,
 * cached tokens = cache read; so a client that normalises to Anthropic's terms gets these back.
 */
const scriptedUsageSchema = z.strictObject({
  input_tokens: z.number().int().min(0).optional(),
  output_tokens: z.number().int().min(0).optional(),
  cache_creation_input_tokens: z.number().int().min(0).optional(),
  cache_read_input_tokens: z.number().int().min(0).optional(),
});

const replyTurnSchema = z.strictObject({
  kind: z.literal("reply").optional(),
  blocks: z.array(scriptedBlockSchema),
  /** Defaults to "tool_use" when a tool_use block is present, else "end_turn". */
  stopReason: z.enum(["end_turn", "tool_use", "max_tokens", "stop_sequence"]).optional(),
  /** The matched stop sequence reported with stopReason "stop_sequence" (Anthropic only). */
  stopSequence: z.string().optional(),
  usage: scriptedUsageSchema.optional(),
  /** Text and tool JSON are split into pieces of this many characters (default 8). */
  chunkSize: z.number().int().min(1).optional(),
  /** Wait this long before each SSE event after the first (slow tokens). Streaming only. */
  delayMs: z.number().min(0).optional(),
  /**
   * Destroy the socket after this many SSE events have been written (a stream cut mid-response).
   * Events are counted as written, including Anthropic's `ping`. Streaming only.
   */
  cutAfterEvents: z.number().int().min(0).optional(),
  /**
   * Send an error in the stream after this many events, then end it. Anthropic: an `error` SSE
   * event (e.g. overloaded_error); Chat Completions: a `data: {"error": ...}` chunk; Responses:
   * an `error` event. Streaming only.
   */
  errorEventAfter: z
    .strictObject({ events: z.number().int().min(0), type: z.string(), message: z.string() })
    .optional(),
});

const httpErrorTurnSchema = z.strictObject({
  kind: z.literal("http_error"),
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()).optional(),
  /** JSON body; defaults to the wire format's documented error envelope. */
  body: z.unknown().optional(),
  message: z.string().optional(),
});

/** Accept the connection, then destroy it without a response (connection reset). */
const resetTurnSchema = z.strictObject({ kind: z.literal("reset") });

/** Never answer until the client gives up (for abort and idle-timeout tests). */
const hangTurnSchema = z.strictObject({ kind: z.literal("hang") });

const turnSchema = z.discriminatedUnion("kind", [
  replyTurnSchema,
  httpErrorTurnSchema,
  resetTurnSchema,
  hangTurnSchema,
]);

/**
 * A reply played instead of the next turn whenever a request's body contains `text` (as typed
 * or JSON-escaped). It consumes no turn and may play any number of times: for requests a client
 * makes at moments a script cannot predict, such as the summary it asks for when it compacts.
 */
const standingReplySchema = z.strictObject({ text: z.string().min(1), reply: replyTurnSchema });

export const scenarioSchema = z.strictObject({
  turns: z.array(turnSchema),
  /**
   * Refuse any request whose body is longer than this many tokens (characters / 4, the figure
   * reported as input usage) the way the real API refuses a prompt over the context window:
   * Anthropic 400 invalid_request_error "prompt is too long: N tokens > M maximum", OpenAI 400
   * `context_length_exceeded`. A refused request consumes no turn and is not a violation.
   */
  contextLimitTokens: z.number().int().min(1).optional(),
  onRequestIncluding: z.array(standingReplySchema).optional(),
});

export type ScriptedBlock = z.infer<typeof scriptedBlockSchema>;
export type ScriptedUsage = z.infer<typeof scriptedUsageSchema>;
export type ReplyTurn = z.infer<typeof replyTurnSchema>;
export type HttpErrorTurn = z.infer<typeof httpErrorTurnSchema>;
export type ResetTurn = z.infer<typeof resetTurnSchema>;
export type HangTurn = z.infer<typeof hangTurnSchema>;
export type Turn = z.infer<typeof turnSchema>;
export type StandingReply = z.infer<typeof standingReplySchema>;
export type Scenario = z.infer<typeof scenarioSchema>;

/** Parses a scenario read from JSON; throws an Error naming the first bad field. */
export function parseScenario(json: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`fake-llm: invalid scenario: ${describeIssues(parsed.error)}`);
  }
  return parsed.data;
}
