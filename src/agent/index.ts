// Public face of the agent layer.
export { createAgent } from "./loop.ts";
export type { Agent, AgentConfig, Conversation, RunOutcome, RunResult } from "./loop.ts";
export { buildSystemPrompt } from "./system-prompt.ts";
export type { AskPermission, PermissionAnswer, PermissionRequest } from "./run-tools.ts";
