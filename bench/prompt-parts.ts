// Splits a recorded request body into what a provider's prompt cache sees, in its order:
// system (or instructions), tools, conversation. Knows the three wire formats; nothing else.

import type { Wire } from "../test/fake-llm/index.ts";

export interface PromptParts {
  system: unknown;
  tools: unknown;
  conversation: unknown;
}

export function promptParts(body: unknown, wire: Wire): PromptParts {
  const record = asRecord(body);
  switch (wire) {
    case "anthropic":
      return { system: record.system, tools: record.tools, conversation: record.messages };
    case "openai-responses":
      return { system: record.instructions, tools: record.tools, conversation: record.input };
    case "openai-chat": {
      // Chat Completions carries the system prompt as leading system/developer messages.
      const messages = Array.isArray(record.messages) ? (record.messages as unknown[]) : [];
      const firstOther = messages.findIndex((m) => !isSystemMessage(m));
      const split = firstOther === -1 ? messages.length : firstOther;
      return {
        system: messages.slice(0, split),
        tools: record.tools,
        conversation: messages.slice(split),
      };
    }
    default: {
      const never: never = wire;
      throw new Error(`unknown wire ${String(never)}`);
    }
  }
}

/** The text of a system prompt in any of its wire shapes: string, text blocks, or messages. */
export function systemText(system: unknown): string {
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return "";
  return system
    .map((part) => {
      const p = asRecord(part);
      if (typeof p.text === "string") return p.text;
      return systemText(p.content);
    })
    .join("\n");
}

/** A deep copy without any `cache_control` key: breakpoints move every turn by design. */
export function withoutCacheControl(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutCacheControl);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== "cache_control") copy[key] = withoutCacheControl(inner);
  }
  return copy;
}

function isSystemMessage(message: unknown): boolean {
  const role = asRecord(message).role;
  return role === "system" || role === "developer";
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
