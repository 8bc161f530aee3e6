// kill -9 at the worst moments (mid-stream, mid-tool, mid-write), then `cairn -p -c "go on"`:
// the session resumes with a conversation the API accepts, and no file is left half-written.

import { existsSync, watch } from "node:fs";
import { appendFile, readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { jsonLines, runCli, startCli, type CliOptions, place, type Place } from "./run-cli.ts";
import { toolOutputs, wireSetup, wires, type Wire } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

function options(wire: Wire, where: Place, extra: CliOptions = {}): CliOptions {
  return {
    cwd: where.cwd,
    ...extra,
    env: {
      HOME: where.home,
      CAIRN_TEST_TOOLS: "1",
      CAIRN_RETRY_BASE_MS: "5",
      ...wireSetup(wire, server.url).env,
    },
  };
}

function args(wire: Wire, rest: string[]): string[] {
  return ["-p", "--model", wireSetup(wire, server.url).model, ...rest];
}

function useScenario(scenario: Scenario): void {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
}

/** `cairn -p -c "go on"` answered with "resumed"; fails the test if the request was refused. */
async function goOn(wire: Wire, where: Place) {
  useScenario({ turns: [{ blocks: [{ type: "text", text: "resumed" }] }] });
  const run = await runCli(args(wire, ["-c", "--output-format", "json", "go on"]), {
    ...options(wire, where),
  });
  // The fake server answers 400 to a conversation that breaks the tool pairing rules.
  expect(server.violations).toEqual([]);
  expect(run.code).toBe(0);
  expect(jsonLines(run.stdout)[0]).toMatchObject({ subtype: "success", result: "resumed" });
  expect(server.requests).toHaveLength(1);
  return { run, body: server.requests[0]?.body };
}

async function transcriptPath(where: Place): Promise<string> {
  const key = (await realpath(where.cwd)).replace(/[^a-zA-Z0-9]/g, "-");
  const folder = join(where.home, ".cairn", "projects", key);
  const [file] = (await readdir(folder)).filter((n) => n.endsWith(".jsonl"));
  if (file === undefined) throw new Error(`no transcript in ${folder}`);
  return join(folder, file);
}

describe.each(wires)("kill -9 over %s", (wire) => {
  it("mid-tool: the resumed request answers the interrupted call as not finished", async () => {
    const where = await place();
    useScenario({
      turns: [
        {
          blocks: [
            { type: "text", text: "Waiting." },
            { type: "tool_use", name: "TestSleep", input: { ms: 20_000 } },
          ],
        },
      ],
    });
    const killed = await runCli(
      args(wire, ["--output-format", "stream-json", "--verbose", "wait a while"]),
      options(wire, where, { signal: { name: "SIGKILL", when: '"tool_use"' } }),
    );
    expect(killed.code).toBeNull(); // killed by the signal, no exit code
    const call = jsonLines(killed.stdout)
      .filter((l) => l.type === "assistant")
      .flatMap((l) => (l.message as { content: Array<Record<string, unknown>> }).content)
      .find((b) => b.type === "tool_use");
    expect(call?.name).toBe("TestSleep");
    // The killed process could not release its lock; the next one must see it is stale.
    const transcript = await transcriptPath(where);
    expect(existsSync(transcript.replace(/\.jsonl$/, ".lock"))).toBe(true);

    const { body } = await goOn(wire, where);
    const outputs = toolOutputs(wire, body);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.[0]).toBe(call?.id);
    expect(outputs[0]?.[1]).toContain("The session ended before this tool call returned");
    const sent = JSON.stringify(body);
    expect(sent).toContain("wait a while");
    expect(sent).toContain("go on");
  });
});

describe("kill -9 (anthropic)", () => {
  const wire: Wire = "anthropic";

  it("mid-stream, after a finished tool round: -c resumes from the last whole message", async () => {
    const where = await place();
    useScenario({
      turns: [
        { blocks: [{ type: "tool_use", name: "TestEcho", input: { text: "echoed-before-kill" } }] },
        {
          blocks: [{ type: "text", text: "A long answer that streams very slowly. ".repeat(20) }],
          chunkSize: 4,
          delayMs: 50,
        },
      ],
    });
    const killed = await runCli(
      args(wire, [
        "--output-format",
        "stream-json",
        "--verbose",
        "--include-partial-messages",
        "echo then explain",
      ]),
      options(wire, where, { signal: { name: "SIGKILL", when: '"text_delta"' } }),
    );
    expect(killed.code).toBeNull();
    expect(server.requests).toHaveLength(2);

    const { body, run } = await goOn(wire, where);
    const messages = (body as { messages: Array<{ role: string; content: unknown }> }).messages;
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(toolOutputs(wire, body)).toEqual([[expect.any(String), "echoed-before-kill", false]]);
    const sent = JSON.stringify(messages);
    expect(sent).toContain("echo then explain");
    expect(sent).toContain("go on");
    // The half-streamed answer was never a whole message: it is not sent back as one.
    expect(sent).not.toContain("streams very slowly");
    expect(run.stderr).not.toMatch(/error/i);
  });

  it("mid-Write of a large file: the file is whole or absent, and -c resumes", async () => {
    const where = await place();
    const target = join(await realpath(where.cwd), "big.txt");
    // Large enough to take a while to write, small enough not to need compaction on resume.
    const content = "0123456789abcdef".repeat(16 * 1024); // 256 KiB
    useScenario({
      turns: [
        {
          blocks: [{ type: "tool_use", name: "Write", input: { file_path: target, content } }],
          chunkSize: 1024 * 1024,
        },
      ],
    });
    const cli = await startCli(
      args(wire, ["--allowedTools=Write", "write the big file"]),
      options(wire, where),
    );
    // Kill at the first sign of the write in the folder (its temp file appearing).
    const watcher = watch(where.cwd, () => cli.kill("SIGKILL"));
    const killed = await cli.done;
    watcher.close();
    expect(killed.code).toBeNull();

    const written = await readFile(target, "utf8").catch(() => undefined);
    // Whole or absent, never a prefix.
    if (written !== undefined) expect(written === content).toBe(true);

    const { body } = await goOn(wire, where);
    const [output] = toolOutputs(wire, body);
    expect(output?.[1]).toContain("The session ended before this tool call returned");
  });

  it("after a torn last line in the transcript: -c warns, cuts it off and resumes", async () => {
    const where = await place();
    useScenario({ turns: [{ blocks: [{ type: "text", text: "first answer" }] }] });
    const first = await runCli(args(wire, ["first question"]), options(wire, where));
    expect(first.code).toBe(0);
    const path = await transcriptPath(where);
    const whole = await readFile(path, "utf8");
    // What a crash in the middle of a write leaves: part of a line, no newline.
    await appendFile(path, '{"type":"message","at":"2001-01-01T00:00:00.000Z","message":{"ro');

    const { run, body } = await goOn(wire, where);
    expect(run.stderr).toMatch(/line \d+ is incomplete .*skipped/);
    const sent = JSON.stringify(body);
    expect(sent).toContain("first question");
    expect(sent).toContain("first answer");
    const after = await readFile(path, "utf8");
    expect(after.startsWith(whole)).toBe(true);
    expect(after).not.toContain("2001-01-01");
    for (const line of after.trim().split("\n"))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it("refuses to resume a transcript whose header is unreadable, saying which file", async () => {
    const where = await place();
    useScenario({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] });
    expect((await runCli(args(wire, ["hi"]), options(wire, where))).code).toBe(0);
    const path = await transcriptPath(where);
    await writeFile(path, "not json\n");
    useScenario({ turns: [] });
    const run = await runCli(args(wire, ["-c", "go on"]), options(wire, where));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(path);
    expect(server.requests).toHaveLength(0);
  });
});
