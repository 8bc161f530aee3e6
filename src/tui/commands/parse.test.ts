import { describe, expect, it } from "vitest";
import { parseSlashCommand } from "./index.ts";

describe("parseSlashCommand", () => {
  it("splits the name from trimmed arguments, keeping inner spacing", () => {
    expect(parseSlashCommand("/compact  focus on tests ")).toEqual({
      name: "compact",
      args: "focus on tests",
    });
    expect(parseSlashCommand("/model anthropic/claude-opus-4-8")).toEqual({
      name: "model",
      args: "anthropic/claude-opus-4-8",
    });
  });

  it("takes a command without arguments", () => {
    expect(parseSlashCommand("/help")).toEqual({ name: "help", args: "" });
    expect(parseSlashCommand("/help\n")).toEqual({ name: "help", args: "" });
  });

  it("keeps newlines inside multi-line arguments", () => {
    expect(parseSlashCommand("/compact\nkeep the API notes\nand the plan")).toEqual({
      name: "compact",
      args: "keep the API notes\nand the plan",
    });
  });

  it("reads a lone slash as a command with no name, for the caller to explain", () => {
    expect(parseSlashCommand("/")).toEqual({ name: "", args: "" });
    expect(parseSlashCommand("/ help")).toEqual({ name: "", args: "help" });
  });

  it("treats a double slash as a prompt", () => {
    expect(parseSlashCommand("//not a command")).toBeUndefined();
  });

  it("treats a path typed as a prompt as a prompt", () => {
    expect(parseSlashCommand("/usr/bin")).toBeUndefined();
    expect(parseSlashCommand("/usr/bin/env is missing on this box, why?")).toBeUndefined();
  });

  it("keeps an unknown single-word name as a command, so the caller can suggest one", () => {
    expect(parseSlashCommand("/comapct now")).toEqual({ name: "comapct", args: "now" });
  });

  it("treats text that does not start with the slash as a prompt", () => {
    expect(parseSlashCommand(" /help")).toBeUndefined();
    expect(parseSlashCommand("what does /help do?")).toBeUndefined();
    expect(parseSlashCommand("")).toBeUndefined();
  });
});
