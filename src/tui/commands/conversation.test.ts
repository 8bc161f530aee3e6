import { describe, expect, it } from "vitest";
import { initPrompt } from "../../memory/index.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

describe("/clear", () => {
  it("starts a new conversation and says how to get the old one back", async () => {
    const ctx = fakeContext({ sessionId: "old-session-id" });
    await runSlashCommand("/clear", builtinCommands, ctx);
    expect(ctx.calls).toEqual([{ method: "clearConversation", args: [] }]);
    expect(ctx.output()).toContain("/resume old-session-id");
    expect(ctx.output()).toContain("cairn -r old-session-id");
  });

  it("says the old conversation is gone when sessions are not saved", async () => {
    const ctx = fakeContext({ transcriptPath: undefined });
    await runSlashCommand("/clear", builtinCommands, ctx);
    expect(ctx.output()).toContain("was not saved");
  });
});

describe("/compact", () => {
  it("passes the instructions on, or none", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/compact", builtinCommands, ctx);
    await runSlashCommand("/compact   keep the failing test names  ", builtinCommands, ctx);
    expect(ctx.calls).toEqual([
      { method: "compact", args: [undefined] },
      { method: "compact", args: ["keep the failing test names"] },
    ]);
  });
});

describe("/init", () => {
  it("submits the memory module's init prompt", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/init", builtinCommands, ctx);
    expect(ctx.calls).toEqual([{ method: "submitPrompt", args: [initPrompt] }]);
  });

  it("appends the user's notes", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/init mention the docker setup", builtinCommands, ctx);
    const prompt = ctx.calls[0]?.args[0] as string;
    expect(prompt.startsWith(initPrompt)).toBe(true);
    expect(prompt).toContain("mention the docker setup");
  });
});

describe("/exit", () => {
  it("exits, also as /quit", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/exit", builtinCommands, ctx);
    await runSlashCommand("/quit", builtinCommands, ctx);
    expect(ctx.calls).toEqual([
      { method: "exit", args: [] },
      { method: "exit", args: [] },
    ]);
  });
});
