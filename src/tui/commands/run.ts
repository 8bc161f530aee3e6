// Runs what the user typed when it is a slash command: finds the command, says so helpfully when
// there is none, and shows a command's expected failures (CairnErrors) as notices.

import { CairnError } from "../../core/errors.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { findCommand, suggestCommands } from "./lookup.ts";
import { parseSlashCommand } from "./parse.ts";

/**
 * Returns false when `input` is a prompt for the model (see parseSlashCommand), true when it was
 * handled as a command, known or not. A CairnError from the command becomes an error notice with
 * its hint; any other error is a bug and propagates to the caller.
 */
export async function runSlashCommand(
  input: string,
  commands: readonly SlashCommand[],
  context: CommandContext,
): Promise<boolean> {
  const parsed = parseSlashCommand(input);
  if (!parsed) return false;
  if (parsed.name === "") {
    context.notice("Type a command name after the slash; /help lists them.", "warning");
    return true;
  }
  const command = findCommand(parsed.name, commands);
  if (!command) {
    context.notice(unknownCommandText(parsed.name, commands), "warning");
    return true;
  }
  try {
    await command.run(parsed.args, context);
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    context.notice(error.hint ? `${error.message}\n${error.hint}` : error.message, "error");
  }
  return true;
}

export function unknownCommandText(name: string, commands: readonly SlashCommand[]): string {
  const near = suggestCommands(name, commands);
  const guess = near.length > 0 ? ` Did you mean ${near.map((n) => `/${n}`).join(", ")}?` : "";
  return (
    `Unknown command /${name}.${guess} /help lists the commands.\n` +
    "To send text starting with a slash to the model, begin it with a space."
  );
}
