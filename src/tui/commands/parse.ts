// Tells a slash command from a prompt and splits it into name and arguments. Which command the
// name means, and what to say when none does, is lookup.ts and run.ts.

/**
 * `/name args` → `{ name, args }` with `args` trimmed (inner spaces and newlines kept), or
 * undefined when the text is a prompt for the model. The rules, in order:
 * - Only text whose very first character is `/` can be a command, so ` /x` (a leading space) is
 *   the way to send a prompt that starts with a slash.
 * - `//…` is a prompt (a comment, a URL's tail, an escaped slash).
 * - A name with another `/` in it (`/usr/bin/env is missing`) looks like a path: a prompt. Claude
 *   Code calls any unknown `/x` an error; a path is far more likely to be meant for the model.
 * - Anything else is a command, even if no command has that name (the caller says so and
 *   suggests the nearest), and `/` alone is a command with an empty name.
 */
export function parseSlashCommand(input: string): { name: string; args: string } | undefined {
  if (!input.startsWith("/") || input.startsWith("//")) return undefined;
  const match = /^\/(\S*)([\s\S]*)$/.exec(input);
  const name = match?.[1] ?? "";
  if (name.includes("/")) return undefined;
  return { name, args: (match?.[2] ?? "").trim() };
}
