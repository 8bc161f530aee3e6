// Part 4: how big the fixed part of a request is (system prompt + tool definitions), in
// chars/4 tokens, read from a body the fake server recorded. Not a tokenizer: a rough budget.

import type { Wire } from "../test/fake-llm/index.ts";
import { promptParts, systemText, withoutCacheControl } from "./prompt-parts.ts";

export interface RequestSize {
  systemChars: number;
  toolsChars: number;
  tokens: number;
  toolCount: number;
}

export function requestSize(body: unknown, wire: Wire): RequestSize {
  const parts = promptParts(body, wire);
  const systemChars = systemText(parts.system).length;
  // Tool definitions count as their JSON: the closest stand-in for what the model is shown.
  const tools = Array.isArray(parts.tools) ? parts.tools : [];
  const toolsChars = tools.length > 0 ? JSON.stringify(withoutCacheControl(tools)).length : 0;
  return {
    systemChars,
    toolsChars,
    tokens: Math.round((systemChars + toolsChars) / 4),
    toolCount: tools.length,
  };
}
