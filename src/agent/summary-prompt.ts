// The words of compaction: what the model is asked when it summarises a session, and the user
// message the session continues from afterwards. Text only; compact.ts decides when and how.

import type { UserBlock, UserMessage } from "../core/messages.ts";

/** Recognisable by the fake model server's scenarios too (test/fake-llm `onRequestIncluding`). */
export const summaryRequestHeading = "Pause the task and write a summary of this session so far.";

export function summaryRequestText(instructions?: string): string {
  const lines = [
    summaryRequestHeading,
    "It will replace the conversation above: whoever carries on will see your summary and only " +
      "the last few messages, so write down everything needed to continue without asking again.",
    "Do not call any tools. Answer in plain text with these sections:",
    "",
    "1. Goal: what the user wants, with their latest request quoted word for word if it is short.",
    "2. Decisions: what was chosen and why, and approaches that were tried and dropped.",
    "3. Files: each file read, created or changed, what was done to it and where it stands now.",
    "4. Commands: the commands that matter (build, test, run) and what they showed.",
    "5. Errors and fixes: problems met and how they were solved, or that they remain.",
    "6. Open tasks: what is left, and the very next step.",
    "7. To remember: preferences, constraints and facts the user asked to keep in mind.",
    "",
    "Keep names, paths, identifiers, numbers and error messages exact. If the conversation " +
      "begins with a summary of earlier work, carry over what still matters from it. Leave out " +
      "what no longer matters.",
  ];
  const extra = instructions?.trim();
  if (extra) lines.push("", `The user asked for this in the summary: ${extra}`);
  return lines.join("\n");
}

export const summaryMessagePrefix = "This session continues from earlier work.";

export interface SummaryMessageOptions {
  summary: string;
  /** Whether recent messages follow the summary verbatim. */
  recentKept: boolean;
  /** The last user message's own blocks, kept when no recent messages could be. */
  lastUserBlocks?: UserBlock[];
  /** Tool results of the last user message had to be dropped (they were too large to keep). */
  droppedResults?: boolean;
  /** The run goes on by itself after compaction (auto), rather than waiting for the user. */
  continuing: boolean;
}

/** The user message that stands for everything summarised. */
export function summaryMessage(options: SummaryMessageOptions): UserMessage {
  const lines = [
    `${summaryMessagePrefix} The conversation up to this point was replaced by the summary ` +
      "below to save context" +
      (options.recentKept
        ? "; the messages after it are the latest ones, kept as they were."
        : "."),
    "",
    "Summary:",
    options.summary.trim(),
  ];
  if (options.droppedResults) {
    lines.push(
      "",
      "The results of the latest tool calls were too large to keep; the summary describes them. " +
        "Run a tool again if you need its exact output.",
    );
  }
  if (options.continuing && !options.recentKept) {
    lines.push(
      "",
      "Continue the work from where it stopped, without asking the user to repeat it.",
    );
  }
  return {
    role: "user",
    content: [{ type: "text", text: lines.join("\n") }, ...(options.lastUserBlocks ?? [])],
  };
}
