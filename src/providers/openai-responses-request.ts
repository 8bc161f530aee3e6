// Builds the OpenAI Responses request body from a canonical ModelRequest. Stateless
// (`store: false`): the whole conversation is sent each turn, with reasoning items replayed
// verbatim from providerData. Pure and stable. Streaming lives in openai-responses.ts.

import type {
  FunctionTool,
  ResponseCreateParamsStreaming,
  ResponseInput,
} from "openai/resources/responses/responses";
import type { ReasoningEffort } from "openai/resources/shared";
import type {
  AssistantMessage,
  ImageBlock,
  Message,
  ThinkingBlock,
  ToolResultBlock,
  UserMessage,
} from "../core/messages.ts";
import { RESPONSES_DATA, dataUnder, isRecord } from "./provider-data.ts";
import type { ModelRequest, ToolSpec } from "./types.ts";

/*
 * The items this adapter sends. The SDK's input types describe items as the API returns them
 * (ids, statuses, annotations required); the API accepts these smaller shapes as input.
 */
interface InputText {
  type: "input_text";
  text: string;
}
interface InputImage {
  type: "input_image";
  detail: "auto";
  image_url: string;
}
type InputItem =
  | { role: "user"; content: Array<InputText | InputImage> }
  | {
      type: "message";
      role: "assistant";
      id?: string;
      content: Array<{ type: "output_text"; text: string }>;
    }
  | { type: "function_call"; id?: string; call_id: string; name: string; arguments: string }
  | {
      type: "function_call_output";
      call_id: string;
      output: string | Array<InputText | InputImage>;
    }
  | Record<string, unknown>;

export function buildResponsesRequest(request: ModelRequest): ResponseCreateParamsStreaming {
  const effort =
    request.thinkingBudget === undefined ? undefined : effortFor(request.thinkingBudget);
  // Without stored state, reasoning survives between turns only as encrypted content. Asked for
  // only from models known to reason or when reasoning is requested: non-reasoning models
  // (gpt-4.1, gpt-5-chat) answer 400 "Encrypted content is not supported with this model".
  const keepReasoning = effort !== undefined || request.thinkingStyle !== "none";
  // Key order: stable parts (instructions, tools) before the growing input, so the serialised
  // request shares the longest possible prefix with the next one.
  return {
    model: request.model,
    ...(request.system ? { instructions: request.system } : {}),
    ...(request.tools.length > 0 ? { tools: responsesTools(request.tools) } : {}),
    ...(request.maxTokens !== undefined ? { max_output_tokens: request.maxTokens } : {}),
    ...(effort ? { reasoning: { effort, summary: "auto" as const } } : {}),
    ...(keepReasoning ? { include: ["reasoning.encrypted_content" as const] } : {}),
    store: false,
    stream: true,
    // Our items are a valid subset of what the API accepts (see InputItem above).
    input: responsesInput(request.messages) as ResponseInput,
  };
}

/** Thinking budgets are tokens; the Responses API takes an effort level. */
export function effortFor(budget: number): ReasoningEffort {
  if (budget <= 4096) return "low";
  if (budget <= 16384) return "medium";
  return "high";
}

function responsesTools(tools: readonly ToolSpec[]): FunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    name: tool.name,
    description: tool.description,
    parameters: tool.inputSchema,
    // Strict mode demands schemas with every property required and no extra keys; ours are not.
    strict: false,
  }));
}

export function responsesInput(messages: readonly Message[]): InputItem[] {
  return messages.flatMap((message) =>
    message.role === "user" ? userItems(message) : assistantItems(message),
  );
}

/** Tool outputs first (they answer the calls just before), then the user's own text and images. */
function userItems(message: UserMessage): InputItem[] {
  const items: InputItem[] = [];
  for (const block of message.content) {
    if (block.type === "tool_result") {
      items.push({
        type: "function_call_output",
        call_id: block.tool_use_id,
        output: toolOutput(block),
      });
    }
  }
  const content: Array<InputText | InputImage> = [];
  for (const block of message.content) {
    if (block.type === "text" && block.text !== "")
      content.push({ type: "input_text", text: block.text });
    else if (block.type === "image") content.push(inputImage(block));
  }
  if (content.length > 0) items.push({ role: "user", content });
  return items;
}

/** The Responses API has no `is_error`, so a failure says so in its text. */
function toolOutput(block: ToolResultBlock): string | Array<InputText | InputImage> {
  const mark = block.is_error ? "Error: " : "";
  if (typeof block.content === "string") return mark + block.content;
  if (block.content.every((part) => part.type === "text")) {
    return mark + block.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
  }
  const parts = block.content.map((part): InputText | InputImage =>
    part.type === "text" ? { type: "input_text", text: part.text } : inputImage(part),
  );
  return mark ? [{ type: "input_text", text: mark.trim() }, ...parts] : parts;
}

/**
 * Blocks in their original order: a reasoning item must come right before the message or
 * function call it led to. Consecutive text blocks share one output message.
 */
function assistantItems(message: AssistantMessage): InputItem[] {
  const items: InputItem[] = [];
  let texts: Array<{ type: "output_text"; text: string }> = [];
  let textItemId: string | undefined;
  const flushText = (): void => {
    if (texts.length > 0) {
      items.push({
        type: "message",
        role: "assistant",
        ...(textItemId !== undefined ? { id: textItemId } : {}),
        content: texts,
      });
    }
    texts = [];
    textItemId = undefined;
  };
  for (const block of message.content) {
    switch (block.type) {
      case "text": {
        if (block.text === "") break;
        const itemId = dataUnder(block.providerData, RESPONSES_DATA)?.itemId;
        const id = typeof itemId === "string" ? itemId : undefined;
        // Text from two different output messages stays in two input messages.
        if (texts.length > 0 && id !== textItemId) flushText();
        if (texts.length === 0) textItemId = id;
        texts.push({ type: "output_text", text: block.text });
        break;
      }
      case "thinking": {
        // Only reasoning this API produced can go back; other providers' thinking is dropped.
        const item = reasoningItemOf(block);
        if (item) {
          flushText();
          items.push(item);
        }
        break;
      }
      case "redacted_thinking":
        break;
      case "tool_use": {
        flushText();
        const itemId = dataUnder(block.providerData, RESPONSES_DATA)?.itemId;
        items.push({
          type: "function_call",
          ...(typeof itemId === "string" ? { id: itemId } : {}),
          call_id: block.id,
          name: block.name,
          arguments: JSON.stringify(block.input ?? {}),
        });
        break;
      }
      default: {
        const never: never = block;
        return never;
      }
    }
  }
  flushText();
  return items;
}

/**
 * The Responses reasoning item kept on a thinking block, exactly as the API returned it. Items
 * without encrypted content cannot be replayed: with `store: false` the API cannot look them up.
 */
export function reasoningItemOf(block: ThinkingBlock): Record<string, unknown> | undefined {
  const item = dataUnder(block.providerData, RESPONSES_DATA)?.item;
  return isRecord(item) && item.type === "reasoning" && typeof item.encrypted_content === "string"
    ? item
    : undefined;
}

function inputImage(block: ImageBlock): InputImage {
  return {
    type: "input_image",
    detail: "auto",
    image_url: `data:${block.source.media_type};base64,${block.source.data}`,
  };
}
