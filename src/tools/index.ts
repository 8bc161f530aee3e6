// Public face of the tools module.
export { defineTool, describeInputError, toolSpec } from "./tool.ts";
export type { Access, Spend, Tool, ToolContext, ToolOutput } from "./tool.ts";
export { testTools } from "./test-tools.ts";
export { builtinTools, editStyleFor } from "./builtin.ts";
export type { EditStyle } from "./builtin.ts";
export { createToolSession } from "./session.ts";
export type { ReadDenyFilter, ToolSession, ToolSessionOptions } from "./session.ts";
export { isWithin, resolvePath } from "./paths.ts";
export { walkFiles } from "./file-walk.ts";
export type { WalkedFile, WalkOptions } from "./file-walk.ts";
export type { ResolvedPath, Workspace } from "./paths.ts";
export { killGroup, spawnInGroup } from "./process-group.ts";
