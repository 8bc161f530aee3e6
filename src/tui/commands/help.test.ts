import { describe, expect, it } from "vitest";
import type { SlashCommand } from "../types.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

describe("/help", () => {
  it("lists every built-in command with its arguments and description", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/help", builtinCommands, ctx);
    const text = ctx.output();
    for (const command of builtinCommands) {
      expect(text).toContain(`/${command.name}`);
      expect(text).toContain(command.description);
    }
    expect(text).toMatch(/\/compact \[instructions\]\s+Summarise/);
  });

  it("lists the prompt's keys", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/help", builtinCommands, ctx);
    const text = ctx.output();
    for (const key of ["Enter", "Shift+Enter, \\ + Enter", "Esc Esc", "Ctrl+C", "Shift+Tab", "@"]) {
      expect(text).toContain(key);
    }
    expect(text).toMatch(/^\s+\/\s+complete a command$/m);
  });

  it("lists the commands the context offers, custom ones included", async () => {
    const custom: SlashCommand = { name: "deploy", description: "(project) ship it", run() {} };
    const ctx = fakeContext({ context: { commands: [...builtinCommands, custom] } });
    await runSlashCommand("/help", builtinCommands, ctx);
    expect(ctx.output()).toContain("/deploy");
    expect(ctx.output()).toContain("(project) ship it");
  });

  it("shows one command and its other names", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/help /exit", builtinCommands, ctx);
    expect(ctx.output()).toContain("/exit");
    expect(ctx.output()).toContain("Also: /quit");
  });

  it("suggests a name for an unknown one", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/help modle", builtinCommands, ctx);
    expect(ctx.output()).toContain("Did you mean /model?");
  });
});
