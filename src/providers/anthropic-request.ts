// Builds the Anthropic Messages request body from a canonical ModelRequest, with prompt-cache
// breakpoints. Pure: the same request always gives the same bytes, so that turn N+1 of a session
// repeats turn N's prefix exactly and the cache hits. Streaming lives in anthropic.ts.

import type {
  CacheControlEphemeral,
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  TextBlockParam,
  ThinkingConfigAdaptive,
  ThinkingConfigEnabled,
  Tool,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages";
import type {
  AssistantBlock,
  ImageBlock,
  Message,
  TextBlock,
  ToolResultBlock,
  UserBlock,
} from "../core/messages.ts";
import type { ModelRequest, ToolSpec } from "./types.ts";
import { ANTHROPIC_DATA, hasForeignData, isRecord } from "./provider-data.ts";

/** `max_tokens` is required by the API; used when the request leaves it open. */
export const DEFAULT_MAX_TOKENS = 8192;
/** The smallest thinking budget the API accepts. */
export const MIN_THINKING_BUDGET = 1024;
/** How many of the last user messages get a breakpoint: one to write the cache, one to read it. */
const MESSAGE_BREAKPOINTS = 2;

type WireBlock = ContentBlockParam;
interface WireMessage {
  role: "user" | "assistant";
  content: WireBlock[];
}

export function buildAnthropicRequest(request: ModelRequest): MessageCreateParamsStreaming {
  const { maxTokens, thinking } = tokenLimits(request);
  // Key order is fixed here (and only here) so the serialised prefix is stable.
  return {
    model: request.model,
    max_tokens: maxTokens,
    ...(thinking ? { thinking } : {}),
    ...(request.system ? { system: systemBlocks(request.system) } : {}),
    ...(request.tools.length > 0 ? { tools: wireTools(request.tools) } : {}),
    messages: wireMessages(request.messages),
    stream: true,
  };
}

/**
 * `max_tokens` must exceed the thinking budget. An explicit cap is a hard limit (the catalog's
 * max output), so the budget shrinks to fit it; with no cap, room is made above the budget.
 */
function tokenLimits(request: ModelRequest): {
  maxTokens: number;
  thinking?: ThinkingConfigEnabled | ThinkingConfigAdaptive;
} {
  const budget = request.thinkingBudget;
  if (budget === undefined) return { maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS };
  // Newer models answer 400 to a manual budget; they size their own thinking.
  if (request.thinkingStyle === "adaptive") {
    return { maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS, thinking: { type: "adaptive" } };
  }
  const wanted = Math.max(MIN_THINKING_BUDGET, Math.floor(budget));
  if (request.maxTokens === undefined) {
    return {
      maxTokens: wanted + DEFAULT_MAX_TOKENS,
      thinking: { type: "enabled", budget_tokens: wanted },
    };
  }
  const fitted = Math.min(wanted, request.maxTokens - 1);
  // A cap too small for the minimum budget: answer without thinking rather than fail every call.
  if (fitted < MIN_THINKING_BUDGET) return { maxTokens: request.maxTokens };
  return { maxTokens: request.maxTokens, thinking: { type: "enabled", budget_tokens: fitted } };
}

function ephemeral(): CacheControlEphemeral {
  return { type: "ephemeral" };
}

function systemBlocks(system: string): TextBlockParam[] {
  return [{ type: "text", text: system, cache_control: ephemeral() }];
}

function wireTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool, i) => ({
    name: tool.name,
    description: tool.description,
    // The spec is JSON Schema generated from a zod object schema, so it has `type: "object"`.
    input_schema: tool.inputSchema as Tool.InputSchema,
    ...(i === tools.length - 1 ? { cache_control: ephemeral() } : {}),
  }));
}

export function wireMessages(messages: readonly Message[]): MessageParam[] {
  const out: WireMessage[] = [];
  for (const message of messages) {
    const content =
      message.role === "user"
        ? message.content.flatMap(userBlock)
        : message.content.flatMap(assistantBlock);
    // A message can empty out (only another provider's thinking); the API rejects empty
    // content, and two same-role messages in a row are one turn, so merge with the previous.
    if (content.length === 0) continue;
    const previous = out.at(-1);
    if (previous && previous.role === message.role) previous.content.push(...content);
    else out.push({ role: message.role, content });
  }
  markCacheBreakpoints(out);
  return out;
}

/** Breakpoints on the last block of the last two user messages (system and tools have theirs). */
function markCacheBreakpoints(messages: WireMessage[]): void {
  let marked = 0;
  for (let i = messages.length - 1; i >= 0 && marked < MESSAGE_BREAKPOINTS; i--) {
    const message = messages[i];
    if (message?.role !== "user") continue;
    const last = message.content.at(-1);
    if (!last) continue;
    // Every block a user message can hold here (text, image, tool_result) accepts cache_control.
    (last as { cache_control?: CacheControlEphemeral }).cache_control = ephemeral();
    marked++;
  }
}

function userBlock(block: UserBlock): WireBlock[] {
  switch (block.type) {
    case "text":
      return textBlock(block);
    case "image":
      return [imageBlock(block)];
    case "tool_result":
      return [toolResultBlock(block)];
    default: {
      const never: never = block;
      return never;
    }
  }
}

function assistantBlock(block: AssistantBlock): WireBlock[] {
  switch (block.type) {
    case "text":
      return textBlock(block);
    case "thinking":
      // Thinking from another provider has no Anthropic signature; the API would reject it.
      if (block.signature === "" || hasForeignData(block.providerData, ANTHROPIC_DATA)) return [];
      return [{ type: "thinking", thinking: block.thinking, signature: block.signature }];
    case "redacted_thinking":
      if (hasForeignData(block.providerData, ANTHROPIC_DATA)) return [];
      return [{ type: "redacted_thinking", data: block.data }];
    case "tool_use":
      return [
        {
          type: "tool_use",
          id: wireToolId(block.id),
          name: block.name,
          // The API requires an object; input that never parsed as one is sent as empty.
          input: isRecord(block.input) ? block.input : {},
        },
      ];
    default: {
      const never: never = block;
      return never;
    }
  }
}

/** The API rejects empty text blocks. */
function textBlock(block: TextBlock): TextBlockParam[] {
  return block.text === "" ? [] : [{ type: "text", text: block.text }];
}

function imageBlock(block: ImageBlock): ImageBlockParam {
  return {
    type: "image",
    source: {
      type: "base64",
      // The canonical type keeps any string; the API validates the media type itself.
      media_type: block.source.media_type as "image/png",
      data: block.source.data,
    },
  };
}

function toolResultBlock(block: ToolResultBlock): ToolResultBlockParam {
  const content: ToolResultBlockParam["content"] =
    typeof block.content === "string"
      ? block.content
      : block.content.flatMap((part): Array<TextBlockParam | ImageBlockParam> =>
          part.type === "text" ? textBlock(part) : [imageBlock(part)],
        );
  return {
    type: "tool_result",
    tool_use_id: wireToolId(block.tool_use_id),
    ...(content.length > 0 || typeof content === "string" ? { content } : {}),
    ...(block.is_error ? { is_error: true } : {}),
  };
}

/**
 * Tool-use ids must match ^[a-zA-Z0-9_-]+$; ids minted by other servers may not. The mapping is
 * a pure function of the id, so a tool_use and its tool_result still agree.
 */
export function wireToolId(id: string): string {
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return cleaned === "" ? "toolu_empty" : cleaned;
}
