// Builds the Chat Completions request body from a canonical ModelRequest, for OpenAI and every
// OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio, OpenRouter). Pure and stable:
// the same conversation always gives the same bytes. Streaming lives in openai-chat.ts.

import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartImage,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from "openai/resources/chat/completions";
import type {
  AssistantMessage,
  ImageBlock,
  Message,
  ToolResultBlock,
  UserMessage,
} from "../core/messages.ts";
import type { ModelRequest, ToolSpec } from "./types.ts";
import { CHAT_DATA, dataUnder } from "./provider-data.ts";

export function buildChatRequest(request: ModelRequest): ChatCompletionCreateParamsStreaming {
  // Key order: stable parts before the growing message list, so the serialised request shares
  // the longest possible prefix with the next one (servers that cache on raw text benefit).
  return {
    model: request.model,
    ...(request.tools.length > 0 ? { tools: chatTools(request.tools) } : {}),
    // `max_tokens` rather than `max_completion_tokens`: every compatible server knows it.
    ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
    stream: true,
    stream_options: { include_usage: true },
    messages: chatMessages(request.system, request.messages),
  };
}

function chatTools(tools: readonly ToolSpec[]): ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

export function chatMessages(
  system: string,
  messages: readonly Message[],
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  if (system) out.push({ role: "system", content: system });
  for (const message of messages) {
    if (message.role === "user") out.push(...userMessages(message));
    else out.push(...assistantMessages(message));
  }
  return out;
}

/**
 * Tool results become `tool` messages, which must directly follow the assistant message with
 * the calls; the rest of the user message (text, images, and images the tools returned, which
 * `tool` messages cannot carry) follows as one user message.
 */
function userMessages(message: UserMessage): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  const parts: ChatCompletionContentPart[] = [];
  for (const block of message.content) {
    if (block.type !== "tool_result") continue;
    out.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block) });
    if (typeof block.content !== "string") {
      for (const part of block.content) if (part.type === "image") parts.push(imagePart(part));
    }
  }
  for (const block of message.content) {
    if (block.type === "text" && block.text !== "") parts.push({ type: "text", text: block.text });
    else if (block.type === "image") parts.push(imagePart(block));
  }
  if (parts.length > 0) out.push({ role: "user", content: userContent(parts) });
  return out;
}

/** Plain text as a string: some local servers accept only string content. */
function userContent(parts: ChatCompletionContentPart[]): string | ChatCompletionContentPart[] {
  const texts = parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
  return texts.length === parts.length ? texts.join("\n\n") : parts;
}

/** Chat Completions has no `is_error`, so a failure says so in its text. */
export function toolResultText(block: ToolResultBlock): string {
  const text =
    typeof block.content === "string"
      ? block.content
      : block.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
  const withImages =
    typeof block.content !== "string" && block.content.some((part) => part.type === "image")
      ? `${text}${text ? "\n" : ""}(image attached in the next message)`
      : text;
  return block.is_error ? `Error: ${withImages}` : withImages;
}

/**
 * Text and tool calls. Reasoning goes back only with tool calls, in the field it came in
 * (`reasoning_content`, `reasoning`): DeepSeek's thinking mode requires it there and ignores it
 * elsewhere. An assistant message with nothing left is dropped, as an empty assistant turn
 * confuses some chat templates.
 */
function assistantMessages(message: AssistantMessage): ChatCompletionMessageParam[] {
  const text = message.content
    .flatMap((block) => (block.type === "text" ? [block.text] : []))
    .join("");
  const reasoning = ownReasoning(message);
  const calls: ChatCompletionMessageToolCall[] = message.content.flatMap((block) =>
    block.type === "tool_use"
      ? [
          {
            id: block.id,
            type: "function" as const,
            function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
          },
        ]
      : [],
  );
  if (text === "" && calls.length === 0) return [];
  const withReasoning = calls.length > 0 && reasoning !== undefined;
  const assistant: ChatCompletionMessageParam = {
    role: "assistant",
    content: text === "" ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
  // A non-standard field of compatible servers; the SDK type has no room for it.
  return [withReasoning ? { ...assistant, [reasoning.field]: reasoning.text } : assistant];
}

/** Reasoning this wire produced, with the field it arrived in. */
function ownReasoning(message: AssistantMessage): { field: string; text: string } | undefined {
  let found: { field: string; text: string } | undefined;
  for (const block of message.content) {
    if (block.type !== "thinking") continue;
    const field = dataUnder(block.providerData, CHAT_DATA)?.field;
    if (typeof field !== "string" || !/^reasoning(_content)?$/.test(field)) continue;
    found = { field, text: (found ? `${found.text}\n` : "") + block.thinking };
  }
  return found;
}

function imagePart(block: ImageBlock): ChatCompletionContentPartImage {
  return {
    type: "image_url",
    image_url: { url: `data:${block.source.media_type};base64,${block.source.data}` },
  };
}
