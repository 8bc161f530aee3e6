import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTranscript } from "../sessions/index.ts";
import { formatAge as age } from "../core/format-age.ts";
import { runSessionsCommand } from "./sessions-command.ts";

let base: string;
let home: string;
let root: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-sessions-cli-")));
  home = join(base, "home");
  root = join(base, "work");
  await mkdir(root);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const now = new Date("2026-01-02T12:00:00Z");

async function session(sessionId: string, prompt: string, at: string, cost: number) {
  let t = Date.parse(at);
  const writer = await createTranscript({
    cairnHome: home,
    root,
    sessionId,
    header: { model: "m", provider: "p" },
    now: () => new Date((t += 1000)),
  });
  writer.append({
    type: "message",
    message: { role: "user", content: [{ type: "text", text: prompt }] },
  });
  writer.append({
    type: "message",
    message: { role: "assistant", content: [{ type: "text", text: "ok" }] },
    costUsd: cost,
  });
  return writer;
}

async function cli(argv: string[], cwd = root) {
  let stdout = "";
  let stderr = "";
  const code = await runSessionsCommand(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: { CAIRN_HOME: home },
    now: () => now,
  });
  return { code, stdout, stderr };
}

describe("cairn sessions", () => {
  it("prints this folder's sessions as a table, newest first, running ones marked", async () => {
    await (
      await session(
        "3f2a9c1e-0000-4000-8000-000000000001",
        "fix the test",
        "2026-01-02T11:55:00Z",
        0.4123,
      )
    ).close();
    await (
      await session("3f2a9c1e-0000-4000-8000-000000000002", "older work", "2025-12-30T12:00:00Z", 0)
    ).close();
    const running = await session(
      "9b1d0000-0000-4000-8000-000000000003",
      "still going",
      "2026-01-02T09:00:00Z",
      1.5,
    );

    const { code, stdout, stderr } = await cli([]);
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        "ID                                    LAST ACTIVE  MSGS   COST  FIRST PROMPT",
        "3f2a9c1e-0000-4000-8000-000000000001  4 min ago       2  $0.41  fix the test",
        "9b1d0000-0000-4000-8000-000000000003  2 h ago         2  $1.50  [running] still going",
        "3f2a9c1e-0000-4000-8000-000000000002  2 d ago         2  $0.00  older work",
        "",
      ].join("\n"),
    );
    expect(stderr).toBe("Resume one with: cairn --resume <id>\n");
    await running.close();
  });

  it("shortens ids to 8 characters when those tell them apart", async () => {
    await (await session("aaaaaaaa-1", "a", "2026-01-02T11:00:00Z", 0)).close();
    await (await session("bbbbbbbb-2", "b", "2026-01-02T10:00:00Z", 0)).close();
    const { stdout } = await cli([]);
    expect(stdout.split("\n")[1]).toMatch(/^aaaaaaaa {2}59 min ago/);
  });

  it("prints JSON with full ids and ISO times", async () => {
    await (await session("abc", "hello", "2026-01-01T00:00:00Z", 0.5)).close();
    const { code, stdout } = await cli(["--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        sessionId: "abc",
        path: expect.stringMatching(/abc\.jsonl$/) as unknown,
        createdAt: "2026-01-01T00:00:01.000Z",
        lastActivity: "2026-01-01T00:00:03.000Z",
        firstPrompt: "hello",
        model: "m",
        messageCount: 2,
        costUsd: 0.5,
        busy: false,
        approximate: false,
      },
    ]);
  });

  it("finds the folder's sessions through a symbolic link to it", async () => {
    await (await session("abc", "hello", "2026-01-01T00:00:00Z", 0)).close();
    await symlink(root, join(base, "link"));
    expect((await cli(["--json"], join(base, "link"))).stdout).toContain('"abc"');
  });

  it("says so when there are none, on stderr", async () => {
    expect(await cli([])).toEqual({ code: 0, stdout: "", stderr: `No sessions in ${root} yet.\n` });
    expect((await cli(["--json"])).stdout).toBe("[]\n");
  });

  it("rejects an unknown option with a hint", async () => {
    expect(await cli(["--all"])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'cairn: sessions: unknown option "--all"\nRun `cairn sessions --help` for usage.\n',
    });
    expect((await cli(["--help"])).stdout).toMatch(/^Usage: cairn sessions/);
  });

  it("describes ages in words", () => {
    const at = (ms: number) => new Date(now.getTime() - ms);
    expect(age(at(10_000), now)).toBe("just now");
    expect(age(at(59 * 60_000), now)).toBe("59 min ago");
    expect(age(at(23 * 3_600_000), now)).toBe("23 h ago");
    expect(age(at(40 * 86_400_000), now)).toBe("2025-11-23");
  });
});
