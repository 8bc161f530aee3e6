import { describe, expect, it } from "vitest";
import { collect, permissionVerdict, type Fired } from "./collect.ts";
import type { HookEvent } from "./hook-table.ts";

const fired = (run: Partial<Fired["run"]>, command = "hook.sh"): Fired => ({
  handler: { command, timeoutMs: 60_000 },
  run: { exitCode: 0, stdout: "", stderr: "", timedOut: false, aborted: false, ...run },
});
const one = (event: HookEvent, run: Partial<Fired["run"]>) => collect(event, [fired(run)]);

describe("hook exit codes", () => {
  it("exit 2 blocks with stderr on blocking events", () => {
    const c = one("PreToolUse", { exitCode: 2, stderr: "no rm please\n" });
    expect(c.blocks).toEqual(["no rm please"]);
    expect(permissionVerdict(c)).toEqual({ decision: "deny", reason: "no rm please" });
  });

  it("exit 2 only shows stderr to the user on events that cannot block", () => {
    const c = one("SessionStart", { exitCode: 2, stderr: "odd" });
    expect(c.blocks).toEqual([]);
    expect(c.messages).toMatchObject([
      { level: "warning", text: "SessionStart hook `hook.sh`: odd" },
    ]);
  });

  it("exit 2 ignores JSON on stdout", () => {
    const c = one("PreToolUse", {
      exitCode: 2,
      stderr: "blocked",
      stdout: '{"hookSpecificOutput":{"permissionDecision":"allow"}}',
    });
    expect(permissionVerdict(c)?.decision).toBe("deny");
  });

  it("another exit code is shown to the user and blocks nothing", () => {
    const c = one("PreToolUse", { exitCode: 1, stderr: "boom" });
    expect(c.blocks).toEqual([]);
    expect(permissionVerdict(c)).toBeUndefined();
    expect(c.messages[0]?.text).toBe("PreToolUse hook `hook.sh` failed with exit code 1: boom");
  });

  it("a timeout is reported, not fatal", () => {
    const c = one("Stop", { exitCode: null, timedOut: true });
    expect(c.blocks).toEqual([]);
    expect(c.messages[0]?.text).toContain("ran longer than 60 s");
  });
});

describe("hook stdout", () => {
  it("plain text is context only for UserPromptSubmit and SessionStart", () => {
    expect(one("UserPromptSubmit", { stdout: "today is Tuesday\n" }).contexts).toEqual([
      "today is Tuesday",
    ]);
    expect(one("SessionStart", { stdout: "branch main" }).contexts).toEqual(["branch main"]);
    expect(one("PostToolUse", { stdout: "ignored" }).contexts).toEqual([]);
    expect(one("PreToolUse", { stdout: "ignored" }).contexts).toEqual([]);
  });

  it("bad JSON is reported with the hook and event, and ignored", () => {
    const c = one("PreToolUse", { stdout: '{"decision": ' });
    expect(c.messages[0]?.text).toMatch(/^PreToolUse hook `hook.sh`: its output is not valid JSON/);
    expect(permissionVerdict(c)).toBeUndefined();
  });

  it("JSON with wrong field types is reported, naming the field", () => {
    const c = one("PostToolUse", { stdout: '{"continue": "no", "decision": "maybe"}' });
    expect(c.messages[0]?.text).toContain("continue");
    expect(c.messages[0]?.text).toContain("decision");
    expect(c.stop).toBeUndefined();
    expect(c.blocks).toEqual([]);
  });

  it("continue:false stops with stopReason; systemMessage goes to the user", () => {
    const c = one("PostToolUse", {
      stdout: JSON.stringify({ continue: false, stopReason: "tests are red", systemMessage: "hi" }),
    });
    expect(c.stop).toBe("tests are red");
    expect(c.messages).toMatchObject([{ level: "info", text: "hi" }]);
  });

  it("decision block with reason blocks PostToolUse, UserPromptSubmit and Stop", () => {
    for (const event of ["PostToolUse", "UserPromptSubmit", "Stop", "SubagentStop"] as const) {
      expect(one(event, { stdout: '{"decision":"block","reason":"lint failed"}' }).blocks).toEqual([
        "lint failed",
      ]);
    }
  });

  it("PreToolUse hookSpecificOutput gives a decision, its reason, updatedInput and context", () => {
    const c = one("PreToolUse", {
      stdout: JSON.stringify({
        hookSpecificOutput: {
          hookEventName: "PreToolUse",
          permissionDecision: "allow",
          permissionDecisionReason: "safe",
          updatedInput: { command: "ls -la" },
          additionalContext: "note",
        },
      }),
    });
    expect(permissionVerdict(c)).toEqual({ decision: "allow", reason: "safe" });
    expect(c.updatedInputs).toEqual([{ command: "ls -la" }]);
    expect(c.contexts).toEqual(["note"]);
  });

  it("the deprecated approve/block decision still works for PreToolUse", () => {
    expect(permissionVerdict(one("PreToolUse", { stdout: '{"decision":"approve"}' }))).toEqual({
      decision: "allow",
    });
    expect(
      permissionVerdict(one("PreToolUse", { stdout: '{"decision":"block","reason":"no"}' })),
    ).toEqual({ decision: "deny", reason: "no" });
  });

  it("hookSpecificOutput for another event is reported and ignored", () => {
    const c = one("PreToolUse", {
      stdout: '{"hookSpecificOutput":{"hookEventName":"PostToolUse","permissionDecision":"deny"}}',
    });
    expect(permissionVerdict(c)).toBeUndefined();
    expect(c.messages[0]?.text).toContain('expected "PreToolUse"');
  });
});

describe("several hooks of one event", () => {
  it("deny beats ask beats allow, and reasons of the winner are joined", () => {
    const decide = (d: string, reason: string) =>
      fired(
        {
          stdout: JSON.stringify({
            hookSpecificOutput: { permissionDecision: d, permissionDecisionReason: reason },
          }),
        },
        `${d}.sh`,
      );
    expect(
      permissionVerdict(collect("PreToolUse", [decide("allow", "a"), decide("ask", "b")])),
    ).toEqual({ decision: "ask", reason: "b" });
    expect(
      permissionVerdict(
        collect("PreToolUse", [decide("allow", "a"), decide("deny", "c"), decide("ask", "b")]),
      ),
    ).toEqual({ decision: "deny", reason: "c" });
  });
});
