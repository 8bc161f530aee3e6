import { describe, expect, it } from "vitest";
import { CairnError } from "../../core/errors.ts";
import type { SlashCommand } from "../types.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, findCommand, runSlashCommand, suggestCommands } from "./index.ts";

describe("findCommand", () => {
  it("finds by name in any case, and by alias", () => {
    expect(findCommand("HELP", builtinCommands)?.name).toBe("help");
    expect(findCommand("quit", builtinCommands)?.name).toBe("exit");
    expect(findCommand("nope", builtinCommands)).toBeUndefined();
  });
});

describe("suggestCommands", () => {
  it("offers names the typed text starts", () => {
    expect(suggestCommands("mod", builtinCommands)).toEqual(["model"]);
  });

  it("offers names a typo or two away, a swap counting once", () => {
    expect(suggestCommands("comapct", builtinCommands)).toEqual(["compact"]);
    expect(suggestCommands("stauts", builtinCommands)).toEqual(["status"]);
    expect(suggestCommands("rewnd", builtinCommands)).toEqual(["rewind"]);
  });

  it("offers nothing for text far from every name", () => {
    expect(suggestCommands("xylophone", builtinCommands)).toEqual([]);
  });
});

describe("runSlashCommand", () => {
  it("returns false for a prompt and touches nothing", async () => {
    const ctx = fakeContext();
    expect(await runSlashCommand("/usr/bin is odd", builtinCommands, ctx)).toBe(false);
    expect(await runSlashCommand("hello", builtinCommands, ctx)).toBe(false);
    expect(ctx.notices).toEqual([]);
    expect(ctx.calls).toEqual([]);
  });

  it("runs a command with its arguments", async () => {
    const ctx = fakeContext();
    expect(await runSlashCommand("/compact  keep the plan", builtinCommands, ctx)).toBe(true);
    expect(ctx.calls).toEqual([{ method: "compact", args: ["keep the plan"] }]);
  });

  it("answers an unknown command with the nearest name and the way to send it as a prompt", async () => {
    const ctx = fakeContext();
    expect(await runSlashCommand("/comapct", builtinCommands, ctx)).toBe(true);
    expect(ctx.notices).toHaveLength(1);
    expect(ctx.notices[0]?.level).toBe("warning");
    expect(ctx.output()).toContain("Unknown command /comapct. Did you mean /compact?");
    expect(ctx.output()).toContain("begin it with a space");
    expect(ctx.calls).toEqual([]);
  });

  it("explains a lone slash", async () => {
    const ctx = fakeContext();
    expect(await runSlashCommand("/", builtinCommands, ctx)).toBe(true);
    expect(ctx.output()).toContain("/help lists them");
  });

  it("shows a command's CairnError as an error notice with its hint", async () => {
    const failing: SlashCommand = {
      name: "boom",
      description: "fails",
      run() {
        throw new CairnError("bad_input", "it went wrong", "do this instead");
      },
    };
    const ctx = fakeContext();
    await runSlashCommand("/boom", [failing], ctx);
    expect(ctx.notices).toEqual([{ text: "it went wrong\ndo this instead", level: "error" }]);
  });

  it("lets any other error through: it is a bug, not a user mistake", async () => {
    const failing: SlashCommand = {
      name: "bug",
      description: "throws",
      run() {
        throw new TypeError("undefined is not a function");
      },
    };
    await expect(runSlashCommand("/bug", [failing], fakeContext())).rejects.toThrow(TypeError);
  });
});
