// The note a conversation gets when the user stops a run with Esc: the model's next request shows
// the exchange was cut short, then the next prompt on its own. Not for the screen's own
// "Interrupted." line (view-model.ts) or for stopping the run (the controller's AbortController).

import type { Message, UserMessage } from "../core/messages.ts";

/** What the model reads after an exchange the user cut short. */
export const interruptionNote = "[Request interrupted by user]";

/**
 * Appends the note to `messages` (in place) and returns it as the message the transcript
 * records. After a trailing user message (the prompt, or tool results, which must stay first in
 * their message) it joins that message, because roles must alternate.
 */
export function appendInterruptionNote(messages: Message[]): UserMessage {
  const note: UserMessage = { role: "user", content: [{ type: "text", text: interruptionNote }] };
  const last = messages.at(-1);
  if (last?.role === "user") {
    messages[messages.length - 1] = { role: "user", content: [...last.content, ...note.content] };
  } else {
    messages.push(note);
  }
  return note;
}
