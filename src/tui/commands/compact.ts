// `/compact [instructions]`: summarises the conversation so far to free the context window.

import type { SlashCommand } from "../types.ts";

export const compactCommand: SlashCommand = {
  name: "compact",
  description: "Summarise the conversation to free context; instructions say what to keep",
  argumentHint: "[instructions]",
  async run(args, context) {
    // The controller reports the compaction (tokens before and after) as it happens.
    await context.compact(args === "" ? undefined : args);
  },
};
