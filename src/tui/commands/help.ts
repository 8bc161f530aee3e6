// `/help [command]`: the commands with one line each, and the keys of the prompt.

import type { SlashCommand } from "../types.ts";
import { columns } from "./format.ts";
import { findCommand } from "./lookup.ts";
import { unknownCommandText } from "./run.ts";

const keys: ReadonlyArray<readonly [string, string]> = [
  ["Enter", "send the prompt"],
  ["Shift+Enter, \\ + Enter", "new line"],
  ["Up / Down", "earlier prompts (kept per folder)"],
  ["Esc", "interrupt the running turn"],
  ["Esc Esc", "on an empty prompt: go back to an earlier message to edit it"],
  ["Ctrl+C", "clear the prompt; press twice to exit"],
  ["Shift+Tab", "cycle the permission mode (shown in the footer)"],
  ["@", "complete a file path to mention"],
  ["/", "complete a command"],
];

/** `commands` is read when /help runs, so the built-in list can include /help itself. */
export function createHelpCommand(builtins: () => readonly SlashCommand[]): SlashCommand {
  const help: SlashCommand = {
    name: "help",
    description: "List the commands and keys",
    argumentHint: "[command]",
    run(args, context) {
      const commands = context.commands ?? builtins();
      const wanted = args.replace(/^\//, "").trim();
      if (wanted !== "") {
        const command = findCommand(wanted, commands);
        if (!command) {
          context.notice(unknownCommandText(wanted, commands), "warning");
          return;
        }
        const lines = [`${usageOf(command)}  ${command.description}`];
        if (command.aliases?.length) {
          lines.push(`Also: ${command.aliases.map((a) => `/${a}`).join(", ")}`);
        }
        context.notice(lines.join("\n"));
        return;
      }
      const sorted = [...commands].sort((a, b) => a.name.localeCompare(b.name));
      context.notice(
        [
          "Commands:",
          ...columns(sorted.map((c) => [`  ${usageOf(c)}`, c.description])),
          "",
          "Keys:",
          ...columns(keys.map(([key, what]) => [`  ${key}`, what])),
          "",
          "/help <command> shows one command and its other names.",
        ].join("\n"),
      );
    },
  };
  return help;
}

function usageOf(command: SlashCommand): string {
  return command.argumentHint ? `/${command.name} ${command.argumentHint}` : `/${command.name}`;
}
