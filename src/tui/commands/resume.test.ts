import { mkdir, mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "../../core/messages.ts";
import { createTranscript } from "../../sessions/index.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

let base: string;
let cairnHome: string;
let root: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-resume-cmd-")));
  cairnHome = join(base, "home");
  root = join(base, "work");
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const now = new Date("2025-06-10T12:00:00Z");
const text = (role: "user" | "assistant", body: string): Message => ({
  role,
  content: [{ type: "text", text: body }],
});

/** A finished session in `root`: one prompt answered, its last entry at `at`. */
async function session(sessionId: string, prompt: string, at: string, costUsd: number) {
  let t = Date.parse(at) - 3000;
  const writer = await createTranscript({
    cairnHome,
    root,
    sessionId,
    header: { model: "claude-sonnet-4-5", provider: "anthropic" },
    now: () => new Date((t += 1000)),
  });
  writer.append({ type: "message", message: text("user", prompt) });
  writer.append({
    type: "message",
    message: text("assistant", "done"),
    usage: {
      inputTokens: 10,
      outputTokens: 5,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    },
    costUsd,
  });
  await writer.close();
}

const context = (extra: Parameters<typeof fakeContext>[0] = {}) =>
  fakeContext({
    cwd: root,
    workspaceRoot: root,
    cairnHome,
    sessionId: "cccccccc-0000-4000-8000-000000000003",
    context: { now: () => now },
    ...extra,
  });

describe("/resume", () => {
  it("lists this folder's sessions, newest first, with age, messages, cost and first prompt", async () => {
    await session(
      "aaaaaaaa-0000-4000-8000-000000000001",
      "fix the flaky parser test",
      "2025-06-10T09:00:00Z",
      0.5,
    );
    await session(
      "bbbbbbbb-0000-4000-8000-000000000002",
      "add a --json flag\nto the CLI",
      "2025-06-10T11:55:00Z",
      0.0123,
    );
    const ctx = context();
    await runSlashCommand("/resume", builtinCommands, ctx);
    const lines = ctx.output().split("\n");
    expect(lines[0]).toBe(`Sessions in ${root}, most recent first:`);
    expect(lines[1]).toMatch(
      /^ {5}bbbbbbbb\s+5 min ago\s+2 msgs\s+\$0\.01\s+add a --json flag to the CLI$/,
    );
    expect(lines[2]).toMatch(
      /^ {5}aaaaaaaa\s+3 h ago\s+2 msgs\s+\$0\.50\s+fix the flaky parser test$/,
    );
    expect(ctx.output()).toContain("cairn -r <id>");
  });

  it("marks the session in use and offers /resume when the UI can switch", async () => {
    await session("aaaaaaaa-0000-4000-8000-000000000001", "first", "2025-06-10T09:00:00Z", 0);
    await session("cccccccc-0000-4000-8000-000000000003", "current", "2025-06-10T11:59:00Z", 0);
    const ctx = context({ context: { now: () => now, resume: () => Promise.resolve() } });
    await runSlashCommand("/resume", builtinCommands, ctx);
    expect(ctx.output()).toMatch(/^ {2}\* {2}cccccccc .*current {2}\(this session\)$/m);
    expect(ctx.output()).toContain("Resume one with /resume <id>");
  });

  it("says when there is nothing else to resume", async () => {
    const ctx = context();
    await runSlashCommand("/resume", builtinCommands, ctx);
    expect(ctx.output()).toBe("No other sessions in this folder yet.");
  });

  it("resumes by id prefix through the controller when it can", async () => {
    await session("aaaaaaaa-0000-4000-8000-000000000001", "first", "2025-06-10T09:00:00Z", 0);
    const resumed: string[] = [];
    const ctx = context({
      context: { resume: (id) => Promise.resolve(void resumed.push(id)) },
    });
    await runSlashCommand("/resume aaaa", builtinCommands, ctx);
    expect(resumed).toEqual(["aaaaaaaa-0000-4000-8000-000000000001"]);
  });

  it("tells the user to restart with cairn -r when the UI cannot switch", async () => {
    await session("aaaaaaaa-0000-4000-8000-000000000001", "first", "2025-06-10T09:00:00Z", 0);
    const ctx = context();
    await runSlashCommand("/resume aaaaaaaa", builtinCommands, ctx);
    expect(ctx.output()).toContain("cairn -r aaaaaaaa-0000-4000-8000-000000000001");
  });

  it("reports an unknown or ambiguous id as an error", async () => {
    await session("aaaaaaaa-0000-4000-8000-000000000001", "first", "2025-06-10T09:00:00Z", 0);
    await session("aaaaaaaa-0000-4000-8000-000000000009", "second", "2025-06-10T10:00:00Z", 0);
    const ctx = context();
    await runSlashCommand("/resume zzzz", builtinCommands, ctx);
    await runSlashCommand("/resume aaaa", builtinCommands, ctx);
    expect(ctx.notices.map((n) => n.level)).toEqual(["error", "error"]);
    expect(ctx.notices[0]?.text).toContain('no session "zzzz"');
    expect(ctx.notices[1]?.text).toContain("matches 2 sessions");
  });

  it("notices a request to resume the current session", async () => {
    await session("cccccccc-0000-4000-8000-000000000003", "current", "2025-06-10T11:59:00Z", 0);
    const ctx = context({
      context: { resume: () => Promise.reject(new Error("must not be called")) },
    });
    await runSlashCommand("/resume cccccccc", builtinCommands, ctx);
    expect(ctx.output()).toContain("is the one you are in");
  });
});
