import { describe, expect, it } from "vitest";
import { decide, type PermissionPolicy } from "./decide.ts";
import { parseRule, splitRuleList } from "./rules.ts";

const rules = (...r: string[]) => r.map((x) => parseRule(x, "test"));
const policy = (p: Partial<PermissionPolicy>): PermissionPolicy => ({
  mode: "default",
  allow: [],
  ask: [],
  deny: [],
  ...p,
});
const write = {
  toolName: "Write",
  readOnly: false,
  access: { kind: "write" as const, paths: ["a"] },
};
const read = { toolName: "Read", readOnly: true, access: { kind: "read" as const, paths: ["a"] } };

describe("decide", () => {
  it("allows read-only tools and asks for mutating ones by default", () => {
    expect(decide(policy({}), read).behavior).toBe("allow");
    expect(decide(policy({}), write).behavior).toBe("ask");
  });

  it("lets deny beat ask beat allow", () => {
    expect(decide(policy({ allow: rules("Write"), deny: rules("Write") }), write)).toMatchObject({
      behavior: "deny",
      rule: "Write",
    });
    expect(decide(policy({ allow: rules("Write"), ask: rules("Write") }), write).behavior).toBe(
      "ask",
    );
    expect(decide(policy({ allow: rules("Write") }), write).behavior).toBe("allow");
    expect(decide(policy({ mode: "bypassPermissions", deny: rules("Read") }), read).behavior).toBe(
      "deny",
    );
  });

  it("applies each mode", () => {
    expect(decide(policy({ mode: "acceptEdits" }), write).behavior).toBe("allow");
    expect(decide(policy({ mode: "plan" }), write).behavior).toBe("deny");
    expect(decide(policy({ mode: "dontAsk" }), write).behavior).toBe("deny");
    expect(decide(policy({ mode: "bypassPermissions" }), write).behavior).toBe("allow");
    const command = {
      toolName: "Bash",
      readOnly: false,
      access: { kind: "command" as const, command: "ls" },
    };
    expect(decide(policy({ mode: "acceptEdits" }), command).behavior).toBe("ask");
  });

  it("fails safe on specifiers it cannot judge yet: they restrict but never grant", () => {
    const bash = {
      toolName: "Bash",
      readOnly: false,
      access: { kind: "command" as const, command: "git log" },
    };
    expect(decide(policy({ allow: rules("Bash(git log:*)") }), bash).behavior).toBe("ask");
    expect(decide(policy({ deny: rules("Bash(rm:*)") }), bash).behavior).toBe("deny");
    expect(decide(policy({ allow: rules("Bash(*)") }), bash).behavior).toBe("allow");
  });

  it("treats Task and Agent as one tool, and mcp__server as all its tools", () => {
    const agent = { toolName: "Agent", readOnly: false, access: { kind: "none" as const } };
    expect(decide(policy({ deny: rules("Task") }), agent).behavior).toBe("deny");
    const mcp = {
      toolName: "mcp__github__create_issue",
      readOnly: false,
      access: { kind: "none" as const },
    };
    expect(decide(policy({ allow: rules("mcp__github") }), mcp).behavior).toBe("allow");
    expect(decide(policy({ allow: rules("mcp__github__*") }), mcp).behavior).toBe("allow");
    expect(decide(policy({ allow: rules("mcp__gitlab") }), mcp).behavior).toBe("ask");
  });
});

describe("the workspace boundary", () => {
  it("asks before reading or writing outside the workspace, even in acceptEdits", () => {
    const outsideRead = { ...read, outsideWorkspace: true };
    const outsideWrite = { ...write, outsideWorkspace: true };
    expect(decide(policy({}), outsideRead).behavior).toBe("ask");
    expect(decide(policy({ mode: "acceptEdits" }), outsideWrite).behavior).toBe("ask");
    expect(decide(policy({ mode: "dontAsk" }), outsideRead).behavior).toBe("deny");
    expect(decide(policy({ mode: "bypassPermissions" }), outsideWrite).behavior).toBe("allow");
    expect(decide(policy({ allow: rules("Read") }), outsideRead).behavior).toBe("allow");
  });
});

describe("rule lists", () => {
  it("split on commas and spaces outside parentheses", () => {
    expect(splitRuleList(["Read,Write", "Bash(git log *) Edit"])).toEqual([
      "Read",
      "Write",
      "Bash(git log *)",
      "Edit",
    ]);
  });

  it("reject text that is not a rule", () => {
    expect(() => parseRule("Bash(", "--allowedTools")).toThrow(
      '--allowedTools: "Bash(" is not a permission rule',
    );
  });
});
