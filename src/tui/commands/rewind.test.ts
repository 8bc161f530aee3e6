import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCheckpoints, type CheckpointStore } from "../../checkpoints/index.ts";
import type { CommandContext } from "../types.ts";
import { fakeContext } from "./fake-context.ts";
import { builtinCommands, runSlashCommand } from "./index.ts";

let base: string;
let root: string;
let folder: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-rewind-cmd-")));
  root = base;
  folder = join(base, ".session", "checkpoints");
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Two turns, as the agent records them: turn 1 creates notes.md, turn 2 rewrites it and runs a command. */
async function twoTurns(): Promise<{ store: CheckpointStore; file: string }> {
  const store = await openCheckpoints(folder, { now: () => new Date("2025-06-10T11:00:00Z") });
  const file = join(root, "notes.md");
  await store.beginTurn({ prompt: "write the notes", messageCount: 0, messageId: "1" });
  await store.beforeChange([file]);
  await writeFile(file, "first\n");
  await store.afterChange([file]);
  await store.beginTurn({ prompt: "rewrite the notes", messageCount: 2, messageId: "3" });
  await store.beforeChange([file]);
  await writeFile(file, "second\n");
  await store.afterChange([file]);
  await store.noteUncovered("Bash", "npm run gen");
  return { store, file };
}

/** What the controller's rewind does: the session's own store plans and restores. */
function rewindThrough(store: CheckpointStore, calls: unknown[]): CommandContext["rewind"] {
  return async (turn, options) => {
    calls.push([turn, options]);
    const plan = await store.planRestore(turn);
    const report = await store.restore(plan);
    return {
      plan,
      report,
      conversationRewound: options.conversation && plan.messageId !== undefined,
    };
  };
}

const context = (extra: Parameters<typeof fakeContext>[0] = {}) =>
  fakeContext({
    cwd: root,
    workspaceRoot: root,
    checkpointsFolder: folder,
    sessionId: "s-1",
    ...extra,
    context: { now: () => new Date("2025-06-10T12:00:00Z"), ...extra.context },
  });

describe("/rewind", () => {
  it("lists the turns with the files each changed and the commands not covered", async () => {
    await twoTurns();
    const ctx = context();
    await runSlashCommand("/rewind", builtinCommands, ctx);
    const text = ctx.output();
    expect(text).toContain("  1  write the notes  (1 h ago)\n     1 file changed: notes.md");
    expect(text).toContain("  2  rewrite the notes  (1 h ago)\n     1 file changed: notes.md");
    expect(text).toContain("not covered (1 shell command): npm run gen");
    expect(text).toContain("/rewind <turn>");
  });

  it("says when no turn is recorded yet, or none can be", async () => {
    const empty = context();
    await runSlashCommand("/rewind", builtinCommands, empty);
    expect(empty.output()).toBe("No turns recorded in this session yet.");
    const unsaved = context({ checkpointsFolder: undefined });
    await runSlashCommand("/rewind", builtinCommands, unsaved);
    expect(unsaved.output()).toContain("keeps no checkpoints");
  });

  it("puts the files back through the controller and reports each one", async () => {
    const { store, file } = await twoTurns();
    const calls: unknown[] = [];
    const ctx = context({ context: { rewind: rewindThrough(store, calls) } });
    await runSlashCommand("/rewind 2", builtinCommands, ctx);
    expect(calls).toEqual([[2, { conversation: false }]]);
    expect(await readFile(file, "utf8")).toBe("first\n");
    const text = ctx.output();
    expect(text).toContain("Files put back as they were before turn 2 (rewrite the notes):");
    expect(text).toMatch(/^ {2}restored {4}notes\.md$/m);
    expect(text).toContain("turn 2: npm run gen");
    expect(text).toContain("The conversation is unchanged; /rewind 2 conversation rewinds it too.");
  });

  it("rewinds the conversation too when asked, in any of its spellings", async () => {
    const { store, file } = await twoTurns();
    const calls: unknown[] = [];
    const ctx = context({ context: { rewind: rewindThrough(store, calls) } });
    await runSlashCommand("/rewind #1 --conversation", builtinCommands, ctx);
    await runSlashCommand("/rewind to 1 both", builtinCommands, ctx);
    expect(calls).toEqual([
      [1, { conversation: true }],
      [1, { conversation: true }],
    ]);
    await expect(readFile(file, "utf8")).rejects.toThrow(/ENOENT/);
    expect(ctx.output()).toContain("deleted");
    expect(ctx.output()).toContain("The conversation now ends before turn 1.");
  });

  it("refuses a turn that does not exist, or is not a number, with the usage", async () => {
    const { store } = await twoTurns();
    const calls: unknown[] = [];
    const ctx = context({ context: { rewind: rewindThrough(store, calls) } });
    await runSlashCommand("/rewind 7", builtinCommands, ctx);
    await runSlashCommand("/rewind last", builtinCommands, ctx);
    await runSlashCommand("/rewind 1 sideways", builtinCommands, ctx);
    expect(calls).toEqual([]);
    expect(ctx.notices.map((n) => n.level)).toEqual(["error", "error", "error"]);
    expect(ctx.notices[0]?.text).toContain("there is no turn 7; this session has turns 1 to 2");
    expect(ctx.notices[1]?.text).toContain('"last" is not a turn number');
    expect(ctx.notices[2]?.text).toContain('unexpected "sideways"');
    expect(ctx.notices[2]?.text).toContain("Usage: /rewind [turn] [conversation]");
  });

  it("tells the user the CLI command when the UI cannot rewind", async () => {
    await twoTurns();
    const ctx = context();
    await runSlashCommand("/rewind 2 conversation", builtinCommands, ctx);
    expect(ctx.output()).toContain("cairn rewind --session s-1 --to 2 --conversation");
  });
});
