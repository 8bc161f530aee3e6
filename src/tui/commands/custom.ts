// Custom commands and skills (src/extensions) as slash commands of the interactive UI, listed after
// the built-ins. A built-in keeps its name: a custom command of the same name is left out, and
// the caller warns once. Running one hands it to the controller (CommandContext.runPromptCommand).

import { CairnError } from "../../core/errors.ts";
import type { PromptCommand } from "../../extensions/index.ts";
import type { SlashCommand } from "../types.ts";

export interface CustomCommands {
  commands: SlashCommand[];
  /** Names a built-in already has, each with the file that was left out. */
  shadowed: Array<{ name: string; file: string | undefined }>;
}

export function customSlashCommands(
  builtins: readonly SlashCommand[],
  prompts: readonly PromptCommand[],
): CustomCommands {
  const taken = new Set(
    builtins.flatMap((c) => [c.name, ...(c.aliases ?? [])]).map((n) => n.toLowerCase()),
  );
  const commands: SlashCommand[] = [];
  const shadowed: CustomCommands["shadowed"] = [];
  for (const prompt of prompts) {
    if (taken.has(prompt.name.toLowerCase())) {
      shadowed.push({ name: prompt.name, file: prompt.file });
      continue;
    }
    commands.push({
      name: prompt.name,
      description: prompt.description,
      ...(prompt.argumentHint !== undefined ? { argumentHint: prompt.argumentHint } : {}),
      aliases: prompt.aliases.filter((alias) => !taken.has(alias.toLowerCase())),
      custom: true,
      async run(args, context) {
        if (!context.runPromptCommand) {
          throw new CairnError(
            "bad_input",
            `/${prompt.name} cannot run here`,
            `Run it in print mode: cairn -p "/${prompt.name} ${args}"`,
          );
        }
        await context.runPromptCommand(prompt, args);
      },
    });
  }
  return { commands, shadowed };
}

/** The warning for custom commands a built-in shadows. */
export function shadowedText(shadowed: CustomCommands["shadowed"]): string {
  const list = shadowed.map((s) => `/${s.name}${s.file ? ` (${s.file})` : ""}`).join(", ");
  return `Built-in commands keep their names; not available as custom commands: ${list}. Rename the file to use it.`;
}
