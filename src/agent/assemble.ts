// Builds one assistant message from a provider's normalised stream events.
// Tool input arrives as JSON text in pieces; it is parsed once, when its block stops.

import type { AssistantBlock, AssistantMessage, ProviderData } from "../core/messages.ts";
import type { StopReason, StreamEvent } from "../core/stream.ts";
import { isPlainObject } from "../core/plain-object.ts";
import { emptyUsage, type Usage } from "../core/usage.ts";

interface OpenBlock {
  block: AssistantBlock;
  /** Raw tool input JSON, for tool_use blocks. */
  json: string;
  done: boolean;
}

export interface AssembledMessage {
  message: AssistantMessage;
  id: string;
  model: string;
  /** null when the stream ended early (abort): the message holds only completed blocks. */
  stopReason: StopReason | null;
  usage: Usage;
  /** Tool-use ids whose input was not valid JSON, with the parser's complaint. */
  invalidInputs: ReadonlyMap<string, string>;
}

export interface Assembler {
  apply(event: StreamEvent): void;
  /** Discards everything since the last message start (a retry restarts the message). */
  reset(): void;
  finish(): AssembledMessage;
}

export function createAssembler(fallbackModel: string, fallbackId: string): Assembler {
  let blocks = new Map<number, OpenBlock>();
  let invalid = new Map<string, string>();
  let id = fallbackId;
  let model = fallbackModel;
  let stopReason: StopReason | null = null;
  let usage = emptyUsage();

  const reset = (): void => {
    blocks = new Map();
    invalid = new Map();
    stopReason = null;
    usage = emptyUsage();
  };
  const open = (index: number): OpenBlock => {
    const found = blocks.get(index);
    if (!found) throw new Error(`stream event for block ${index} before its block_start`);
    return found;
  };

  return {
    apply(event) {
      switch (event.type) {
        case "message_start":
          id = event.messageId || id;
          model = event.model || model;
          return;
        case "block_start": {
          const block = startBlock(event.block);
          if (block.type === "tool_use") block.id = uniqueToolId(block.id, blocks);
          blocks.set(event.index, { block, json: "", done: false });
          return;
        }
        case "text_delta": {
          const b = open(event.index).block;
          if (b.type === "text") b.text += event.text;
          return;
        }
        case "thinking_delta": {
          const b = open(event.index).block;
          if (b.type === "thinking") b.thinking += event.thinking;
          return;
        }
        case "signature_delta": {
          const b = open(event.index).block;
          if (b.type === "thinking") b.signature += event.signature;
          return;
        }
        case "tool_input_delta":
          open(event.index).json += event.partialJson;
          return;
        case "block_stop": {
          const entry = open(event.index);
          entry.done = true;
          if (event.providerData) attach(entry.block, event.providerData);
          if (entry.block.type === "tool_use") {
            const parsed = parseToolInput(entry.json);
            entry.block.input = parsed.input;
            if (parsed.error !== undefined) invalid.set(entry.block.id, parsed.error);
          }
          return;
        }
        case "message_stop":
          stopReason = event.stopReason;
          usage = event.usage;
          return;
        case "retry":
          reset();
          return;
        default: {
          const never: never = event;
          throw new Error(`unknown stream event ${JSON.stringify(never)}`);
        }
      }
    },
    reset,
    finish() {
      const content = [...blocks.entries()]
        .sort(([a], [b]) => a - b)
        .filter(([, entry]) => entry.done)
        .map(([, entry]) => entry.block)
        .filter((b) => b.type !== "text" || b.text !== "");
      return {
        message: { role: "assistant", content },
        id,
        model,
        stopReason,
        usage,
        invalidInputs: invalid,
      };
    },
  };
}

function startBlock(start: Extract<StreamEvent, { type: "block_start" }>["block"]): AssistantBlock {
  switch (start.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: start.data };
    case "tool_use":
      return { type: "tool_use", id: start.id, name: start.name, input: {} };
    default: {
      const never: never = start;
      throw new Error(`unknown block ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Some local servers repeat a tool-call id within one message; results are matched by id, so a
 * repeated id gets a suffix to keep every call paired with its own result.
 */
function uniqueToolId(id: string, blocks: ReadonlyMap<number, OpenBlock>): string {
  const taken = new Set(
    [...blocks.values()].flatMap((b) => (b.block.type === "tool_use" ? [b.block.id] : [])),
  );
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}_${n}`)) n++;
  return `${id}_${n}`;
}

function attach(block: AssistantBlock, data: ProviderData): void {
  block.providerData = { ...block.providerData, ...data };
}

/** Empty input means "no arguments"; anything else must be a JSON object. */
function parseToolInput(json: string): { input: unknown; error?: string } {
  if (json.trim() === "") return { input: {} };
  try {
    const value: unknown = JSON.parse(json);
    if (isPlainObject(value)) return { input: value };
    return {
      input: {},
      error: `expected a JSON object, got ${Array.isArray(value) ? "an array" : typeof value}`,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const preview = json.length > 200 ? `${json.slice(0, 200)}…` : json;
    return { input: {}, error: `not valid JSON (${reason}): ${preview}` };
  }
}
