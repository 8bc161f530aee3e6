// Resolves a scripted reply into the concrete values every wire renders: tool ids and JSON,
// thinking signatures, stop reason and usage. Rendering itself lives in the per-wire modules.

import { createHash } from "node:crypto";
import type { ReplyTurn, ScriptedBlock } from "./scenario.ts";

export type PlannedBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; arguments: string };

export type StopReason = NonNullable<ReplyTurn["stopReason"]>;

/** Token counts in Anthropic's terms: input excludes cache reads and cache writes. */
export interface PlannedUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Part of output_tokens spent on thinking; reported by the OpenAI wires. */
  reasoning_tokens: number;
}

export interface ReplyPlan {
  blocks: PlannedBlock[];
  stopReason: StopReason;
  stopSequence: string | null;
  usage: PlannedUsage;
  chunkSize: number;
}

export interface PlanContext {
  turnNumber: number;
  /** "toolu" for Anthropic, "call" for the OpenAI wires. */
  toolIdPrefix: string;
  requestChars: number;
}

const DEFAULT_CHUNK_SIZE = 8;

export function planReply(turn: ReplyTurn, ctx: PlanContext): ReplyPlan {
  const blocks = planBlocks(turn.blocks, ctx);
  return {
    blocks,
    stopReason: turn.stopReason ?? defaultStopReason(blocks),
    stopSequence: turn.stopReason === "stop_sequence" ? (turn.stopSequence ?? null) : null,
    usage: planUsage(turn, blocks, ctx.requestChars),
    chunkSize: turn.chunkSize ?? DEFAULT_CHUNK_SIZE,
  };
}

/** Splits text into pieces of `size` characters; empty text yields no pieces. */
export function chunks(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) {
    pieces.push(text.slice(start, start + size));
  }
  return pieces;
}

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** A stable stand-in for the opaque signature the real API attaches to thinking. */
export function fakeSignature(thinking: string): string {
  return createHash("sha256").update(`fake-signature:${thinking}`).digest("base64");
}

function planBlocks(blocks: readonly ScriptedBlock[], ctx: PlanContext): PlannedBlock[] {
  let toolCount = 0;
  return blocks.map((block): PlannedBlock => {
    switch (block.type) {
      case "text":
        return { type: "text", text: block.text };
      case "thinking":
        return {
          type: "thinking",
          thinking: block.thinking,
          signature: block.signature ?? fakeSignature(block.thinking),
        };
      case "redacted_thinking":
        return { type: "redacted_thinking", data: block.data };
      case "tool_use":
        toolCount += 1;
        return {
          type: "tool_use",
          id: block.id ?? `${ctx.toolIdPrefix}_fake_${ctx.turnNumber}_${toolCount}`,
          name: block.name,
          arguments: block.rawInput ?? JSON.stringify(block.input ?? {}),
        };
      default: {
        const unhandled: never = block;
        throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
      }
    }
  });
}

function defaultStopReason(blocks: readonly PlannedBlock[]): StopReason {
  return blocks.some((block) => block.type === "tool_use") ? "tool_use" : "end_turn";
}

function planUsage(
  turn: ReplyTurn,
  blocks: readonly PlannedBlock[],
  requestChars: number,
): PlannedUsage {
  const thinkingChars = sumChars(blocks, (b) => (b.type === "thinking" ? b.thinking.length : 0));
  const streamedChars = sumChars(blocks, streamedLength);
  const scripted = turn.usage ?? {};
  const output = scripted.output_tokens ?? estimateTokens(streamedChars);
  return {
    input_tokens: scripted.input_tokens ?? estimateTokens(requestChars),
    output_tokens: output,
    cache_creation_input_tokens: scripted.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: scripted.cache_read_input_tokens ?? 0,
    reasoning_tokens: Math.min(output, estimateTokens(thinkingChars)),
  };
}

function streamedLength(block: PlannedBlock): number {
  switch (block.type) {
    case "text":
      return block.text.length;
    case "thinking":
      return block.thinking.length;
    case "redacted_thinking":
      return 0;
    case "tool_use":
      return block.arguments.length;
    default: {
      const unhandled: never = block;
      throw new Error(`fake-llm: unhandled block ${JSON.stringify(unhandled)}`);
    }
  }
}

function sumChars(
  blocks: readonly PlannedBlock[],
  measure: (block: PlannedBlock) => number,
): number {
  return blocks.reduce((total, block) => total + measure(block), 0);
}
