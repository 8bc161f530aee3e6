// Errors a person must act on: a stable code, a one-line message and a hint.
// The CLI prints message and hint and exits non-zero; stacks go only to the debug log.

export type CairnErrorCode =
  | "no_provider"
  | "bad_model"
  | "bad_flag"
  | "bad_input"
  | "bad_config"
  | "provider_auth"
  | "provider_request"
  | "provider_not_found"
  | "provider_unavailable"
  | "session_busy"
  | "session_exists"
  | "session_not_found"
  | "session_ambiguous"
  | "session_unreadable"
  | "session_write"
  | "aborted"
  /** The interactive UI was asked to do something that must wait for the running turn. */
  | "busy"
  /** What needs the session's record (a rewind) in a session kept only in memory. */
  | "not_recorded"
  | "no_terminal"
  | "editor_failed";

export class CairnError extends Error {
  readonly code: CairnErrorCode;
  readonly hint: string | undefined;

  constructor(code: CairnErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CairnError";
    this.code = code;
    this.hint = hint;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
