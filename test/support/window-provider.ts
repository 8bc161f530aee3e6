// A Provider with a context window, for tests of compaction on the stream seam. It counts each
// request's tokens from its JSON (at its own rate, not cairn's estimate), refuses one over the
// window as Anthropic does, reports the count as usage, and computes each reply from the request.

import { pairingViolations, type Message } from "../../src/core/messages.ts";
import type { StreamEvent } from "../../src/core/stream.ts";
import { ProviderError } from "../../src/providers/provider-error.ts";
import type { ModelRequest, Provider } from "../../src/providers/types.ts";

export interface WindowProvider extends Provider {
  requests: ModelRequest[];
  /** Token count of each request, as this provider counted it. */
  counts: number[];
  /** Pairing and role-order problems found in any request. */
  violations: string[];
  /** Requests refused as too long. */
  refusals: number;
}

export interface WindowProviderOptions {
  window: number;
  /** Characters per token when counting a request; cairn's estimate assumes 4. */
  charsPerToken?: number;
  reply: (request: ModelRequest, index: number) => StreamEvent[] | Error;
}

export function windowProvider(options: WindowProviderOptions): WindowProvider {
  const charsPerToken = options.charsPerToken ?? 4;
  const provider: WindowProvider = {
    id: "anthropic",
    baseUrl: "window://",
    requests: [],
    counts: [],
    violations: [],
    refusals: 0,
    async *stream(request) {
      await Promise.resolve();
      const copy = structuredClone(request);
      const index = provider.requests.length;
      provider.requests.push(copy);
      provider.violations.push(
        ...pairingViolations(copy.messages).map((v) => `request ${index}: ${v}`),
        ...roleViolations(copy.messages).map((v) => `request ${index}: ${v}`),
      );
      const tokens = Math.ceil(
        JSON.stringify({ system: copy.system, tools: copy.tools, messages: copy.messages }).length /
          charsPerToken,
      );
      provider.counts.push(tokens);
      if (tokens > options.window) {
        provider.refusals++;
        throw new ProviderError(
          "bad_request",
          `anthropic (window://): 400 invalid_request_error: prompt is too long: ${tokens} tokens > ${options.window} maximum`,
          { status: 400 },
        );
      }
      const reply = options.reply(copy, index);
      if (reply instanceof Error) throw reply;
      for (const event of reply) {
        yield event.type === "message_stop"
          ? { ...event, usage: { ...event.usage, inputTokens: tokens } }
          : event;
      }
    },
  };
  return provider;
}

/** The API's other ordering rules: the first message is the user's, and roles alternate. */
export function roleViolations(messages: readonly Message[]): string[] {
  const problems: string[] = [];
  if (messages[0]?.role !== "user") problems.push("the first message is not a user message");
  messages.forEach((m, i) => {
    if (i > 0 && messages[i - 1]?.role === m.role) {
      problems.push(`messages ${i - 1} and ${i} are both ${m.role} messages`);
    }
    if (m.content.length === 0) problems.push(`message ${i} is empty`);
  });
  return problems;
}

/** The text of a request's last user message, tool results excluded. */
export function lastUserText(request: ModelRequest): string {
  const last = request.messages.at(-1);
  if (last?.role !== "user") return "";
  return last.content.map((b) => (b.type === "text" ? b.text : "")).join("\n");
}
