// Public face of the slash commands: the built-ins, telling a command from a prompt, finding a
// command by name, and running what the user typed.
export { builtinCommands } from "./builtin.ts";
export { parseSlashCommand } from "./parse.ts";
export { findCommand, suggestCommands } from "./lookup.ts";
export { runSlashCommand, unknownCommandText } from "./run.ts";
export { modeDescriptions } from "./permissions.ts";
