// `/exit` (or `/quit`): leaves cairn; the session stays resumable.

import type { SlashCommand } from "../types.ts";

export const exitCommand: SlashCommand = {
  name: "exit",
  description: "Leave cairn (the session stays resumable with cairn -c)",
  aliases: ["quit"],
  run(_args, context) {
    context.exit();
  },
};
