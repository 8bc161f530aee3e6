// What the server needs from each wire format (Anthropic, Chat Completions, Responses):
// request checks, streamed and complete renderings of a reply, and the error envelope.

import type { ReplyTurn } from "./scenario.ts";

export type Wire = "anthropic" | "openai-chat" | "openai-responses";

/** One server-sent event; `data` is already serialised. Chat Completions events have no name. */
export interface SseEvent {
  event?: string;
  data: string;
}

/** Facts about the request being answered that renderings need. */
export interface RenderContext {
  /** 1-based position of the turn in the scenario; ids are derived from it. */
  turnNumber: number;
  /** The parsed request body, already checked by `findViolation`. */
  body: Record<string, unknown>;
  /** The model the request asked for, echoed back as real APIs do. */
  model: string;
  /** Length of the request body as received, for the default input token estimate. */
  requestChars: number;
  /** Unix time in seconds, for `created` fields. */
  nowSeconds: number;
}

export interface ScriptedStreamError {
  type: string;
  message: string;
}

export interface WireFormat {
  wire: Wire;
  /** Response header carrying the request id, as the real API names it. */
  requestIdHeader: string;
  /** Why the real API would reject this body with a 400, or undefined when it would accept it. */
  findViolation(body: unknown): string | undefined;
  streamEvents(turn: ReplyTurn, ctx: RenderContext): SseEvent[];
  /** The in-stream error event; `eventIndex` is how many events were written before it. */
  streamError(error: ScriptedStreamError, eventIndex: number): SseEvent;
  /** The JSON body answering a request without `stream: true`. */
  completeResponse(turn: ReplyTurn, ctx: RenderContext): unknown;
  /** The documented error envelope for an HTTP error status. */
  errorBody(status: number, message: string, requestId: string): unknown;
  /** The 400 body the real API sends for a prompt over the context window. */
  promptTooLongBody(tokens: number, limit: number, requestId: string): unknown;
}
