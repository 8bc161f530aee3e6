// `cairn rewind` after real print runs: lists the turns, restores files byte for byte to how
// they were before a turn (a created file is removed again), and with --conversation makes the
// next -c start from before that turn.

import { existsSync } from "node:fs";
import { readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { runCli, tempDir } from "./run-cli.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

interface Place {
  home: string;
  cwd: string;
}

function env(where: Place): Record<string, string> {
  return {
    HOME: where.home,
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.url,
    CAIRN_TEST_TOOLS: "1",
  };
}

async function print(where: Place, scenario: Scenario, args: string[]) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const run = await runCli(
    [
      "-p",
      "--model",
      "anthropic/claude-sonnet-5-5",
      "--permission-mode",
      "acceptEdits",
      "--allowedTools=Bash",
      ...args,
    ],
    { cwd: where.cwd, env: env(where) },
  );
  expect(server.violations).toEqual([]);
  expect(run.stderr).not.toMatch(/denied|error/i);
  expect(run.code).toBe(0);
  return run;
}

function rewind(where: Place, args: string[]) {
  return runCli(["rewind", ...args], { cwd: where.cwd, env: env(where) });
}

describe("cairn rewind", () => {
  it("restores bytes exactly, removes a file that did not exist, and rewinds the conversation", async () => {
    const where = {
      home: await tempDir("cairn-home-"),
      cwd: await realpath(await tempDir("cairn-work-")),
    };
    const notes = join(where.cwd, "notes.txt");
    const data = join(where.cwd, "data.bin");
    // Bytes that are not text: NUL, invalid UTF-8, a lone CR, CRLF.
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x0d, 0x41, 0x0d, 0x0a, 0x80, 0x00, 0x7f]);
    await writeFile(data, binary);
    const turnOneText = "alpha\r\nbeta\r\n\tgamma é ✓ \u0001\r\nno newline at the end";

    // Turn 1: the model creates notes.txt. (Tool ids are given: the fake's default ids restart
    // with each scenario, and one conversation must not hold the same id twice.)
    await print(
      where,
      {
        turns: [
          {
            blocks: [
              {
                type: "tool_use",
                id: "toolu_write",
                name: "Write",
                input: { file_path: notes, content: turnOneText },
              },
            ],
          },
          { blocks: [{ type: "text", text: "created" }] },
        ],
      },
      ["create the notes"],
    );
    const afterTurnOne = await readFile(notes);
    expect(afterTurnOne).toEqual(Buffer.from(turnOneText, "utf8"));

    // Turn 2 (a second run with -c): it edits notes.txt, overwrites data.bin, runs a command.
    await print(
      where,
      {
        turns: [
          {
            blocks: [
              { type: "tool_use", id: "toolu_read", name: "Read", input: { file_path: notes } },
            ],
          },
          {
            blocks: [
              {
                type: "tool_use",
                id: "toolu_edit",
                name: "Edit",
                input: { file_path: notes, old_string: "beta", new_string: "BETA" },
              },
              {
                type: "tool_use",
                id: "toolu_testwrite",
                name: "TestWrite",
                input: { path: "data.bin", content: "replaced" },
              },
              {
                type: "tool_use",
                id: "toolu_bash",
                name: "Bash",
                input: { command: "echo from-bash > bash.txt" },
              },
            ],
          },
          { blocks: [{ type: "text", text: "edited" }] },
        ],
      },
      ["-c", "edit the notes\nsecond line of the prompt"],
    );
    expect(await readFile(notes, "utf8")).toBe(turnOneText.replace("beta", "BETA"));
    expect(await readFile(data, "utf8")).toBe("replaced");
    expect(await readFile(join(where.cwd, "bash.txt"), "utf8")).toBe("from-bash\n");

    const list = await rewind(where, []);
    expect(list.code).toBe(0);
    const lines = list.stdout.split("\n");
    expect(lines[0]).toMatch(/^1 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}create the notes$/);
    expect(lines[1]).toBe(`     1 file changed: ${notes}`);
    expect(lines[2]).toMatch(/^2 {2}.* {2}edit the notes$/);
    expect([
      `     2 files changed: ${notes}, ${data}`,
      `     2 files changed: ${data}, ${notes}`,
    ]).toContain(lines[3]);
    expect(lines[4]).toBe("     not covered: 1 shell command: echo from-bash > bash.txt");

    const toTwo = await rewind(where, ["--to", "2"]);
    expect(toTwo.code).toBe(0);
    expect(toTwo.stdout).toContain("Restored files to before turn 2 (edit the notes)");
    expect(toTwo.stdout).toContain("echo from-bash > bash.txt");
    expect(await readFile(notes)).toEqual(afterTurnOne);
    expect(await readFile(data)).toEqual(binary);
    // What the shell command did is not cairn's to undo.
    expect(existsSync(join(where.cwd, "bash.txt"))).toBe(true);

    const toOne = await rewind(where, ["--to", "1"]);
    expect(toOne.code).toBe(0);
    expect(existsSync(notes)).toBe(false);
    expect(await readFile(data)).toEqual(binary);

    const conversation = await rewind(where, ["--to", "1", "--conversation"]);
    expect(conversation.code).toBe(0);
    expect(conversation.stdout).toContain("now ends before turn 1");

    await print(where, { turns: [{ blocks: [{ type: "text", text: "fresh" }] }] }, [
      "-c",
      "start over",
    ]);
    const sent = JSON.stringify((server.requests[0]?.body as { messages: unknown }).messages);
    expect(sent).toContain("start over");
    expect(sent).not.toContain("create the notes");
    expect(sent).not.toContain("edit the notes");
    expect(sent).not.toContain("created");
  });

  it("says so when there is no session to rewind", async () => {
    const where = { home: await tempDir("cairn-home-"), cwd: await tempDir("cairn-work-") };
    const run = await rewind(where, ["--to", "1"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("no session in");
    expect(run.stderr).toContain("to rewind");
  });
});
