// `/init [notes]`: asks the model to study the repository and write or improve AGENTS.md.

import { initPrompt } from "../../memory/index.ts";
import type { SlashCommand } from "../types.ts";

export const initCommand: SlashCommand = {
  name: "init",
  description: "Have the agent write or improve AGENTS.md from the repository",
  argumentHint: "[extra notes]",
  async run(args, context) {
    const prompt =
      args === ""
        ? initPrompt
        : `${initPrompt}\n\nThe user adds these notes for the file:\n${args}`;
    await context.submitPrompt(prompt);
  },
};
