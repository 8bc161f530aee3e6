// Turns a zod validation failure into the one-line message an API's 400 response would carry.
// Only the first issue is reported, as the real APIs do.

import type { z } from "zod";

export function describeIssues(
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid request";
  const path = [...prefix, ...issue.path.map(String)].join(".");
  return path === "" ? issue.message : `${path}: ${issue.message}`;
}
