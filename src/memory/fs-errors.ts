// Turning file-system errors into short reasons for memory warnings.

import { errnoCode } from "../fs/index.ts";

export function describeFailure(error: unknown): string {
  const code = errnoCode(error);
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ELOOP") return "too many symbolic links";
  return error instanceof Error ? error.message : String(error);
}
