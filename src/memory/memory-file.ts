// What a loaded memory file is, and the per-session state its loading shares (which real files
// are already in the prompt, where warnings go). Finding candidate files is elsewhere.

export type MemoryScope = "user" | "project" | "nested";

export interface MemoryFile {
  /** Absolute path as discovered (`AGENTS.md`, even when it is a link to `CLAUDE.md`). */
  path: string;
  /** `path` with links resolved; the identity used to include a file only once. */
  realPath: string;
  /** For headers and messages: relative to the repository root, `~/…` under home, else absolute. */
  displayPath: string;
  scope: MemoryScope;
  /** The text the model sees: HTML comments dropped, imported files appended (see expand-imports.ts). */
  content: string;
  /** Real paths of the files pulled in by `@path` imports, in the order they were included. */
  imports: string[];
}

export interface MemoryContext {
  /** Repository root (a real path). */
  root: string;
  /** The user's home folder (a real path), for `~/` imports and display. */
  home: string;
  maxFileBytes: number;
  /** Real paths of every file already in the session's memory, imports included; grows as files load. */
  included: Set<string>;
  warn(message: string): void;
}

/** 256 KiB: far above useful guidance (a few hundred lines), low enough to protect the context. */
export const defaultMaxFileBytes = 256 * 1024;

/** Imports nested deeper than this many hops are not expanded. */
export const maxImportDepth = 5;
