import { describe, expect, it } from "vitest";
import { CairnError } from "../../core/errors.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

describe("/model", () => {
  it("lists the catalog by provider with window and prices, marking the current model", async () => {
    const ctx = fakeContext({ status: { model: "anthropic/claude-opus-4-1" } });
    await runSlashCommand("/model", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toContain("Current model: anthropic/claude-opus-4-1\n");
    expect(text).toMatch(/^anthropic:$/m);
    expect(text).toMatch(/^openai:$/m);
    expect(text).toMatch(/^ {2}\* {2}anthropic\/claude-opus-4-1\s+200K context\s+\$15 \/ \$75$/m);
    expect(text).toMatch(/^ {5}openai\/gpt-4\.1\s+1\.05M context\s+\$2 \/ \$8$/m);
    expect(text.match(/^ {2}\*/gm)).toHaveLength(1);
    expect(ctx.calls).toEqual([]);
  });

  it("marks a dated version of a catalog model, and the provider comes from the session", async () => {
    const ctx = fakeContext({
      provider: "anthropic",
      status: { model: "claude-sonnet-4-5-20250929" },
    });
    await runSlashCommand("/model", builtinCommands, ctx);
    expect(ctx.output()).toContain("Current model: anthropic/claude-sonnet-4-5-20250929\n");
    expect(ctx.output()).toMatch(/^ {2}\* {2}anthropic\/claude-sonnet-4-5 /m);
  });

  it("says when the current model is not in the catalog", async () => {
    const ctx = fakeContext({ status: { model: "openai-chat/qwen3-coder" } });
    await runSlashCommand("/model", builtinCommands, ctx);
    expect(ctx.output()).toContain("openai-chat/qwen3-coder (not in the catalog)");
    expect(ctx.output()).not.toMatch(/^ {2}\*/m);
  });

  it("switches to the given model and describes it", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/model openai/gpt-5", builtinCommands, ctx);
    expect(ctx.calls).toEqual([{ method: "setModel", args: ["openai/gpt-5"] }]);
    expect(ctx.output()).toContain("Now using openai/gpt-5");
    expect(ctx.output()).toContain("$1.25 / $10 per million tokens");
  });

  it("warns that an unknown model's cost is not counted", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/model openai-chat/llama3", builtinCommands, ctx);
    expect(ctx.output()).toContain("not in cairn's catalog");
  });

  it("shows the provider's refusal as an error", async () => {
    const ctx = fakeContext();
    ctx.setModel = () =>
      Promise.reject(new CairnError("bad_model", 'unknown provider "nope"', "Use anthropic/<id>"));
    await runSlashCommand("/model nope/x", builtinCommands, ctx);
    expect(ctx.notices).toEqual([
      { text: 'unknown provider "nope"\nUse anthropic/<id>', level: "error" },
    ]);
  });

  it("refuses more than one model with the usage", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/model a b", builtinCommands, ctx);
    expect(ctx.notices[0]?.level).toBe("error");
    expect(ctx.output()).toContain("Usage: /model [provider/model-id]");
    expect(ctx.calls).toEqual([]);
  });
});
