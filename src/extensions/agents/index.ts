// Public face of subagents: definitions from `agents/*.md` folders and the built-ins, and the
// Task tool that runs them as child agents.
export { builtinAgents } from "./builtin.ts";
export { childTools } from "./child-tools.ts";
export type { AgentDefinition } from "./definition.ts";
export { loadAgentDefinitions } from "./load.ts";
export { createTaskTool, modelSpecFor, subagentSpend } from "./task-tool.ts";
export type { ChildModel, SubagentDisplay, TaskToolOptions } from "./task-tool.ts";
