// Memory files through the CLI: AGENTS.md / CLAUDE.md from the repository root down to the
// working folder in the system prompt (with @imports), nested ones beside the tool results that
// reach their folder, and `cairn init` writing AGENTS.md and nothing else.

import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { jsonLines, runCli, tempDir } from "./run-cli.ts";
import { toolOutputs } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function run(cwd: string, scenario: Scenario, args: string[]) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const result = await runCli(args, {
    cwd,
    env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: server.url },
  });
  expect(server.violations).toEqual([]);
  return result;
}

async function files(root: string, contents: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(contents)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

type Body = { system: unknown; messages: Array<{ role: string; content: unknown }> };

describe("memory files", () => {
  it("puts the root's and the working folder's files in the system prompt, and a nested one beside the tool result", async () => {
    const repo = await realpath(await tempDir("cairn-repo-"));
    await mkdir(join(repo, ".git"));
    await files(repo, {
      "AGENTS.md": "ROOT-RULE: indent with tabs.\nSee @docs/style.md for naming.\n",
      "docs/style.md": "IMPORTED-STYLE: short names.\n",
      "app/CLAUDE.md": "APP-RULE: the app folder has its own build.\n",
      "app/sub/AGENTS.md": "NESTED-RULE: files here are generated.\n",
      "app/sub/x.txt": "x-file-content\n",
      "elsewhere/AGENTS.md": "ELSEWHERE-RULE: never loaded.\n",
    });
    const result = await run(
      join(repo, "app"),
      {
        turns: [
          {
            blocks: [
              { type: "tool_use", name: "Read", input: { file_path: join(repo, "app/sub/x.txt") } },
            ],
          },
          { blocks: [{ type: "text", text: "read it" }] },
        ],
      },
      ["-p", "--model", "anthropic/claude-sonnet-5-5", "look at sub/x.txt"],
    );
    expect(result.code).toBe(0);
    // A memory file that failed to load or import would be named in a warning.
    expect(result.stderr).not.toMatch(/AGENTS\.md|CLAUDE\.md|style\.md/);

    const first = server.requests[0]?.body as Body;
    const system = JSON.stringify(first.system);
    expect(system).toContain("ROOT-RULE: indent with tabs.");
    expect(system).toContain("IMPORTED-STYLE: short names.");
    expect(system).toContain("APP-RULE: the app folder has its own build.");
    // Broad before specific: the root's file, then the working folder's.
    expect(system.indexOf("ROOT-RULE")).toBeLessThan(system.indexOf("APP-RULE"));
    expect(JSON.stringify(first)).not.toContain("NESTED-RULE");
    expect(JSON.stringify(first)).not.toContain("ELSEWHERE-RULE");

    const second = server.requests[1]?.body as Body;
    const last = second.messages.at(-1);
    expect(last?.role).toBe("user");
    const beside = JSON.stringify(last?.content);
    expect(beside).toContain("x-file-content");
    expect(beside).toContain("NESTED-RULE: files here are generated.");
    expect(JSON.stringify(second.system)).not.toContain("NESTED-RULE");
    expect(JSON.stringify(second)).not.toContain("ELSEWHERE-RULE");
  });
});

describe("cairn init", () => {
  it("writes AGENTS.md without asking and denies a write to any other file", async () => {
    const repo = await realpath(await tempDir("cairn-repo-"));
    await mkdir(join(repo, ".git"));
    await files(repo, {
      "package.json": '{"name":"tiny","scripts":{"test":"node test.js"}}\n',
      "index.js": "console.log('hi');\n",
    });
    const agents = "# AGENTS.md\n\nRun the tests with `npm test`.\n";
    const result = await run(
      repo,
      {
        turns: [
          {
            blocks: [
              {
                type: "tool_use",
                id: "toolu_agents",
                name: "Write",
                input: { file_path: join(repo, "AGENTS.md"), content: agents },
              },
              {
                type: "tool_use",
                id: "toolu_other",
                name: "Write",
                input: { file_path: join(repo, "NOTES.md"), content: "not allowed" },
              },
            ],
          },
          { blocks: [{ type: "text", text: "AGENTS.md covers the test command." }] },
        ],
      },
      ["init", "--model", "anthropic/claude-sonnet-5-5", "--output-format", "json"],
    );
    expect(result.code).toBe(0);
    expect(JSON.stringify(server.requests[0]?.body)).toContain(
      "Study this repository and write an AGENTS.md file at its root",
    );
    expect(await readFile(join(repo, "AGENTS.md"), "utf8")).toBe(agents);
    expect(existsSync(join(repo, "NOTES.md"))).toBe(false);
    const output = jsonLines(result.stdout)[0];
    expect(output).toMatchObject({ result: "AGENTS.md covers the test command." });
    expect(output?.permission_denials).toEqual([
      {
        tool_name: "Write",
        tool_use_id: "toolu_other",
        tool_input: { file_path: join(repo, "NOTES.md"), content: "not allowed" },
      },
    ]);
    const results = toolOutputs("anthropic", server.requests[1]?.body);
    expect(results.map(([id, , isError]) => [id, isError])).toEqual([
      ["toolu_agents", false],
      ["toolu_other", true],
    ]);
  });

  it("refuses a prompt argument", async () => {
    const repo = await tempDir("cairn-repo-");
    const result = await run(repo, { turns: [] }, ["init", "write it my way"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unexpected argument "write it my way"');
    expect(server.requests).toHaveLength(0);
  });
});
