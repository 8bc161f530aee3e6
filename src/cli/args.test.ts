import { describe, expect, it } from "vitest";
import { parseArgs } from "./args.ts";

describe("parseArgs", () => {
  it("reads claude -p's flags", () => {
    const args = parseArgs([
      "-p",
      "--output-format",
      "stream-json",
      "--model=openai-chat/qwen3-coder",
      "--max-turns",
      "3",
      "--allowedTools",
      "Read",
      "Bash(git log *)",
      "--disallowed-tools",
      "Write",
      "--verbose",
      "--",
      "fix it",
    ]);
    expect(args).toMatchObject({
      print: true,
      outputFormat: "stream-json",
      model: "openai-chat/qwen3-coder",
      maxTurns: 3,
      allowedTools: ["Read", "Bash(git log *)"],
      disallowedTools: ["Write"],
      verbose: true,
      prompt: "fix it",
    });
  });

  it("takes the prompt before the flags", () => {
    expect(parseArgs(["-p", "hello world", "--output-format", "json"])).toMatchObject({
      prompt: "hello world",
      outputFormat: "json",
    });
  });

  it("maps manual to default and the skip flag to bypass", () => {
    expect(parseArgs(["--permission-mode", "manual"]).permissionMode).toBe("default");
    expect(parseArgs(["--dangerously-skip-permissions"]).dangerouslySkipPermissions).toBe(true);
  });

  it("reads --sandbox and --no-sandbox, off by default (the environment decides then)", () => {
    expect(parseArgs([])).toMatchObject({ sandbox: false, noSandbox: false });
    expect(parseArgs(["--sandbox"])).toMatchObject({ sandbox: true, noSandbox: false });
    expect(parseArgs(["--no-sandbox"])).toMatchObject({ sandbox: false, noSandbox: true });
  });

  it("names the flag and the expected values on bad input", () => {
    expect(() => parseArgs(["--output-format", "xml"])).toThrow(
      /--output-format: .*"text".*"json".*"stream-json".*got "xml"/s,
    );
    expect(() => parseArgs(["--max-turns", "0"])).toThrow(
      /--max-turns: expected a positive whole number/,
    );
    expect(() => parseArgs(["--max-turns", "two"])).toThrow(/--max-turns/);
    expect(() => parseArgs(["--model"])).toThrow("--model needs a value");
    expect(() => parseArgs(["--frobnicate"])).toThrow("unknown option --frobnicate");
    expect(() => parseArgs(["--permission-mode", "yolo"])).toThrow(/--permission-mode/);
  });
});
