// File-system failures as messages a model can act on ("permission denied", "no space left"),
// instead of a raw errno stack. Not for missing paths: path-suggestions.ts explains those.

import type { ToolOutput } from "./tool.ts";

const EXPLAINED: Record<string, string> = {
  EACCES:
    "permission denied (the file or its folder is not writable; if the file is read-only on purpose, ask the user before changing that)",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EISDIR: "it is a directory",
  ENOTDIR: "a part of the path is a file, not a folder",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the path is too long",
  EBUSY: "the file is busy",
  EMFILE: "too many open files",
};

/**
 * A one-line message for a file-system failure (an error with an errno code), or undefined for
 * anything else: the caller rethrows those, they are bugs rather than something to report.
 */
export function fsErrorMessage(
  error: unknown,
  action: string,
  display: string,
): string | undefined {
  if (!(error instanceof Error) || !("code" in error) || typeof error.code !== "string") {
    return undefined;
  }
  return `Could not ${action} ${display}: ${EXPLAINED[error.code] ?? error.code}.`;
}

/** The failure as a tool error result; rethrows what is not a file-system error. */
export function fsFailure(error: unknown, action: string, display: string): ToolOutput {
  const message = fsErrorMessage(error, action, display);
  if (message === undefined) throw error;
  return { content: message, isError: true };
}
