// Identifiers: session ids (UUID v4, as Claude Code uses) and tool-use ids for providers that lack them.

import { randomUUID } from "node:crypto";

export function newSessionId(): string {
  return randomUUID();
}

export function newToolUseId(): string {
  return `toolu_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
