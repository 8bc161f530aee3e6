// Compaction: makes a conversation fit the context window again. First old, large tool output is
// elided; if that is not enough (or a summary was asked for), the model summarises the session
// and the conversation restarts from the summary plus the most recent turns, kept verbatim.
// Works on a copy: the caller replaces the conversation and tells the transcript (loop.ts).

import type { AgentEvent } from "../core/events.ts";
import {
  pairingViolations,
  textOf,
  type Message,
  type TextBlock,
  type UserBlock,
  type UserMessage,
} from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import type { ModelInfo } from "../providers/catalog.ts";
import { ProviderError } from "../providers/provider-error.ts";
import type { Provider, ToolSpec } from "../providers/types.ts";
import { contextBudget, type CompactionConfig, type ContextBudget } from "./context-budget.ts";
import type { ContextMeter } from "./context-meter.ts";
import {
  aggressiveElision,
  elideOldToolResults,
  standardElision,
  type ElisionOptions,
} from "./elide.ts";
import { callModel } from "./model-call.ts";
import { promptTooLong } from "./prompt-too-long.ts";
import { cutPoints, lastTurnStart, longestTailWithin } from "./recent-turns.ts";
import { summaryMessage, summaryRequestText } from "./summary-prompt.ts";

export type CompactionTrigger = "auto" | "manual";

/** What compaction needs from the agent: the same request settings as a turn, and the meter. */
export interface CompactionDeps {
  provider: Provider;
  model: ModelInfo;
  system: string;
  toolSpecs: readonly ToolSpec[];
  maxTokens: number | undefined;
  thinkingBudget: number | undefined;
  meter: ContextMeter;
  config: CompactionConfig | undefined;
}

export interface CompactionRequest {
  trigger: CompactionTrigger;
  /** Extra instructions for the summary (`/compact focus on the parser`). */
  instructions?: string;
  /** Stop after eliding old tool output when that is enough (automatic compaction). */
  allowElideOnly: boolean;
  /** The size of the request that prompted this, when known better than the meter's figure. */
  tokensBefore?: number;
}

interface Spent {
  usage: Usage;
  apiDurationMs: number;
}

export type Compaction = Spent &
  (
    | {
        outcome: "compacted";
        messages: Message[];
        /** null when eliding old tool output was enough. */
        summary: string | null;
        elided: number;
        tokensBefore: number;
        tokensAfter: number;
      }
    | { outcome: "nothing_to_compact"; reason: string }
    | { outcome: "aborted" }
    | { outcome: "error"; error: Error }
  );

/** Summary calls refused as too long are retried this many times with less of the history. */
const summaryRetries = 2;

export async function compactMessages(
  deps: CompactionDeps,
  messages: readonly Message[],
  request: CompactionRequest,
  io: { signal: AbortSignal; emit: (event: AgentEvent) => void },
): Promise<Compaction> {
  const spent: Spent = { usage: emptyUsage(), apiDurationMs: 0 };
  const tokensBefore = request.tokensBefore ?? deps.meter.requestTokens(messages);
  const elided = elideOldToolResults(messages, standardElision);
  if (request.allowElideOnly && elided.count > 0) {
    const tokensAfter = deps.meter.estimate(elided.messages);
    if (tokensAfter <= budgetOf(deps).elideTarget) {
      return {
        ...spent,
        outcome: "compacted",
        messages: elided.messages,
        summary: null,
        elided: elided.count,
        tokensBefore,
        tokensAfter,
      };
    }
  }
  if (cutPoints(messages).length === 0) {
    return { ...spent, outcome: "nothing_to_compact", reason: "the model has not replied yet" };
  }

  const summarised = await summarise(deps, messages, request, io, spent);
  if (summarised.outcome !== "summary") return { ...spent, ...summarised };
  const rebuilt = continueFromSummary(
    deps,
    elided.messages,
    summarised.summary,
    request.trigger === "auto",
  );
  const problems = pairingViolations(rebuilt);
  if (problems.length > 0) {
    // A bug here must not cost the user the conversation: it stays as it was.
    return {
      ...spent,
      outcome: "error",
      error: new Error(`compaction built an invalid conversation: ${problems.join("; ")}`),
    };
  }
  return {
    ...spent,
    outcome: "compacted",
    messages: rebuilt,
    summary: summarised.summary,
    elided: elided.count,
    tokensBefore,
    tokensAfter: deps.meter.estimate(rebuilt),
  };
}

function budgetOf(deps: CompactionDeps): ContextBudget {
  return contextBudget(
    deps.meter.window,
    deps.config,
    deps.maxTokens ?? deps.model.maxOutputTokens,
  );
}

type Summarised =
  | { outcome: "summary"; summary: string }
  | { outcome: "aborted" }
  | { outcome: "error"; error: Error };

/** One extra model call with the session's own system prompt and tools (the cached prefix). */
async function summarise(
  deps: CompactionDeps,
  messages: readonly Message[],
  request: CompactionRequest,
  io: { signal: AbortSignal; emit: (event: AgentEvent) => void },
  spent: Spent,
): Promise<Summarised> {
  const instruction = summaryRequestText(request.instructions);
  const room = (): number =>
    budgetOf(deps).maxInput - deps.meter.messagesTokens([userTextMessage(instruction)]);
  let inputBudget = room();
  for (let attempt = 0; ; attempt++) {
    const input = withInstruction(fitForSummary(deps.meter, messages, inputBudget), instruction);
    const sent = deps.meter.snapshot(input);
    const call = await callModel(
      deps.provider,
      {
        model: deps.model.id,
        system: deps.system,
        messages: input,
        // The tools stay: the prefix is then the one already cached, and Anthropic refuses
        // tool_use blocks in a history sent without tools.
        tools: deps.toolSpecs,
        maxTokens: deps.maxTokens,
        thinkingBudget: deps.thinkingBudget,
        thinkingStyle: deps.model.thinking,
      },
      { signal: io.signal, emit: io.emit, streamEvents: false },
    );
    spent.usage = addUsage(spent.usage, call.assembled.usage);
    spent.apiDurationMs += call.durationMs;
    if (call.aborted) return { outcome: "aborted" };
    if (call.failure) {
      const tooLong = promptTooLong(call.failure);
      if (tooLong && attempt < summaryRetries) {
        deps.meter.refused(sent, tooLong);
        inputBudget = Math.min(Math.floor(inputBudget * 0.7), room());
        continue;
      }
      return { outcome: "error", error: compactionError(call.failure) };
    }
    // Tool calls in the reply are ignored: only its text is the summary.
    const summary = textOf(call.assembled.message).trim();
    if (summary === "") {
      const why = call.assembled.stopReason === "tool_use" ? " (it called tools instead)" : "";
      return {
        outcome: "error",
        error: new Error(`compacting the conversation failed: the model wrote no summary${why}`),
      };
    }
    return { outcome: "summary", summary };
  }
}

/**
 * The history the summary call can carry within `budget` tokens (system prompt and tools
 * included): all of it if it fits, else with old tool output elided, then with all but the
 * latest elided, then only the first user message's text and the most recent turns.
 */
export function fitForSummary(
  meter: ContextMeter,
  messages: readonly Message[],
  budget: number,
): Message[] {
  let current = [...messages];
  const levels: ElisionOptions[] = [
    standardElision,
    aggressiveElision,
    { keepRecentResultMessages: 0, minChars: aggressiveElision.minChars },
  ];
  if (meter.estimate(current) <= budget) return current;
  for (const level of levels) {
    current = elideOldToolResults(current, level).messages;
    if (meter.estimate(current) <= budget) return current;
  }
  const first = messages[0];
  const opening = first?.role === "user" ? first.content.filter(isText) : [];
  const head = (left: number): UserMessage => ({
    role: "user",
    content: [
      // A quarter of the budget at most: a budget of N tokens is about N * 4 characters.
      ...clipText(opening, budget),
      {
        type: "text",
        text: `[${left} earlier messages are left out here to fit the context window]`,
      },
    ],
  });
  const roomForTail = budget - meter.estimate([head(current.length)]);
  const cut = longestTailWithin(current, roomForTail, (m) => meter.messagesTokens([m]));
  if (cut === undefined) return [head(current.length)];
  return [head(cut), ...current.slice(cut)];
}

/** The summary as a user message, then as much recent conversation as the budget allows. */
function continueFromSummary(
  deps: CompactionDeps,
  messages: readonly Message[],
  summary: string,
  continuing: boolean,
): Message[] {
  const budget = budgetOf(deps);
  const { meter } = deps;
  const withRecent = summaryMessage({ summary, recentKept: true, continuing });
  const keep = Math.min(budget.keepRecent, budget.elideTarget - meter.estimate([withRecent]));
  let cut = longestTailWithin(messages, keep, (m) => meter.messagesTokens([m]));
  if (cut === undefined) {
    // The latest turn alone is over the keep budget; keep it anyway if the result fits.
    const last = lastTurnStart(messages);
    if (
      last !== undefined &&
      meter.estimate([withRecent, ...messages.slice(last)]) <= budget.limit
    ) {
      cut = last;
    }
  }
  if (cut !== undefined) return [withRecent, ...messages.slice(cut)];

  // Not even the latest turn fits: the summary, and what the user last said in their own words.
  const lastMessage = messages.at(-1);
  const lastUser = lastMessage?.role === "user" ? lastMessage.content : [];
  const own = lastUser.filter((b) => b.type !== "tool_result");
  return [
    summaryMessage({
      summary,
      recentKept: false,
      continuing,
      lastUserBlocks: own,
      droppedResults: own.length < lastUser.length,
    }),
  ];
}

/** The summary instruction as the final user turn, merged into a user message already last. */
function withInstruction(messages: readonly Message[], instruction: string): Message[] {
  const last = messages.at(-1);
  const text: TextBlock = { type: "text", text: instruction };
  if (last?.role === "user") {
    return [...messages.slice(0, -1), { role: "user", content: [...last.content, text] }];
  }
  return [...messages, { role: "user", content: [text] }];
}

function userTextMessage(text: string): UserMessage {
  return { role: "user", content: [{ type: "text", text }] };
}

function isText(block: UserBlock): block is TextBlock {
  return block.type === "text";
}

/** Text blocks cut to `maxChars` in total. */
function clipText(blocks: readonly TextBlock[], maxChars: number): TextBlock[] {
  const out: TextBlock[] = [];
  let left = maxChars;
  for (const block of blocks) {
    if (left <= 0) break;
    const text = block.text.length > left ? `${block.text.slice(0, left)}…` : block.text;
    out.push({ type: "text", text });
    left -= text.length;
  }
  return out;
}

/** The summary call's failure, saying what failed; a provider's kind is kept for the CLI's hints. */
function compactionError(error: Error): Error {
  const message = `compacting the conversation failed: ${error.message}`;
  if (error instanceof ProviderError) {
    return new ProviderError(error.kind, message, {
      status: error.status,
      retryAfterMs: error.retryAfterMs,
      cause: error,
    });
  }
  return new Error(message, { cause: error });
}
