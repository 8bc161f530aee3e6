// The facts slash commands print (/status, /cost, /context, /permissions, /memory), read from
// the live session when a command asks: never a snapshot that a /model or Shift+Tab made stale.

import type { Conversation } from "../agent/index.ts";
import type { Usage } from "../core/usage.ts";
import { estimateTokens } from "../core/token-estimate.ts";
import type { Rule } from "../permissions/index.ts";
import { projectDir, sessionPaths } from "../sessions/index.ts";
import type { OpenedSession } from "../cli/session-setup.ts";
import type { SessionInfo, StatusLine } from "./types.ts";

export interface SessionFacts {
  live: OpenedSession;
  conversation: Conversation;
  status: StatusLine;
  usage: Usage;
  version: string;
}

export function sessionInfo(facts: SessionFacts): SessionInfo {
  const { live, conversation, status, usage } = facts;
  const { session, persistence, memory, home } = live;
  const policy = session.policy;
  const sources = (rules: readonly Rule[]): string[] => rules.map((r) => r.source);
  const origins = (kind: "allow" | "ask" | "deny") =>
    policy[kind].map((rule) => {
      const labelled = /^(.*) \(([^()]*)\)$/.exec(rule.source);
      return labelled
        ? { kind, rule: labelled[1] ?? rule.source, origin: labelled[2] ?? "" }
        : { kind, rule: rule.source, origin: "(command line)" };
    });
  const fixed = session.agent.contextSize({ messages: [] }).tokens;
  const memoryTokens = memory.text === "" ? 0 : estimateTokens([], memory.text);
  const total = session.agent.contextSize(conversation).tokens;
  const executor = session.toolSession.executor;
  return {
    cwd: session.cwd,
    sessionId: persistence.sessionId,
    transcriptPath: persistence.transcriptPath,
    status,
    rules: { allow: sources(policy.allow), ask: sources(policy.ask), deny: sources(policy.deny) },
    memoryFiles: memory.files.map((file) => file.displayPath),
    contextParts: [
      { label: "System prompt and tools", tokens: Math.max(0, fixed - memoryTokens) },
      { label: "Memory files", tokens: memoryTokens },
      { label: "Conversation", tokens: Math.max(0, total - fixed) },
    ],
    usage: {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadInputTokens,
      cacheWriteTokens: usage.cacheCreationInputTokens,
    },
    settingsFiles: session.settings.layers.map((layer) => layer.path),
    version: facts.version,
    provider: session.resolved.provider,
    baseUrl: session.provider.baseUrl,
    sandbox: {
      enabled: executor.mode !== "none" && !executor.needsUnsandboxedApproval(),
      detail: session.sandboxWarning ?? `mode: ${executor.mode}`,
    },
    cairnHome: home,
    workspaceRoot: session.cwd,
    repositoryRoot: memory.root,
    ...(persistence.checkpoints
      ? {
          checkpointsFolder: `${sessionPaths(projectDir(home, session.cwd), persistence.sessionId).dataDir}/checkpoints`,
        }
      : {}),
    ruleOrigins: [...origins("allow"), ...origins("ask"), ...origins("deny")],
  };
}
