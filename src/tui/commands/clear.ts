// `/clear`: starts a new conversation in a new session; the old session stays on disk to resume.

import type { SlashCommand } from "../types.ts";

export const clearCommand: SlashCommand = {
  name: "clear",
  description: "Start a new conversation (the current one stays resumable)",
  aliases: ["new", "reset"],
  async run(_args, context) {
    // Read before clearing: afterwards `info` describes the new session.
    const { sessionId, transcriptPath } = context.info;
    await context.clearConversation();
    context.notice(
      transcriptPath !== undefined
        ? `Started a new conversation. The previous one is saved: /resume ${sessionId} ` +
            `(or cairn -r ${sessionId}) brings it back.`
        : "Started a new conversation. The previous one was not saved (session persistence is off).",
    );
  },
};
