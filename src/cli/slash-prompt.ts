// `cairn -p "/name args"`: a custom command or skill named at the start of the prompt is expanded
// (arguments, `@file`s, allowed `!` commands) into the prompt that is sent. Interactive built-ins
// (/compact, /model…) have no meaning without the UI, and an unknown name is an error.

import { CairnError } from "../core/errors.ts";
import { parseInvocation, type PromptExpansion } from "../extensions/index.ts";
import type { Session } from "./setup.ts";

/** The interactive UI's own commands and their aliases (src/tui/commands), not loaded here. */
const interactiveOnly = [
  "help",
  "clear",
  "new",
  "reset",
  "compact",
  "model",
  "cost",
  "usage",
  "context",
  "resume",
  "rewind",
  "permissions",
  "allowed-tools",
  "memory",
  "init",
  "status",
  "config",
  "settings",
  "mcp",
  "exit",
  "quit",
];

export interface SlashPrompt extends PromptExpansion {
  /** What the person typed, for messages: `/name`. */
  invoked: string;
}

/**
 * The expansion when `argument` (the prompt as given, before piped input is added) starts with
 * `/name`; undefined for an ordinary prompt. Throws a CairnError for a name that is not a custom
 * command or skill.
 */
export async function expandSlashPrompt(
  session: Session,
  argument: string | undefined,
  signal: AbortSignal,
): Promise<SlashPrompt | undefined> {
  const invocation = argument === undefined ? undefined : parseInvocation(argument.trimEnd());
  if (!invocation) return undefined;
  const { name, args } = invocation;
  const command = session.prompts.registry.find(name);
  if (!command) {
    if (interactiveOnly.includes(name.toLowerCase())) {
      throw new CairnError(
        "bad_input",
        `/${name} is a command of the interactive UI; print mode has no /${name}`,
        "Run cairn without -p to use it. In print mode, /name runs your custom commands and skills.",
      );
    }
    const near = session.prompts.registry.near(name);
    throw new CairnError(
      "bad_input",
      `unknown command /${name}`,
      (near.length > 0
        ? `Did you mean ${near.map((n) => `/${n}`).join(", ")}? `
        : "Custom commands live in .claude/commands/ or .cairn/commands/ (project, once trusted) and ~/.claude/commands/; skills in the skills/ folders beside them. ") +
        (session.settings.trusted
          ? ""
          : "This folder is not trusted, so its own .claude/commands and .cairn/commands do not count; run `cairn trust` here to use them. ") +
        "To send a prompt that starts with a slash, begin it with a space.",
    );
  }
  const expansion = await session.expandPrompt(command, args, signal);
  return { ...expansion, invoked: `/${command.name}` };
}
