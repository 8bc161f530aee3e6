// Sessions through the CLI: every print run leaves a transcript, and -c / -r / --fork-session /
// --session-id / --no-session-persistence / --compact / `cairn sessions` work from it.

import { existsSync } from "node:fs";
import { readdir, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { jsonLines, runCli, startCli, tempDir, place, type Place } from "./run-cli.ts";

const model = "anthropic/claude-sonnet-5-5";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

function envFor(where: Place, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: where.home,
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.url,
    CAIRN_RETRY_BASE_MS: "5",
    CAIRN_TEST_TOOLS: "1",
    ...extra,
  };
}

function reply(text: string): Scenario {
  return { turns: [{ blocks: [{ type: "text", text }] }] };
}

/** `cairn -p --model … <args>` in `where`, answered by `scenario`; the server's log is reset. */
async function print(
  where: Place,
  scenario: Scenario,
  args: string[],
  env: Record<string, string> = {},
) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const run = await runCli(["-p", "--model", model, ...args], {
    cwd: where.cwd,
    env: envFor(where, env),
  });
  expect(server.violations).toEqual([]);
  return run;
}

/** A cairn subcommand (`sessions`, …) in `where`. */
function command(where: Place, args: string[]) {
  return runCli(args, { cwd: where.cwd, env: envFor(where) });
}

function resultOf(stdout: string): Record<string, unknown> {
  const lines = jsonLines(stdout);
  expect(lines).toHaveLength(1);
  return lines[0] ?? {};
}

/** The conversation the last recorded request sent, as JSON text. */
function sentConversation(index = -1): string {
  const body = server.requests.at(index)?.body as { messages?: unknown } | undefined;
  return JSON.stringify(body?.messages ?? null);
}

async function projectFolder(where: Place, cairnHome = join(where.home, ".cairn")) {
  const key = (await realpath(where.cwd)).replace(/[^a-zA-Z0-9]/g, "-");
  return join(cairnHome, "projects", key);
}

async function transcripts(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  return (await readdir(folder)).filter((name) => name.endsWith(".jsonl")).sort();
}

/** Starts a session with `prompt` answered by `answer`; returns its id. */
async function startSession(where: Place, prompt: string, answer: string): Promise<string> {
  const run = await print(where, reply(answer), ["--output-format", "json", prompt]);
  expect(run.code).toBe(0);
  const id = resultOf(run.stdout).session_id;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return String(id);
}

describe("session transcripts", () => {
  it("writes each print run to <CAIRN_HOME>/projects/<workspace key>/<session id>.jsonl", async () => {
    const where = await place();
    const cairnHome = await tempDir("cairn-own-home-");
    const run = await print(where, reply("Noted."), ["--output-format", "json", "remember heron"], {
      CAIRN_HOME: cairnHome,
    });
    expect(run.code).toBe(0);
    const id = String(resultOf(run.stdout).session_id);
    const folder = await projectFolder(where, cairnHome);
    expect(await transcripts(folder)).toEqual([`${id}.jsonl`]);
    const lines = (await readFile(join(folder, `${id}.jsonl`), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({
      type: "session",
      sessionId: id,
      cwd: await realpath(where.cwd),
    });
    const text = JSON.stringify(lines);
    expect(text).toContain("remember heron");
    expect(text).toContain("Noted.");
    // CAIRN_HOME replaced ~/.cairn: nothing was written there.
    expect(existsSync(join(where.home, ".cairn", "projects"))).toBe(false);
  });

  it("continues the latest session of the folder with -c", async () => {
    const where = await place();
    await startSession(where, "the first session says owl", "owl noted");
    const latest = await startSession(where, "the second session says heron", "heron noted");
    const run = await print(where, reply("It was heron."), [
      "-c",
      "--output-format",
      "json",
      "which bird?",
    ]);
    expect(run.code).toBe(0);
    expect(resultOf(run.stdout)).toMatchObject({ session_id: latest, result: "It was heron." });
    const sent = sentConversation();
    expect(sent).toContain("the second session says heron");
    expect(sent).toContain("heron noted");
    expect(sent).toContain("which bird?");
    expect(sent).not.toContain("owl");
    // The run was appended to the same transcript: no third file.
    expect(await transcripts(await projectFolder(where))).toHaveLength(2);
  });

  it("resumes a session by a unique prefix of its id with -r", async () => {
    const where = await place();
    const first = await startSession(where, "the first session says owl", "owl noted");
    await startSession(where, "the second session says heron", "heron noted");
    const run = await print(where, reply("It was owl."), [
      "-r",
      first.slice(0, 8),
      "--output-format",
      "json",
      "which bird?",
    ]);
    expect(run.code).toBe(0);
    expect(resultOf(run.stdout).session_id).toBe(first);
    const sent = sentConversation();
    expect(sent).toContain("the first session says owl");
    expect(sent).not.toContain("heron");
  });

  it("forks with --fork-session: a new id, and the original transcript byte for byte as it was", async () => {
    const where = await place();
    const original = await startSession(where, "the session says wren", "wren noted");
    const folder = await projectFolder(where);
    const before = await readFile(join(folder, `${original}.jsonl`));
    const run = await print(where, reply("Forked: wren."), [
      "-r",
      original,
      "--fork-session",
      "--output-format",
      "json",
      "which bird?",
    ]);
    expect(run.code).toBe(0);
    const forked = String(resultOf(run.stdout).session_id);
    expect(forked).not.toBe(original);
    expect(sentConversation()).toContain("the session says wren");
    expect(await readFile(join(folder, `${original}.jsonl`))).toEqual(before);
    const fork = await readFile(join(folder, `${forked}.jsonl`), "utf8");
    expect(JSON.parse(fork.split("\n")[0] ?? "")).toMatchObject({
      sessionId: forked,
      forkedFrom: { sessionId: original },
    });
    expect(fork).toContain("which bird?");
  });

  it("uses the id given with --session-id, and refuses to start a second session with it", async () => {
    const where = await place();
    const id = "123e4567-e89b-42d3-a456-426614174000";
    const run = await print(where, reply("ok"), [
      "--session-id",
      id,
      "--output-format",
      "json",
      "hi",
    ]);
    expect(run.code).toBe(0);
    expect(resultOf(run.stdout).session_id).toBe(id);
    expect(await transcripts(await projectFolder(where))).toEqual([`${id}.jsonl`]);

    const again = await print(where, reply("ok"), ["--session-id", id, "hi again"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`session ${id} already exists`);
  });

  it("writes no transcript with --no-session-persistence", async () => {
    const where = await place();
    const run = await print(where, reply("ok"), ["--no-session-persistence", "hi"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("ok\n");
    expect(await transcripts(await projectFolder(where))).toEqual([]);
    // And so there is nothing to continue.
    const next = await print(where, reply("ok"), ["-c", "again"]);
    expect(next.code).toBe(1);
  });

  it("lists the folder's sessions with cairn sessions and cairn sessions --json", async () => {
    const where = await place();
    const first = await startSession(where, "first prompt about owls", "owl noted");
    const second = await startSession(where, "second prompt about herons", "heron noted");

    const json = await command(where, ["sessions", "--json"]);
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((s) => s.sessionId)).toEqual([second, first]);
    expect(listed[0]).toMatchObject({
      firstPrompt: "second prompt about herons",
      messageCount: 2,
      busy: false,
      model: "claude-sonnet-5-5",
    });

    const table = await command(where, ["sessions"]);
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^ID\s+LAST ACTIVE\s+MSGS\s+COST\s+FIRST PROMPT$/);
    expect(rows[1]).toContain(second.slice(0, 8));
    expect(rows[1]).toContain("second prompt about herons");
    expect(rows[2]).toContain(first.slice(0, 8));
    expect(table.stderr).toContain("cairn --resume <id>");

    // Another folder has none.
    const empty = await command({ ...where, cwd: await tempDir() }, ["sessions", "--json"]);
    expect(JSON.parse(empty.stdout)).toEqual([]);
  });

  it("fails clearly on -c without a session and on -r without an id", async () => {
    const where = await place();
    const none = await print(where, reply("unused"), ["-c", "go on"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no session to continue in");
    expect(none.stderr).toContain("cairn sessions");
    expect(server.requests).toHaveLength(0);

    const bare = await print(where, reply("unused"), ["-r"], {});
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("--resume needs a session id in print mode");
    expect(server.requests).toHaveLength(0);

    const unknown = await print(where, reply("unused"), ["-r", "deadbeef", "hi"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no session "deadbeef"');
  });
});

describe("a session held by another process", () => {
  it("refuses -r with 'busy' naming the pid, and lets --fork-session go on", async () => {
    const where = await place();
    const id = "0b7e3c1a-5d2f-4e6a-9c8b-1a2b3c4d5e6f";
    const first = await startSession(where, "the busy session says kite", "kite noted");
    server.setScenario({
      turns: [{ kind: "hang" }, { blocks: [{ type: "text", text: "forked" }] }],
    });
    server.requests.length = 0;
    // The holder continues the session and waits on a model that never answers.
    const holder = await startCli(["-p", "--model", model, "-r", first, "keep going"], {
      cwd: where.cwd,
      env: envFor(where),
    });
    try {
      await waitUntil(() => server.requests.length === 1);

      const busy = await runCli(["-p", "--model", model, "-r", first, "me too"], {
        cwd: where.cwd,
        env: envFor(where),
      });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`session ${first} is being written by another cairn`);
      expect(busy.stderr).toContain(`pid ${holder.pid}`);
      expect(busy.stderr).toContain("--fork-session");
      expect(server.requests).toHaveLength(1);

      const listed = await command(where, ["sessions", "--json"]);
      expect(JSON.parse(listed.stdout)).toMatchObject([{ sessionId: first, busy: true }]);

      const fork = await runCli(
        [
          "-p",
          "--model",
          model,
          "-r",
          first,
          "--fork-session",
          "--session-id",
          id,
          "--output-format",
          "json",
          "me too",
        ],
        { cwd: where.cwd, env: envFor(where) },
      );
      expect(fork.code).toBe(0);
      expect(resultOf(fork.stdout)).toMatchObject({ session_id: id, result: "forked" });
      expect(sentConversation()).toContain("the busy session says kite");
      expect(server.violations).toEqual([]);
    } finally {
      holder.kill("SIGKILL");
      await holder.done;
    }
  });
});

describe("--compact", () => {
  it("summarises the session, prints the summary, and the next -c starts from it", async () => {
    const where = await place();
    await startSession(where, "first prompt: the secret word is albatross", "albatross noted");
    const second = await print(where, reply("puffin noted"), ["-c", "now remember puffin"]);
    expect(second.code).toBe(0);

    const summary = "Summary: the user shared two bird names.";
    const compacted = await print(
      where,
      {
        turns: [],
        onRequestIncluding: [
          {
            text: "write a summary of this session",
            reply: { blocks: [{ type: "text", text: summary }] },
          },
        ],
      },
      ["-c", "--compact"],
    );
    expect(compacted.code).toBe(0);
    expect(compacted.stdout).toBe(`${summary}\n`);
    expect(compacted.stderr).toMatch(/compacted: about \d+ → \d+ tokens/);
    expect(server.requests).toHaveLength(1);
    expect(sentConversation()).toContain("albatross");

    const next = await print(where, reply("go"), ["-c", "what next?"]);
    expect(next.code).toBe(0);
    const sent = sentConversation();
    expect(sent).toContain("This session continues from earlier work.");
    expect(sent).toContain(summary);
    expect(sent).toContain("what next?");
    // The first prompt is gone: the summary stands for it.
    expect(sent).not.toContain("the secret word is albatross");
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
