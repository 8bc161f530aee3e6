import { describe, expect, it } from "vitest";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

describe("/permissions", () => {
  it("shows the mode and each rule with the file it came from", async () => {
    const ctx = fakeContext({
      cwd: "/work/project",
      status: { mode: "plan" },
      rules: { allow: ["Bash(npm test:*)"], ask: [], deny: ["Read(./.env)"] },
      ruleOrigins: [
        { kind: "allow", rule: "Bash(npm test:*)", origin: "/work/project/.cairn/settings.json" },
        { kind: "deny", rule: "Read(./.env)", origin: "(command line)" },
      ],
    });
    await runSlashCommand("/permissions", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toContain("Mode: plan (read-only");
    expect(text).toMatch(/Allow rules:\n\s+Bash\(npm test:\*\)\s+\.cairn\/settings\.json\n/);
    expect(text).toMatch(/Ask rules:\n\s+\(none\)\n/);
    expect(text).toMatch(/Deny rules:\n\s+Read\(\.\/\.env\)\s+\(command line\)\n/);
  });

  it("shows the rules without origins when the session has none to give", async () => {
    const ctx = fakeContext({ rules: { allow: ["WebSearch"], ask: [], deny: [] } });
    await runSlashCommand("/permissions", builtinCommands, ctx);
    expect(ctx.output()).toMatch(/Allow rules:\n {2}WebSearch\n/);
  });

  it("adds a session rule of each kind", async () => {
    const calls: Array<[string, string]> = [];
    const ctx = fakeContext({
      context: { addRule: (kind, rule) => void calls.push([kind, rule]) },
    });
    await runSlashCommand("/permissions allow Bash(npm run test:*)", builtinCommands, ctx);
    await runSlashCommand(
      "/permissions DENY   WebFetch(domain:example.com) ",
      builtinCommands,
      ctx,
    );
    await runSlashCommand("/permissions ask Edit(src/**)", builtinCommands, ctx);
    expect(calls).toEqual([
      ["allow", "Bash(npm run test:*)"],
      ["deny", "WebFetch(domain:example.com)"],
      ["ask", "Edit(src/**)"],
    ]);
    expect(ctx.notices.every((n) => n.level === "info")).toBe(true);
    expect(ctx.output()).toContain("Added allow rule Bash(npm run test:*) for this session");
  });

  it("refuses a malformed rule with what a rule looks like, adding nothing", async () => {
    const calls: string[] = [];
    const ctx = fakeContext({ context: { addRule: (_kind, rule) => void calls.push(rule) } });
    await runSlashCommand("/permissions allow Bash(npm test", builtinCommands, ctx);
    await runSlashCommand("/permissions deny", builtinCommands, ctx);
    expect(calls).toEqual([]);
    expect(ctx.notices.map((n) => n.level)).toEqual(["error", "error"]);
    expect(ctx.notices[0]?.text).toContain("is not a permission rule");
    expect(ctx.notices[1]?.text).toContain("Usage: /permissions");
  });

  it("explains how to keep a rule when the session cannot add one", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/permissions allow Bash(make:*)", builtinCommands, ctx);
    expect(ctx.output()).toContain(
      'cairn config add --scope local permissions.allow "Bash(make:*)"',
    );
  });

  it("sets the mode by name in any case, and refuses an unknown one", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/permissions mode acceptedits", builtinCommands, ctx);
    expect(ctx.calls).toEqual([{ method: "setMode", args: ["acceptEdits"] }]);
    await runSlashCommand("/permissions mode yolo", builtinCommands, ctx);
    expect(ctx.notices.at(-1)?.level).toBe("error");
    expect(ctx.notices.at(-1)?.text).toContain(
      "default, acceptEdits, plan, dontAsk, bypassPermissions",
    );
    expect(ctx.calls).toHaveLength(1);
  });

  it("refuses an unknown action with the usage", async () => {
    const ctx = fakeContext();
    await runSlashCommand("/permissions grant Bash", builtinCommands, ctx);
    expect(ctx.output()).toContain('unknown action "grant"');
    expect(ctx.output()).toContain("Usage: /permissions [allow|ask|deny <rule>]");
  });
});
