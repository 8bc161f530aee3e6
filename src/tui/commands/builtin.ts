// The built-in slash commands, in the order the completion menu offers them.

import type { SlashCommand } from "../types.ts";
import { clearCommand } from "./clear.ts";
import { compactCommand } from "./compact.ts";
import { configCommand } from "./config.ts";
import { contextCommand } from "./context.ts";
import { costCommand } from "./cost.ts";
import { exitCommand } from "./exit.ts";
import { createHelpCommand } from "./help.ts";
import { initCommand } from "./init.ts";
import { mcpCommand } from "./mcp.ts";
import { memoryCommand } from "./memory.ts";
import { modelCommand } from "./model.ts";
import { permissionsCommand } from "./permissions.ts";
import { resumeCommand } from "./resume.ts";
import { rewindCommand } from "./rewind.ts";
import { statusCommand } from "./status.ts";

export const builtinCommands: readonly SlashCommand[] = [
  createHelpCommand(() => builtinCommands),
  clearCommand,
  compactCommand,
  modelCommand,
  costCommand,
  contextCommand,
  resumeCommand,
  rewindCommand,
  permissionsCommand,
  memoryCommand,
  mcpCommand,
  initCommand,
  statusCommand,
  configCommand,
  exitCommand,
];
