// The canonical conversation format: Anthropic Messages content blocks.
// Every provider adapter translates to and from these types; nothing here does I/O.

/** Opaque per-provider data that must survive a round trip (e.g. OpenAI reasoning items). */
export type ProviderData = Readonly<Record<string, unknown>>;

export interface TextBlock {
  type: "text";
  text: string;
  providerData?: ProviderData;
}

export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  /** Passed back to the provider byte for byte; an empty string means "no signature". */
  signature: string;
  providerData?: ProviderData;
}

export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
  providerData?: ProviderData;
}

export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  providerData?: ProviderData;
}

export interface ImageBlock {
  type: "image";
  source: { type: "base64"; media_type: string; data: string };
}

export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | Array<TextBlock | ImageBlock>;
  is_error?: boolean;
}

export type AssistantBlock = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock;
export type UserBlock = TextBlock | ImageBlock | ToolResultBlock;
export type Block = AssistantBlock | UserBlock;

export interface UserMessage {
  role: "user";
  content: UserBlock[];
}

export interface AssistantMessage {
  role: "assistant";
  content: AssistantBlock[];
}

export type Message = UserMessage | AssistantMessage;

export function userText(text: string): UserMessage {
  return { role: "user", content: [{ type: "text", text }] };
}

/** The text blocks of a message joined by `separator`: what print mode reports as the result. */
export function textOf(message: Message, separator = ""): string {
  return message.content
    .filter((b): b is TextBlock => b.type === "text")
    .map((b) => b.text)
    .join(separator);
}

export function toolUsesOf(message: AssistantMessage): ToolUseBlock[] {
  return message.content.filter((b): b is ToolUseBlock => b.type === "tool_use");
}

/**
 * The pairing invariant: each assistant `tool_use` is answered by exactly one `tool_result`
 * in the immediately following user message, and no `tool_result` answers nothing.
 * Returns human-readable violations; an empty list means the conversation is valid.
 */
export function pairingViolations(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  messages.forEach((message, i) => {
    if (message.role !== "assistant") return;
    const uses = toolUsesOf(message).map((u) => u.id);
    if (uses.length === 0) return;
    const next = messages[i + 1];
    if (!next) {
      problems.push(`message ${i}: tool_use ${uses.join(", ")} not answered (conversation ends)`);
      return;
    }
    if (next.role !== "user") {
      problems.push(`message ${i + 1}: expected a user message with tool results`);
      return;
    }
    const results = next.content.filter((b): b is ToolResultBlock => b.type === "tool_result");
    for (const id of uses) {
      const count = results.filter((r) => r.tool_use_id === id).length;
      if (count !== 1) problems.push(`message ${i + 1}: tool_use ${id} answered ${count} times`);
    }
    for (const r of results) {
      if (!uses.includes(r.tool_use_id)) {
        problems.push(`message ${i + 1}: tool_result ${r.tool_use_id} answers no tool_use`);
      }
    }
  });
  return problems;
}
