// Public face of the custom commands: discovery, and the commands as prompt commands.
export { discoverCommands } from "./discover.ts";
export type { CustomCommand } from "./discover.ts";
export { commandSource } from "./source.ts";
