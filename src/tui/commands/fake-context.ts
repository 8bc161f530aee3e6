// A CommandContext for tests: records every call and notice, and keeps `info` live the way the
// controller must (setModel and setMode change what /status shows next). Not used at run time.

import type { PermissionMode } from "../../permissions/index.ts";
import type { CommandContext, SessionInfo, StatusLine } from "../types.ts";

export interface RecordedNotice {
  text: string;
  level: "info" | "warning" | "error";
}

export interface FakeContext extends CommandContext {
  readonly info: SessionInfo;
  notices: RecordedNotice[];
  /** Each context method called, with its arguments, in order. */
  calls: Array<{ method: string; args: unknown[] }>;
  /** Every notice's text, one after another. */
  output(): string;
}

export type FakeOptions = Partial<Omit<SessionInfo, "status">> & {
  status?: Partial<StatusLine>;
  context?: Partial<
    Pick<CommandContext, "addRule" | "resume" | "rewind" | "reloadMemory" | "commands" | "now">
  >;
};

export function fakeContext(options: FakeOptions = {}): FakeContext {
  const { status, context: extra, ...infoFields } = options;
  const info: SessionInfo = {
    cwd: "/work/project",
    sessionId: "11111111-aaaa-4bbb-8ccc-000000000001",
    transcriptPath:
      "/home/u/.cairn/projects/-work-project/11111111-aaaa-4bbb-8ccc-000000000001.jsonl",
    rules: { allow: [], ask: [], deny: [] },
    memoryFiles: [],
    contextParts: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    settingsFiles: [],
    ...infoFields,
    status: {
      model: "anthropic/claude-sonnet-4-5",
      mode: "default",
      contextTokens: 0,
      contextWindow: 200_000,
      costUsd: 0,
      backgroundShells: 0,
      ...status,
    },
  };
  const notices: RecordedNotice[] = [];
  const calls: FakeContext["calls"] = [];
  const record = (method: string, ...args: unknown[]): void => {
    calls.push({ method, args });
  };
  const fake: FakeContext = {
    info,
    notices,
    calls,
    output: () => notices.map((n) => n.text).join("\n"),
    notice(text, level = "info") {
      notices.push({ text, level });
    },
    clearConversation() {
      record("clearConversation");
      return Promise.resolve();
    },
    compact(instructions) {
      record("compact", instructions);
      return Promise.resolve();
    },
    submitPrompt(text) {
      record("submitPrompt", text);
      return Promise.resolve();
    },
    setModel(spec) {
      record("setModel", spec);
      info.status.model = spec;
      return Promise.resolve();
    },
    setMode(mode: PermissionMode) {
      record("setMode", mode);
      info.status.mode = mode;
    },
    openInEditor(path) {
      record("openInEditor", path);
      return Promise.resolve();
    },
    exit() {
      record("exit");
    },
    ...extra,
  };
  return fake;
}
