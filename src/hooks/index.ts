// Public face of the hooks module: Claude Code-compatible command hooks from settings files.
export { createHookService } from "./service.ts";
export type {
  HookService,
  HookServiceOptions,
  SessionEndReason,
  SessionStartSource,
} from "./service.ts";
export type { HookMessage } from "./collect.ts";
export { hookEvents } from "./hook-table.ts";
export type { HookEvent } from "./hook-table.ts";
