// The stream seam: a Provider that replays scripted StreamEvents, for fast tests of the loop.
// It records every request (deep-copied) and checks the pairing invariant on each one.

import { pairingViolations } from "../../src/core/messages.ts";
import type { StreamEvent } from "../../src/core/stream.ts";
import type { ModelRequest, Provider } from "../../src/providers/types.ts";

export type ScriptedTurn =
  | StreamEvent[]
  | { error: Error; afterEvents?: StreamEvent[] }
  | ((signal: AbortSignal) => AsyncIterable<StreamEvent>);

export interface ScriptedProvider extends Provider {
  requests: ModelRequest[];
  violations: string[];
}

export function scriptedProvider(turns: ScriptedTurn[]): ScriptedProvider {
  const requests: ModelRequest[] = [];
  const violations: string[] = [];
  let next = 0;
  return {
    id: "anthropic",
    baseUrl: "scripted://",
    requests,
    violations,
    async *stream(request, signal) {
      const copy = structuredClone(request);
      requests.push(copy);
      violations.push(...pairingViolations(copy.messages));
      const turn = turns[next++];
      if (!turn) throw new Error(`scripted provider: no turn ${next}`);
      if (typeof turn === "function") {
        yield* turn(signal);
      } else if (Array.isArray(turn)) {
        yield* turn;
      } else {
        yield* turn.afterEvents ?? [];
        throw turn.error;
      }
    },
  };
}

const usage = {
  inputTokens: 10,
  outputTokens: 5,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
};

export function textTurn(text: string, id = "msg_1"): StreamEvent[] {
  return [
    { type: "message_start", messageId: id, model: "scripted" },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "text_delta", index: 0, text },
    { type: "block_stop", index: 0 },
    { type: "message_stop", stopReason: "end_turn", usage },
  ];
}

export function toolTurn(
  calls: Array<
    { id: string; name: string; input: unknown } | { id: string; name: string; rawInput: string }
  >,
): StreamEvent[] {
  const events: StreamEvent[] = [{ type: "message_start", messageId: "msg_t", model: "scripted" }];
  calls.forEach((call, index) => {
    events.push({
      type: "block_start",
      index,
      block: { type: "tool_use", id: call.id, name: call.name },
    });
    const json = "rawInput" in call ? call.rawInput : JSON.stringify(call.input);
    for (let i = 0; i < json.length; i += 5) {
      events.push({ type: "tool_input_delta", index, partialJson: json.slice(i, i + 5) });
    }
    events.push({ type: "block_stop", index });
  });
  events.push({ type: "message_stop", stopReason: "tool_use", usage });
  return events;
}
