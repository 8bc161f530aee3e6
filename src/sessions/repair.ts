// Makes a conversation read back from disk valid to send again: every tool_use answered once in
// the next user message, roles alternating, nothing empty. Needed after a crash or kill mid-turn.
// Pure; the loader reports what it changed.

import {
  toolUsesOf,
  type AssistantMessage,
  type Message,
  type ToolResultBlock,
  type ToolUseBlock,
  type UserBlock,
  type UserMessage,
} from "../core/messages.ts";

/**
 * The result given to a tool call whose result never reached the transcript. Not the agent's
 * "interrupted by the user" text: here nobody knows whether the call ran, and the model should
 * check before repeating something like a write or a commit.
 */
export const unfinishedToolCallMessage =
  "The session ended before this tool call returned (cairn was stopped or crashed). " +
  "It may or may not have taken effect: check before repeating it.";

const lostStartText = "(The start of this conversation could not be read back.)";

export interface Repaired {
  messages: Message[];
  /** One line per change, for the person resuming ("tool call Bash (toolu_1) had no result…"). */
  notes: string[];
}

/** `messages` made valid to send; the input is not modified. */
export function repairConversation(messages: readonly Message[]): Message[] {
  return repairConversationWithNotes(messages).messages;
}

export function repairConversationWithNotes(messages: readonly Message[]): Repaired {
  const out: Message[] = [];
  const notes: string[] = [];
  // The tool calls of the last assistant message in `out`, waiting for their results.
  let pending: ToolUseBlock[] = [];

  const answerPending = (user: UserMessage | undefined): void => {
    out.push(answer(pending, user, notes));
    pending = [];
  };

  for (const message of messages) {
    if (message.content.length === 0) {
      notes.push(`dropped an empty ${message.role} message`);
      continue;
    }
    const last = out.at(-1);
    if (message.role === "assistant") {
      if (pending.length > 0) {
        answerPending(undefined);
      } else if (last?.role === "assistant") {
        // Its user message was lost; two assistant turns in a row read as one.
        out[out.length - 1] = mergeAssistant(last, message);
        notes.push("merged two consecutive assistant messages");
        pending = toolUsesOf(message);
        continue;
      }
      out.push(message);
      pending = toolUsesOf(message);
      continue;
    }
    if (pending.length > 0) {
      answerPending(message);
      continue;
    }
    const content = message.content.filter((block) => {
      if (block.type !== "tool_result") return true;
      notes.push(`dropped a tool result for ${block.tool_use_id}, which answers no tool call`);
      return false;
    });
    if (content.length === 0) continue;
    if (last?.role === "user") {
      // The API wants alternating roles; the agent loop merges a prompt the same way.
      out[out.length - 1] = { role: "user", content: [...last.content, ...content] };
    } else {
      out.push({ role: "user", content });
    }
  }
  if (pending.length > 0) answerPending(undefined);

  if (out[0]?.role === "assistant") {
    out.unshift({ role: "user", content: [{ type: "text", text: lostStartText }] });
    notes.push("the conversation began with an assistant message; added a placeholder prompt");
  }
  return { messages: out, notes };
}

/**
 * The user message answering `uses`: one result per call, in call order, first (the API wants
 * tool results before any other block), then the message's other blocks.
 */
function answer(
  uses: readonly ToolUseBlock[],
  user: UserMessage | undefined,
  notes: string[],
): UserMessage {
  const given = new Map<string, ToolResultBlock>();
  const others: UserBlock[] = [];
  for (const block of user?.content ?? []) {
    if (block.type !== "tool_result") {
      others.push(block);
    } else if (!uses.some((use) => use.id === block.tool_use_id)) {
      notes.push(`dropped a tool result for ${block.tool_use_id}, which answers no tool call`);
    } else if (given.has(block.tool_use_id)) {
      notes.push(`dropped a second tool result for ${block.tool_use_id}`);
    } else {
      given.set(block.tool_use_id, block);
    }
  }
  const results = uses.map((use): ToolResultBlock => {
    const result = given.get(use.id);
    if (result) return result;
    notes.push(`tool call ${use.name} (${use.id}) had no result; recorded as unfinished`);
    return {
      type: "tool_result",
      tool_use_id: use.id,
      content: unfinishedToolCallMessage,
      is_error: true,
    };
  });
  return { role: "user", content: [...results, ...others] };
}

function mergeAssistant(a: AssistantMessage, b: AssistantMessage): AssistantMessage {
  return { role: "assistant", content: [...a.content, ...b.content] };
}
