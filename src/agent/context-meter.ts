// How full the context window is: the provider's count for the last request, plus estimates of
// what was added since, scaled by how far the estimate was off last time. One meter per agent;
// it knows nothing about when to compact (see context-budget.ts and compact.ts).

import type { AssistantMessage, Message } from "../core/messages.ts";
import { estimateMessageTokens, estimateTokens } from "../core/token-estimate.ts";
import type { Usage } from "../core/usage.ts";

/** What a request carried, taken just before it is sent, so its usage can be matched to it. */
export interface RequestSnapshot {
  count: number;
  first: Message | undefined;
  last: Message | undefined;
  /** The uncorrected estimate, system prompt and tools included. */
  raw: number;
  /** The meter's figure for the request: the provider's count plus estimates where it has one. */
  tokens: number;
}

export interface ContextMeter {
  /** The context window in force: the model's, or smaller once a server has said so. */
  readonly window: number;
  /** Input tokens a request carrying `messages` will cost. */
  requestTokens(messages: readonly Message[]): number;
  /** The corrected estimate of a request carrying `messages`, ignoring the provider's count. */
  estimate(messages: readonly Message[]): number;
  /** The corrected estimate of some messages alone, without system prompt and tools. */
  messagesTokens(messages: readonly Message[]): number;
  snapshot(messages: readonly Message[]): RequestSnapshot;
  /**
   * Records a completed call: the request's snapshot, the usage the provider reported and the
   * reply appended to the conversation (if any). Returns the request's size: the provider's
   * count when it gave a plausible one, else the estimate.
   */
  observe(sent: RequestSnapshot, usage: Usage, reply: AssistantMessage | undefined): number;
  /** The conversation was rewritten: the provider's last count no longer describes it. */
  forget(): void;
  /** The tool list changed (MCP servers came or went): the fixed prefix is re-measured. */
  retool(tools: readonly unknown[]): void;
  /**
   * A server refused a request as too long. It may have said how long the prompt was and what
   * its limit is; either way the window in force shrinks below the refused request.
   */
  refused(sent: RequestSnapshot, counted: { promptTokens?: number; limitTokens?: number }): void;
}

interface Baseline {
  count: number;
  first: Message | undefined;
  last: Message | undefined;
  tokens: number;
}

/** Reported counts this far from the estimate are taken as a server that does not really count. */
const MIN_PLAUSIBLE_RATIO = 0.2;
const MIN_RATIO = 0.5;
const MAX_RATIO = 4;

export function createContextMeter(
  modelWindow: number,
  system: string,
  tools: readonly unknown[],
): ContextMeter {
  let prefixRaw = estimateTokens([], system, tools);
  // Messages are never mutated once in a conversation (edits replace them), so caching by
  // identity is safe and keeps a long session from re-serialising its whole history each turn.
  const cache = new WeakMap<Message, number>();
  let ratio = 1;
  let window = modelWindow;
  let baseline: Baseline | undefined;

  const rawOf = (message: Message): number => {
    let tokens = cache.get(message);
    if (tokens === undefined) {
      tokens = estimateMessageTokens(message);
      cache.set(message, tokens);
    }
    return tokens;
  };
  const rawSum = (messages: readonly Message[], from = 0): number => {
    let tokens = 0;
    for (let i = from; i < messages.length; i++) tokens += rawOf(messages[i] as Message);
    return tokens;
  };
  const baselineFor = (messages: readonly Message[]): Baseline | undefined =>
    baseline !== undefined &&
    messages.length >= baseline.count &&
    messages[0] === baseline.first &&
    messages[baseline.count - 1] === baseline.last
      ? baseline
      : undefined;

  const meter: ContextMeter = {
    get window() {
      return window;
    },
    requestTokens(messages) {
      const base = baselineFor(messages);
      if (base === undefined) return meter.estimate(messages);
      return base.tokens + Math.ceil(ratio * rawSum(messages, base.count));
    },
    estimate: (messages) => Math.ceil(ratio * (prefixRaw + rawSum(messages))),
    messagesTokens: (messages) => Math.ceil(ratio * rawSum(messages)),
    snapshot(messages) {
      return {
        count: messages.length,
        first: messages[0],
        last: messages.at(-1),
        raw: prefixRaw + rawSum(messages),
        tokens: meter.requestTokens(messages),
      };
    },
    observe(sent, usage, reply) {
      const real = usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens;
      if (real <= 0 || real < MIN_PLAUSIBLE_RATIO * sent.raw) {
        // No usage (some local servers), or a figure that cannot be a count of this request.
        baseline = undefined;
        return sent.tokens;
      }
      ratio = Math.min(MAX_RATIO, Math.max(MIN_RATIO, real / sent.raw));
      baseline = { count: sent.count, first: sent.first, last: sent.last, tokens: real };
      if (reply !== undefined) {
        // Output tokens include reasoning a provider never takes back; the reply's own size is
        // what the next request carries, so take the smaller of the two.
        const estimated = Math.ceil(ratio * rawOf(reply));
        const output = usage.outputTokens > 0 ? Math.min(usage.outputTokens, estimated) : estimated;
        baseline = {
          count: sent.count + 1,
          first: sent.first ?? reply,
          last: reply,
          tokens: real + output,
        };
      }
      return real;
    },
    forget() {
      baseline = undefined;
    },
    retool(next) {
      prefixRaw = estimateTokens([], system, next);
      baseline = undefined;
    },
    refused(sent, counted) {
      baseline = undefined;
      const prompt = counted.promptTokens;
      if (prompt !== undefined && prompt > 0) {
        ratio = Math.min(MAX_RATIO, Math.max(MIN_RATIO, prompt / sent.raw));
      }
      const limit =
        counted.limitTokens ?? Math.floor(0.9 * (prompt ?? Math.max(sent.tokens, sent.raw)));
      if (limit > 0) window = Math.min(window, limit);
    },
  };
  return meter;
}
