// Public face of the agent layer.
export { createAgent, emptyRun, toolsNow } from "./loop.ts";
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
export { interruptedMessage, runToolCalls } from "./run-tools.ts";
export type {
  AskPermission,
  CheckpointHook,
  PermissionAnswer,
  PermissionRequest,
  ToolRunOptions,
} from "./run-tools.ts";
export type {
  AgentHooks,
  HookStop,
  HookToolCall,
  PostToolUseOutcome,
  PreToolUseOutcome,
  PromptOutcome,
  StopInfo,
  StopOutcome,
} from "./hooks-port.ts";
