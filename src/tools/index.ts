// Public face of the tools module.
export { defineTool, describeInputError, toolSpec } from "./tool.ts";
export type { Access, Tool, ToolContext, ToolOutput } from "./tool.ts";
export { testTools } from "./test-tools.ts";
