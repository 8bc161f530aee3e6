// An MCP tool result (or a read resource) as tool-result content: text kept, images as image
// blocks, audio and binary resources as a note, embedded text resources inline, resource links
// named, structured content as JSON when there is no text; capped by MAX_MCP_OUTPUT_TOKENS.

import type { CallToolResult, ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import type { ImageBlock, TextBlock } from "../core/messages.ts";

export type ResultBlock = TextBlock | ImageBlock;
type ContentItem = CallToolResult["content"][number];
type ResourceContents = ReadResourceResult["contents"][number];

export const defaultMaxOutputTokens = 25_000;

export function convertToolResult(result: CallToolResult, maxTokens: number): ResultBlock[] {
  const blocks = result.content.map(convertItem);
  const hasText = result.content.some((item) => item.type === "text");
  if (!hasText && result.structuredContent !== undefined) {
    blocks.push({ type: "text", text: JSON.stringify(result.structuredContent, null, 2) });
  }
  if (blocks.length === 0) blocks.push({ type: "text", text: "(no output)" });
  return capBlocks(blocks, maxTokens);
}

export function convertResourceContents(
  contents: readonly ResourceContents[],
  maxTokens: number,
): ResultBlock[] {
  const blocks = contents.map(resourceBlock);
  if (blocks.length === 0) blocks.push({ type: "text", text: "(empty resource)" });
  return capBlocks(blocks, maxTokens);
}

function convertItem(item: ContentItem): ResultBlock {
  switch (item.type) {
    case "text":
      return { type: "text", text: item.text };
    case "image":
      return {
        type: "image",
        source: { type: "base64", media_type: item.mimeType, data: item.data },
      };
    case "audio":
      return {
        type: "text",
        text: `[audio: ${item.mimeType}, ${base64Bytes(item.data)} bytes, not shown]`,
      };
    case "resource":
      return resourceBlock(item.resource);
    case "resource_link":
      return {
        type: "text",
        text: `[resource link: ${item.name} <${item.uri}>${item.mimeType ? ` (${item.mimeType})` : ""}${item.description ? `: ${item.description}` : ""}]`,
      };
    default: {
      const never: never = item;
      return {
        type: "text",
        text: `[unsupported content: ${JSON.stringify(never).slice(0, 200)}]`,
      };
    }
  }
}

function resourceBlock(resource: ResourceContents): ResultBlock {
  if ("text" in resource && typeof resource.text === "string") {
    return { type: "text", text: `[resource ${resource.uri}]\n${resource.text}` };
  }
  const blob = "blob" in resource && typeof resource.blob === "string" ? resource.blob : "";
  const mime = resource.mimeType ?? "application/octet-stream";
  if (mime.startsWith("image/") && blob !== "") {
    return { type: "image", source: { type: "base64", media_type: mime, data: blob } };
  }
  return {
    type: "text",
    text: `[resource ${resource.uri}: ${mime}, ${base64Bytes(blob)} bytes of binary data, not shown]`,
  };
}

function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

/**
 * Keeps at most `maxTokens` × 4 characters of text across the blocks; what is cut is said in a
 * final line with the figures, so the model knows the output is incomplete.
 */
export function capBlocks(blocks: readonly ResultBlock[], maxTokens: number): ResultBlock[] {
  const budget = maxTokens * 4;
  const total = blocks.reduce((n, b) => n + (b.type === "text" ? b.text.length : 0), 0);
  if (total <= budget) return [...blocks];
  let left = budget;
  const kept: ResultBlock[] = [];
  for (const block of blocks) {
    if (block.type !== "text") {
      kept.push(block);
      continue;
    }
    if (left <= 0) continue;
    kept.push(
      block.text.length <= left ? block : { type: "text", text: block.text.slice(0, left) },
    );
    left -= block.text.length;
  }
  kept.push({
    type: "text",
    text:
      `[output cut: ${total - budget} of ${total} characters left out (about ${Math.ceil(total / 4)} tokens; ` +
      `the limit is MAX_MCP_OUTPUT_TOKENS=${maxTokens}). Ask the tool for less, e.g. a narrower query or a page.]`,
  });
  return kept;
}
