// A long print-mode session against a server whose context limit is far below the model's
// catalog window: cairn learns the limit from the server's refusal, compacts, and finishes.

import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario, type Turn } from "../fake-llm/index.ts";
import { jsonLines, runCli, tempDir } from "./run-cli.ts";
import { wireSetup, wires, type Wire } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function cli(wire: Wire, scenario: Scenario, args: string[], cwd: string) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const { env, model } = wireSetup(wire, server.url);
  return runCli(["-p", "--model", model, ...args], {
    cwd,
    env: { CAIRN_RETRY_BASE_MS: "5", ...env },
    timeoutMs: 60_000,
  });
}

const reads = 40;

describe.each(wires)("compaction in print mode over %s", (wire) => {
  it("compacts when the server refuses a long prompt, and finishes the job", async () => {
    const cwd = await tempDir();
    const file = join(cwd, "build.log");
    await writeFile(
      file,
      Array.from({ length: 100 }, (_, i) => `line ${i}: compiling module ${i}`).join("\n"),
    );
    // What the system prompt and tool list cost on this wire, so the limit leaves ~8k tokens.
    await cli(wire, { turns: [{ blocks: [{ type: "text", text: "hi" }] }] }, ["hi"], cwd);
    const prefixTokens = Math.ceil(JSON.stringify(server.requests[0]?.body).length / 4);

    const turns: Turn[] = Array.from({ length: reads }, (_, i) => ({
      blocks: [
        { type: "text", text: `Reading the log again (${i + 1}).` },
        { type: "tool_use", name: "Read", input: { file_path: file } },
      ],
    }));
    turns.push({ blocks: [{ type: "text", text: "The build log is clean." }] });
    const run = await cli(
      wire,
      {
        turns,
        contextLimitTokens: prefixTokens + 8_000,
        onRequestIncluding: [
          {
            text: "write a summary of this session",
            reply: {
              blocks: [{ type: "text", text: "Goal: check build.log. It is clean so far." }],
            },
          },
        ],
      },
      ["--output-format", "stream-json", "--verbose", "check the build log"],
      cwd,
    );

    expect(server.violations).toEqual([]);
    expect(run.code).toBe(0);
    const lines = jsonLines(run.stdout);
    expect(lines.at(-1)).toMatchObject({
      type: "result",
      subtype: "success",
      result: "The build log is clean.",
    });
    expect(server.remainingTurns()).toBe(0);
    const boundaries = lines.filter((l) => l.type === "system" && l.subtype === "compact_boundary");
    expect(boundaries.length).toBeGreaterThanOrEqual(1);
    expect(boundaries[0]).toMatchObject({ compact_metadata: { trigger: "auto" } });
    const refused = server.requests.filter((r) => r.overLimit !== undefined);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(2);
    // The summary replaced the history in the requests that followed it.
    const last = JSON.stringify(server.requests.at(-1)?.body);
    expect(last).toContain("This session continues from earlier work.");
    expect(last).toContain("It is clean so far.");
  });
});
