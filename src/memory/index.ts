// Public face of the memory module: AGENTS.md / CLAUDE.md instructions loaded at start and as
// tools reach new folders, their formatting for the model, and the `cairn init` prompt.
export { formatMemory, formatNestedMemory } from "./format-memory.ts";
export { initPrompt } from "./init-prompt.ts";
export { loadMemory } from "./load-memory.ts";
export type { LoadedMemory, LoadMemoryOptions } from "./load-memory.ts";
export { defaultMaxFileBytes, maxImportDepth } from "./memory-file.ts";
export type { MemoryFile, MemoryScope } from "./memory-file.ts";
export { createNestedMemory } from "./nested-memory.ts";
export type { NestedMemory, NestedMemoryOptions } from "./nested-memory.ts";
