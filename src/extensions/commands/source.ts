// Custom commands as prompt commands (the registry's interface): `/name args` expands the file's
// body with its arguments, `@file`s and `!` commands, under its `allowed-tools`, for its `model`.

import { expandTemplate } from "../expand-template.ts";
import type { PromptCommand, PromptCommandSource } from "../prompt-commands.ts";
import type { CustomCommand } from "./discover.ts";

export function commandSource(commands: readonly CustomCommand[]): PromptCommandSource {
  return {
    commands: commands.map((command): PromptCommand => ({
      name: command.name,
      description: command.description,
      ...(command.argumentHint !== undefined ? { argumentHint: command.argumentHint } : {}),
      aliases:
        command.qualifiedName.toLowerCase() === command.name.toLowerCase()
          ? []
          : [command.qualifiedName],
      kind: "command",
      file: command.file,
      async expand(args, runtime) {
        const expanded = await expandTemplate(command.body, args, command.allowedTools, runtime);
        return {
          text: expanded.text.trim(),
          allow: command.allowedTools,
          ...(command.model !== undefined ? { model: command.model } : {}),
          notes: expanded.notes,
        };
      },
    })),
  };
}
