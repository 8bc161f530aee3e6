// Settings through the CLI: the layers (user, project .cairn and .claude, --settings), folder
// trust, errors with their place, custom providers, the default mode, --add-dir and `cairn config`.

import { existsSync } from "node:fs";
import { mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { jsonLines, runCli, tempDir, place, type Place } from "./run-cli.ts";
import { toolOutputs } from "./wires.ts";

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

/** `cairn -p <args>` (no --model: settings may choose it) in `where`; the server log is reset. */
async function print(
  where: Place,
  scenario: Scenario,
  args: string[],
  env: Record<string, string> = {},
) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const run = await runCli(["-p", ...args], { cwd: where.cwd, env: envFor(where, env) });
  expect(server.violations).toEqual([]);
  return run;
}

function command(where: Place, args: string[]) {
  return runCli(args, { cwd: where.cwd, env: envFor(where) });
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}

/** The model runs one tool call, then says "done". */
function oneCall(name: string, input: Record<string, unknown>): Scenario {
  return {
    turns: [
      { blocks: [{ type: "tool_use", id: "toolu_1", name, input }] },
      { blocks: [{ type: "text", text: "done" }] },
    ],
  };
}

function denials(stdout: string): unknown {
  return jsonLines(stdout)[0]?.permission_denials;
}

const touch = oneCall("Bash", { command: "touch made.txt" });

describe("project settings and folder trust", () => {
  it("ignores an untrusted folder's allow rule with a warning, and honours it after cairn trust", async () => {
    const where = await place();
    const file = join(where.cwd, ".cairn", "settings.json");
    // `touch` changes files, so dontAsk denies it unless a rule allows it (`echo` is read-only
    // and would be allowed anyway).
    await writeJson(file, { permissions: { allow: ["Bash(touch made.txt)"] } });
    const args = ["--permission-mode", "dontAsk", "--output-format", "json", "make the file"];

    const untrusted = await print(where, touch, args);
    expect(untrusted.code).toBe(0);
    expect(untrusted.stderr).toContain(
      `settings: ${file}: ignored permissions.allow because ${where.cwd} is not a trusted folder; run \`cairn trust\``,
    );
    expect(denials(untrusted.stdout)).toEqual([
      { tool_name: "Bash", tool_use_id: "toolu_1", tool_input: { command: "touch made.txt" } },
    ]);
    expect(existsSync(join(where.cwd, "made.txt"))).toBe(false);

    const trust = await command(where, ["trust"]);
    expect(trust.code).toBe(0);
    expect(trust.stdout).toContain(`Trusted: ${where.cwd}`);

    const trusted = await print(where, touch, args);
    expect(trusted.code).toBe(0);
    expect(trusted.stderr).not.toContain("not a trusted folder");
    expect(denials(trusted.stdout)).toEqual([]);
    expect(existsSync(join(where.cwd, "made.txt"))).toBe(true);
  });

  it("applies an untrusted folder's deny rule", async () => {
    const where = await place();
    await writeFile(join(where.cwd, "secret.txt"), "the-secret-value");
    await writeJson(join(where.cwd, ".cairn", "settings.json"), {
      permissions: { deny: ["Read(./secret.txt)"] },
    });
    const run = await print(where, oneCall("Read", { file_path: join(where.cwd, "secret.txt") }), [
      "--output-format",
      "json",
      "read the secret",
    ]);
    expect(run.code).toBe(0);
    expect(denials(run.stdout)).toMatchObject([{ tool_name: "Read" }]);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("Read(./secret.txt)");
    expect(JSON.stringify(server.requests[1]?.body)).not.toContain("the-secret-value");
  });

  it("reads .claude/settings.json too, and .cairn/settings.json wins a scalar both set", async () => {
    const where = await place();
    await writeJson(join(where.cwd, ".claude", "settings.json"), {
      model: "anthropic/claude-from-claude-file",
      permissions: { deny: ["TestEcho"] },
    });
    await writeJson(join(where.cwd, ".cairn", "settings.json"), {
      model: "anthropic/claude-from-cairn-file",
    });
    const run = await print(where, { turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, ["hi"]);
    expect(run.code).toBe(0);
    const body = server.requests[0]?.body as { model: string; tools: Array<{ name: string }> };
    expect(body.model).toBe("claude-from-cairn-file");
    // The bare deny rule from .claude/ takes the tool off the list the model is offered.
    const tools = body.tools.map((t) => t.name);
    expect(tools).toContain("TestSleep");
    expect(tools).not.toContain("TestEcho");
  });

  it("takes --settings JSON as one more layer", async () => {
    const where = await place();
    const run = await print(where, touch, [
      "--permission-mode",
      "dontAsk",
      "--settings",
      '{"permissions":{"allow":["Bash(touch made.txt)"]}}',
      "--output-format",
      "json",
      "make the file",
    ]);
    expect(run.code).toBe(0);
    expect(denials(run.stdout)).toEqual([]);
    expect(existsSync(join(where.cwd, "made.txt"))).toBe(true);
  });
});

describe("user settings", () => {
  it("passes env to the session's commands", async () => {
    const where = await place();
    await writeJson(join(where.home, ".cairn", "settings.json"), {
      env: { CAIRN_E2E_VALUE: "from-user-settings" },
    });
    const run = await print(where, oneCall("Bash", { command: "echo value=$CAIRN_E2E_VALUE" }), [
      "--allowedTools=Bash",
      "show it",
    ]);
    expect(run.code).toBe(0);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("value=from-user-settings");
  });

  it("defines a provider with its own base URL, key variable and headers", async () => {
    const where = await place();
    await writeJson(join(where.home, ".cairn", "settings.json"), {
      providers: {
        lab: {
          type: "openai-chat",
          baseUrl: `${server.url}/v1`,
          apiKeyEnv: "LAB_KEY",
          headers: { "X-Team": "core" },
        },
      },
    });
    const run = await print(
      where,
      { turns: [{ blocks: [{ type: "text", text: "from the lab" }] }] },
      ["--model", "lab/some-model", "hi"],
      { LAB_KEY: "lab-secret" },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("from the lab\n");
    const request = server.requests[0];
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers["x-team"]).toBe("core");
    expect(request?.headers.authorization).toBe("Bearer lab-secret");
    expect((request?.body as { model: string }).model).toBe("some-model");
  });

  it("honours permissions.defaultMode", async () => {
    const where = await place();
    await writeJson(join(where.home, ".cairn", "settings.json"), {
      permissions: { defaultMode: "acceptEdits" },
    });
    const target = join(where.cwd, "note.txt");
    const run = await print(where, oneCall("Write", { file_path: target, content: "hello\n" }), [
      "--output-format",
      "json",
      "write a note",
    ]);
    expect(run.code).toBe(0);
    expect(denials(run.stdout)).toEqual([]);
    expect(await readFile(target, "utf8")).toBe("hello\n");
  });
});

describe("settings errors", () => {
  it("stops on a JSON syntax error, naming the file, line and column", async () => {
    const where = await place();
    const file = join(where.cwd, ".cairn", "settings.json");
    await mkdir(join(where.cwd, ".cairn"));
    await writeFile(file, '{\n  "model": "anthropic/claude-sonnet-5-5"\n  "env": {}\n}\n');
    const run = await print(where, { turns: [] }, ["hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}: line 3, column 3`);
    expect(server.requests).toHaveLength(0);
  });

  it("stops on a value of the wrong type, naming the key path", async () => {
    const where = await place();
    const file = join(where.home, ".cairn", "settings.json");
    await writeJson(file, { permissions: { allow: ["Read", 42] } });
    const run = await print(where, { turns: [] }, ["hi"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain("permissions.allow[1]");
    expect(server.requests).toHaveLength(0);
  });

  it("only warns about an unknown key", async () => {
    const where = await place();
    const file = join(where.home, ".cairn", "settings.json");
    await writeJson(file, { modle: "anthropic/claude-sonnet-5-5" });
    const run = await print(where, { turns: [{ blocks: [{ type: "text", text: "ok" }] }] }, ["hi"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("ok\n");
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain("modle");
    expect(run.stderr).toMatch(/did you mean model/);
  });
});

describe("--add-dir", () => {
  it("lets Read use a file in another folder without asking", async () => {
    const where = await place();
    const other = await realpath(await tempDir("cairn-other-"));
    await writeFile(join(other, "notes.txt"), "notes-from-elsewhere");
    const read = oneCall("Read", { file_path: join(other, "notes.txt") });
    const args = ["--permission-mode", "dontAsk", "--output-format", "json", "read the notes"];

    const without = await print(where, read, args);
    expect(without.code).toBe(0);
    expect(denials(without.stdout)).toMatchObject([{ tool_name: "Read" }]);
    expect(JSON.stringify(server.requests[1]?.body)).not.toContain("notes-from-elsewhere");

    const withDir = await print(where, read, ["--add-dir", other, ...args]);
    expect(withDir.code).toBe(0);
    expect(denials(withDir.stdout)).toEqual([]);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("notes-from-elsewhere");
  });
});

describe("cairn config", () => {
  it("sets a project value, reads it back, and lists it with its source", async () => {
    const where = await place();
    const file = join(where.cwd, ".cairn", "settings.json");
    const set = await command(where, [
      "config",
      "set",
      "permissions.allow",
      '["Read"]',
      "--scope",
      "project",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`permissions.allow = ["Read"] in ${file}`);
    // An allow rule from an untrusted folder's file is written but not used, and it says so.
    expect(set.stderr).toContain("is ignored until you run `cairn trust` there");
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ permissions: { allow: ["Read"] } });

    const fromFile = await command(where, [
      "config",
      "get",
      "--scope",
      "project",
      "permissions.allow",
    ]);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toEqual(["Read"]);
    // The effective settings leave it out until the folder is trusted, and say why.
    const ignored = await command(where, ["config", "get", "permissions.allow"]);
    expect(ignored.code).toBe(1);
    expect(ignored.stderr).toContain(`${file}: ignored permissions.allow`);

    expect((await command(where, ["trust"])).code).toBe(0);
    const effective = await command(where, ["config", "get", "permissions.allow"]);
    expect(effective.code).toBe(0);
    expect(JSON.parse(effective.stdout)).toEqual(["Read"]);

    const list = await command(where, ["config", "list"]);
    expect(list.code).toBe(0);
    const report = JSON.parse(list.stdout) as {
      settings: Record<string, unknown>;
      sources: Record<string, string[]>;
    };
    expect(report.settings).toMatchObject({ permissions: { allow: ["Read"] } });
    expect(report.sources.permissions).toEqual([file]);
  });
});
