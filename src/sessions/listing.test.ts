import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "../core/messages.ts";
import {
  cleanupSessions,
  createTranscript,
  findSession,
  forkSession,
  latestSession,
  listSessions,
  loadTranscript,
  projectDir,
  workspaceKey,
} from "./index.ts";

let base: string;
let home: string;
let root: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-sessions-list-")));
  home = join(base, "home");
  root = join(base, "work");
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const usage = {
  inputTokens: 100,
  outputTokens: 10,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
};
const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string): Message => ({
  role: "assistant",
  content: [{ type: "text", text }],
});

/** A finished session: `prompt` answered, costing `cost`, its entries stamped from `at`. */
async function session(
  sessionId: string,
  prompt: string,
  at: string,
  options: { cost?: number; folder?: string; close?: boolean } = {},
) {
  let t = Date.parse(at);
  const writer = await createTranscript({
    cairnHome: home,
    root: options.folder ?? root,
    sessionId,
    header: { model: "m1", provider: "p" },
    now: () => new Date((t += 1000)),
  });
  writer.append({ type: "message", message: user(prompt) });
  writer.append({ type: "message", message: assistant("ok"), usage, costUsd: options.cost ?? 0.1 });
  if (options.close !== false) await writer.close();
  return writer;
}

describe("workspaceKey", () => {
  it("replaces every character but ASCII letters and digits with '-'", () => {
    expect(workspaceKey("/home/ann/my app.v2")).toBe("-home-ann-my-app-v2");
    expect(workspaceKey("C:\\Users\\Zoë")).toBe("C--Users-Zo-");
  });

  it("keeps long keys under 200 characters, told apart by a hash", () => {
    const a = `/${"x".repeat(300)}/a`;
    const b = `/${"x".repeat(300)}/b`;
    expect(workspaceKey(a)).toHaveLength(200);
    expect(workspaceKey(a)).not.toBe(workspaceKey(b));
    expect(workspaceKey(a)).toMatch(/^-x+-[0-9a-f]{12}$/);
  });
});

describe("listing sessions", () => {
  it("lists this folder's sessions, most recent first, with their prompt, size and cost", async () => {
    await session("aaaa1111", "first  task\nwith two lines", "2026-01-01T00:00:00Z", {
      cost: 0.25,
    });
    await session("bbbb2222", "x".repeat(100), "2026-01-03T00:00:00Z");
    await session("cccc3333", "middle", "2026-01-02T00:00:00Z");
    await session("dddd4444", "elsewhere", "2026-01-04T00:00:00Z", { folder: base });

    const list = await listSessions(home, root);
    expect(list.map((s) => s.sessionId)).toEqual(["bbbb2222", "cccc3333", "aaaa1111"]);
    expect(list[2]).toMatchObject({
      firstPrompt: "first task with two lines",
      messageCount: 2,
      costUsd: 0.25,
      model: "m1",
      busy: false,
      approximate: false,
      path: join(projectDir(home, root), "aaaa1111.jsonl"),
    });
    expect(list[2]?.lastActivity.toISOString()).toBe("2026-01-01T00:00:03.000Z");
    expect(list[0]?.firstPrompt).toBe(`${"x".repeat(79)}…`);
    expect((await latestSession(home, root))?.sessionId).toBe("bbbb2222");
    expect(await listSessions(home, join(base, "never-used"))).toEqual([]);
  });

  it("marks a session another writer holds as busy", async () => {
    const open = await session("aaaa1111", "running", "2026-01-01T00:00:00Z", { close: false });
    expect((await listSessions(home, root))[0]?.busy).toBe(true);
    await open.close();
    expect((await listSessions(home, root))[0]?.busy).toBe(false);
  });

  it("leaves out a folder's unreadable transcript, with a warning", async () => {
    await session("aaaa1111", "good", "2026-01-01T00:00:00Z");
    await writeFile(join(projectDir(home, root), "bbbb.jsonl"), "not json\n");
    const warnings: string[] = [];
    const list = await listSessions(home, root, { warn: (w) => warnings.push(w) });
    expect(list.map((s) => s.sessionId)).toEqual(["aaaa1111"]);
    expect(warnings).toEqual([
      expect.stringMatching(/bbbb\.jsonl is not a cairn session transcript/) as unknown,
    ]);
  });

  it("reads only the head and tail of a big transcript, with totals from its last result", async () => {
    let t = Date.parse("2026-01-01T00:00:00Z");
    const writer = await createTranscript({
      cairnHome: home,
      root,
      sessionId: "big",
      header: { model: "m1", provider: "p" },
      now: () => new Date((t += 1000)),
    });
    writer.append({ type: "message", message: user("the first prompt") });
    const chunk = "y".repeat(100_000);
    for (let i = 0; i < 30; i++) {
      writer.append({ type: "message", message: assistant(chunk), usage, costUsd: 0.01 });
      writer.append({ type: "message", message: user(`more ${i}`) });
    }
    writer.append({ type: "result", outcome: "success", numTurns: 30, usage, costUsd: 0.3 });
    writer.append({ type: "message", message: assistant("after"), usage, costUsd: 0.5 });
    await writer.close();
    expect((await stat(writer.path)).size).toBeGreaterThan(2 * 1024 * 1024);

    const [summary] = await listSessions(home, root);
    expect(summary).toMatchObject({
      firstPrompt: "the first prompt",
      messageCount: 62,
      approximate: false,
    });
    expect(summary?.costUsd).toBeCloseTo(0.8);
    const loaded = await loadTranscript(writer.path);
    expect(loaded.messageCount).toBe(62);
    expect(loaded.costUsd).toBeCloseTo(0.8);
  });
});

describe("finding a session", () => {
  it("accepts the full id or a unique prefix, and names the candidates of an ambiguous one", async () => {
    await session("3f2a9c1e-aaaa", "one", "2026-01-01T00:00:00Z");
    await session("3f2a9c1e-bbbb", "two", "2026-01-02T00:00:00Z");
    await session("77", "three", "2026-01-03T00:00:00Z");
    await session("770", "four", "2026-01-03T00:00:00Z");
    const dir = projectDir(home, root);

    expect(await findSession(home, root, "3f2a9c1e-b")).toEqual({
      sessionId: "3f2a9c1e-bbbb",
      path: join(dir, "3f2a9c1e-bbbb.jsonl"),
    });
    // An exact id wins over the longer ids it is a prefix of.
    expect((await findSession(home, root, "77")).sessionId).toBe("77");
    await expect(findSession(home, root, "3f2a")).rejects.toMatchObject({
      code: "session_ambiguous",
      message: 'session id prefix "3f2a" matches 2 sessions: 3f2a9c1e-aaaa, 3f2a9c1e-bbbb',
    });
    await expect(findSession(home, root, "zzz")).rejects.toMatchObject({
      code: "session_not_found",
      message: `no session "zzz" in ${root}`,
    });
    await expect(findSession(home, root, "../etc/passwd")).rejects.toMatchObject({
      code: "session_not_found",
    });
  });

  it("says which folder a session belongs to when it is not this folder's", async () => {
    await session("abcdef", "over there", "2026-01-01T00:00:00Z", { folder: base });
    await expect(findSession(home, root, "abc")).rejects.toMatchObject({
      code: "session_not_found",
      message: `session abc is not a session of ${root}: it was started in ${base}`,
      hint: `Run cairn in ${base} to resume it.`,
    });
  });
});

describe("forking", () => {
  it("copies the conversation into a new session and leaves the original untouched", async () => {
    const original = await session("orig", "build it", "2026-01-01T00:00:00Z");
    const before = await readFile(original.path, "utf8");
    const loaded = await loadTranscript(original.path);

    const fork = await forkSession(loaded, { cairnHome: home, root, newId: "fork1" });
    fork.append({ type: "message", message: user("now a variant") });
    await fork.close();

    expect(await readFile(original.path, "utf8")).toBe(before);
    const forked = await loadTranscript(fork.path);
    expect(forked.header.forkedFrom).toEqual({ sessionId: "orig", entryCount: 3 });
    expect(forked.messages).toEqual([user("build it"), assistant("ok"), user("now a variant")]);
    expect(forked.costUsd).toBe(0);
    expect(forked.firstPrompt).toBe("build it");
  });
});

describe("cleanup", () => {
  const day = 24 * 60 * 60 * 1000;

  it("removes transcripts and side folders older than the period, in every folder", async () => {
    const now = new Date("2026-03-01T00:00:00Z");
    const old = await session("old", "old", "2026-01-01T00:00:00Z");
    const recent = await session("recent", "recent", "2026-02-25T00:00:00Z");
    const elsewhere = await session("far", "far", "2026-01-01T00:00:00Z", { folder: base });
    await mkdir(join(projectDir(home, root), "old", "checkpoints"), { recursive: true });
    await utimes(old.path, new Date(now.getTime() - 31 * day), new Date(now.getTime() - 31 * day));
    await utimes(recent.path, new Date(now.getTime() - 5 * day), new Date(now.getTime() - 5 * day));
    await utimes(
      elsewhere.path,
      new Date(now.getTime() - 40 * day),
      new Date(now.getTime() - 40 * day),
    );

    const result = await cleanupSessions(home, 30, now);
    expect(result.problems).toEqual([]);
    expect(result.removed.sort()).toEqual([elsewhere.path, old.path].sort());
    expect(await readdir(projectDir(home, root))).toEqual(["recent.jsonl"]);
    // The other folder had nothing left, so its project folder went too.
    expect(await readdir(join(home, "projects"))).toEqual([workspaceKey(root)]);
  });

  it("keeps a session a live process is writing, however old", async () => {
    const now = new Date("2026-03-01T00:00:00Z");
    const open = await session("busy", "busy", "2026-01-01T00:00:00Z", { close: false });
    const long = new Date(now.getTime() - 90 * day);
    await utimes(open.path, long, long);
    expect((await cleanupSessions(home, 30, now)).removed).toEqual([]);
    await open.close();
    await utimes(open.path, long, long);
    expect((await cleanupSessions(home, 30, now)).removed).toEqual([open.path]);
  });

  it("removes nothing for a period of 0 or less", async () => {
    const s = await session("s", "s", "2026-01-01T00:00:00Z");
    const now = new Date("2030-01-01T00:00:00Z");
    expect(await cleanupSessions(home, 0, now)).toEqual({ removed: [], problems: [] });
    expect(await cleanupSessions(home, -1, now)).toEqual({ removed: [], problems: [] });
    expect(await cleanupSessions(home, Number.NaN, now)).toEqual({ removed: [], problems: [] });
    expect(await stat(s.path)).toBeTruthy();
  });
});
