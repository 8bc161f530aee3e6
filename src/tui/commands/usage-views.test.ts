import { describe, expect, it } from "vitest";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

describe("/cost", () => {
  it("shows the session cost and every kind of token, cache reads and writes included", async () => {
    const ctx = fakeContext({
      status: { costUsd: 0.4213 },
      usage: {
        inputTokens: 12_345,
        outputTokens: 2_345,
        cacheReadTokens: 120_000,
        cacheWriteTokens: 10_000,
      },
    });
    await runSlashCommand("/cost", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toContain("Session cost: $0.42");
    expect(text).toMatch(/input \(uncached\)\s+12,345/);
    expect(text).toMatch(/cache reads\s+120,000/);
    expect(text).toMatch(/cache writes\s+10,000/);
    expect(text).toMatch(/output\s+2,345/);
    expect(text).toMatch(/total\s+144,690/);
    expect(text).toContain("84% of input tokens were read from the cache");
  });

  it("keeps small costs visible", async () => {
    const ctx = fakeContext({ status: { costUsd: 0.0042 } });
    await runSlashCommand("/usage", builtinCommands, ctx);
    expect(ctx.output()).toContain("Session cost: $0.0042");
  });

  it("says why an unknown model costs nothing", async () => {
    const ctx = fakeContext({ status: { model: "openai-chat/qwen3-coder", costUsd: 0 } });
    await runSlashCommand("/cost", builtinCommands, ctx);
    expect(ctx.output()).toContain("not in cairn's catalog");
  });
});

describe("/context", () => {
  const parts = [
    { label: "system prompt", tokens: 4_000 },
    { label: "tools", tokens: 12_000 },
    { label: "memory files", tokens: 2_000 },
    { label: "conversation", tokens: 82_000 },
  ];

  it("shows each part with a bar and its share of the window, and what is free", async () => {
    const ctx = fakeContext({ contextParts: parts, status: { contextWindow: 200_000 } });
    await runSlashCommand("/context", builtinCommands, ctx);
    const lines = ctx.output().split("\n");
    expect(lines[0]).toBe("Context: 100K of 200K tokens (50%)");
    const row = (label: string) => lines.find((l) => l.trimStart().startsWith(label)) ?? "";
    expect(row("system prompt")).toMatch(/█░+\s+4K\s+2%$/);
    expect(row("conversation")).toMatch(/^ {2}conversation\s+█{10}░{14}\s+82K\s+41%$/);
    expect(row("free")).toMatch(/█{12}░{12}\s+100K\s+50%$/);
    expect(ctx.output()).not.toContain("/compact");
  });

  it("suggests /compact when the window is nearly full", async () => {
    const ctx = fakeContext({
      contextParts: [{ label: "conversation", tokens: 180_000 }],
      status: { contextWindow: 200_000 },
    });
    await runSlashCommand("/context", builtinCommands, ctx);
    expect(ctx.output()).toContain("/compact");
    expect(ctx.output()).toMatch(/free\s+█{2}░{22}\s+20K\s+10%/);
  });

  it("says so when the conversation no longer fits", async () => {
    const ctx = fakeContext({
      contextParts: [{ label: "conversation", tokens: 210_000 }],
      status: { contextWindow: 200_000 },
    });
    await runSlashCommand("/context", builtinCommands, ctx);
    expect(ctx.output()).toContain("(105%)");
    expect(ctx.output()).toMatch(/free\s+░{24}\s+0\s+0%/);
    expect(ctx.output()).toContain("no longer fits");
  });
});

describe("/status", () => {
  it("shows version, model, endpoint, folder, session, transcript, mode, sandbox and settings", async () => {
    const ctx = fakeContext({
      version: "0.1.0",
      provider: "openai-chat",
      baseUrl: "http://127.0.0.1:11434/v1",
      cwd: "/work/project",
      sessionId: "abc-123",
      transcriptPath: "/home/u/.cairn/projects/-work-project/abc-123.jsonl",
      sandbox: { enabled: false, detail: "bubblewrap not found" },
      settingsFiles: ["/work/project/.cairn/settings.json", "/etc/cairn/managed-settings.json"],
      memoryFiles: ["/work/project/AGENTS.md"],
      status: { model: "qwen3-coder", mode: "acceptEdits" },
    });
    await runSlashCommand("/status", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toMatch(/^Version\s+0\.1\.0$/m);
    expect(text).toMatch(/^Model\s+openai-chat\/qwen3-coder$/m);
    expect(text).toMatch(/^Endpoint\s+http:\/\/127\.0\.0\.1:11434\/v1$/m);
    expect(text).toMatch(/^Folder\s+\/work\/project$/m);
    expect(text).toMatch(/^Session\s+abc-123$/m);
    expect(text).toMatch(
      /^Transcript\s+\/home\/u\/\.cairn\/projects\/-work-project\/abc-123\.jsonl$/m,
    );
    expect(text).toMatch(/^Mode\s+acceptEdits$/m);
    expect(text).toMatch(/^Sandbox\s+off \(bubblewrap not found\)$/m);
    expect(text).toMatch(/^Settings\s+\.cairn\/settings\.json$/m);
    expect(text).toMatch(/^\s+\/etc\/cairn\/managed-settings\.json$/m);
    expect(text).toMatch(/^Memory\s+AGENTS\.md$/m);
  });

  it("reflects a model switched during the session", async () => {
    const ctx = fakeContext({ status: { model: "anthropic/claude-sonnet-4-5" } });
    await runSlashCommand("/model anthropic/claude-opus-4-8", builtinCommands, ctx);
    await runSlashCommand("/status", builtinCommands, ctx);
    expect(ctx.output()).toMatch(/^Model\s+anthropic\/claude-opus-4-8$/m);
  });

  it("says when the transcript is not saved", async () => {
    const ctx = fakeContext({ transcriptPath: undefined });
    await runSlashCommand("/status", builtinCommands, ctx);
    expect(ctx.output()).toMatch(/^Transcript\s+not saved/m);
  });
});
