// Public face of the agent layer.
export { createAgent } from "./loop.ts";
export type {
  Agent,
  AgentConfig,
  AgentIo,
  CompactOutcome,
  CompactResult,
  Conversation,
  RunOutcome,
  RunResult,
} from "./loop.ts";
export { contextBudget, defaultThreshold } from "./context-budget.ts";
export type { CompactionConfig, ContextBudget } from "./context-budget.ts";
export { buildSystemPrompt } from "./system-prompt.ts";
export { interruptedMessage } from "./run-tools.ts";
export type {
  AskPermission,
  CheckpointHook,
  PermissionAnswer,
  PermissionRequest,
} from "./run-tools.ts";
