// Where a conversation may be cut so that its tail can follow a summary on its own: at an
// assistant message. The summary is a user message, so roles still alternate, and a tail that
// starts with an assistant message holds every tool_use together with its tool_result.

import type { Message } from "../core/messages.ts";

/** Indexes of the messages a kept tail may start at (never 0: something must be summarised). */
export function cutPoints(messages: readonly Message[]): number[] {
  const points: number[] = [];
  messages.forEach((m, i) => {
    if (i > 0 && m.role === "assistant") points.push(i);
  });
  return points;
}

/**
 * The earliest cut whose tail costs at most `budget` tokens (the most recent conversation that
 * fits), or undefined when even the tail from the last cut is larger.
 */
export function longestTailWithin(
  messages: readonly Message[],
  budget: number,
  tokensOf: (message: Message) => number,
): number | undefined {
  let size = 0;
  let best: number | undefined;
  let from = messages.length;
  for (const cut of cutPoints(messages).reverse()) {
    for (let i = cut; i < from; i++) size += tokensOf(messages[i] as Message);
    from = cut;
    if (size > budget) break;
    best = cut;
  }
  return best;
}

/** The tail from the last cut: the latest assistant message and what followed it. */
export function lastTurnStart(messages: readonly Message[]): number | undefined {
  return cutPoints(messages).at(-1);
}
