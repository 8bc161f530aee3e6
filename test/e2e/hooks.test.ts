// Hooks through the built CLI: real hook scripts in a temp project, the fake model server
// recording what cairn sent. Also: hooks of an untrusted repository never run.

import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm, type Scenario } from "../fake-llm/index.ts";
import { jsonLines, place, runCli, type Place } from "./run-cli.ts";
import { toolOutputs } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function print(where: Place, scenario: Scenario, args: string[]) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const run = await runCli(["-p", ...args], {
    cwd: where.cwd,
    env: {
      HOME: where.home,
      ANTHROPIC_API_KEY: "test-key",
      ANTHROPIC_BASE_URL: server.url,
      CAIRN_RETRY_BASE_MS: "5",
      CAIRN_TEST_TOOLS: "1",
    },
  });
  expect(server.violations).toEqual([]);
  return run;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, JSON.stringify(value, null, 2));
}

/**
 * A hook script in the project: Node code that gets the event as `input` and may call
 * `out(object)`, `fail(code, stderr)` or `log(value)` (appends a JSON line to hook-log.jsonl).
 * Returns the command that runs it, as a settings file would name it.
 */
async function hookScript(where: Place, name: string, body: string): Promise<string> {
  const path = join(where.cwd, ".claude", "hooks", `${name}.mjs`);
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(
    path,
    `import { appendFileSync, readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const out = (value) => process.stdout.write(JSON.stringify(value));
const fail = (code, text) => { process.stderr.write(text); process.exit(code); };
const log = (value) => appendFileSync(process.env.CLAUDE_PROJECT_DIR + "/hook-log.jsonl", JSON.stringify(value) + "\\n");
${body}
`,
  );
  return `"${process.execPath}" "$CLAUDE_PROJECT_DIR/.claude/hooks/${name}.mjs"`;
}

async function hookLog(where: Place): Promise<unknown[]> {
  const text = await readFile(join(where.cwd, "hook-log.jsonl"), "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);
}

function settings(where: Place, hooks: Record<string, unknown>, extra: object = {}) {
  return writeJson(join(where.cwd, ".claude", "settings.json"), { hooks, ...extra });
}

const on = (command: string, matcher?: string) => [
  { ...(matcher !== undefined ? { matcher } : {}), hooks: [{ type: "command", command }] },
];

/** The model runs one tool call, then says "done". */
function oneCall(name: string, input: Record<string, unknown>): Scenario {
  return {
    turns: [
      { blocks: [{ type: "tool_use", id: "toolu_1", name, input }] },
      { blocks: [{ type: "text", text: "done" }] },
    ],
  };
}

const said = (text: string): Scenario => ({ turns: [{ blocks: [{ type: "text", text }] }] });

describe("PreToolUse hooks", () => {
  it("deny a Bash call, and the model gets the hook's reason", async () => {
    const where = await place();
    await mkdir(join(where.cwd, "data"));
    const guard = await hookScript(
      where,
      "guard",
      `log(input);
if (input.tool_input.command.includes("rm ")) fail(2, "rm is not allowed in this repository");`,
    );
    await settings(where, { PreToolUse: on(guard, "Bash") });
    const run = await print(where, oneCall("Bash", { command: "rm -rf data" }), [
      "--trust",
      "--allowedTools=Bash",
      "--output-format",
      "json",
      "clean up",
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(join(where.cwd, "data"))).toBe(true);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("rm is not allowed in this repository");
    expect(output?.[2]).toBe(true);
    const result = jsonLines(run.stdout)[0];
    expect(result?.permission_denials).toMatchObject([{ tool_name: "Bash" }]);
    // The documented stdin: common fields and the event's own.
    const [input] = (await hookLog(where)) as Array<Record<string, unknown>>;
    expect(input).toMatchObject({
      session_id: result?.session_id,
      cwd: where.cwd,
      hook_event_name: "PreToolUse",
      permission_mode: "default",
      tool_name: "Bash",
      tool_input: { command: "rm -rf data" },
      tool_use_id: "toolu_1",
    });
    expect(String(input?.transcript_path)).toMatch(
      new RegExp(`${String(result?.session_id)}\\.jsonl$`),
    );
    expect(existsSync(String(input?.transcript_path))).toBe(true);
  });

  it("rewrite a call with updatedInput", async () => {
    const where = await place();
    const rewrite = await hookScript(
      where,
      "rewrite",
      `out({ hookSpecificOutput: { hookEventName: "PreToolUse", updatedInput: { command: "echo rewritten-by-hook" } } });`,
    );
    await settings(where, { PreToolUse: on(rewrite, "Bash") });
    const run = await print(where, oneCall("Bash", { command: "echo original-call" }), [
      "--trust",
      "--allowedTools=Bash(echo:*)",
      "fix it",
    ]);
    expect(run.code).toBe(0);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("rewritten-by-hook");
    expect(output?.[1]).not.toContain("original-call");
  });

  it("cannot override a deny rule in settings with allow", async () => {
    const where = await place();
    const allow = await hookScript(
      where,
      "allow",
      `out({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow", permissionDecisionReason: "trust me" } });`,
    );
    await settings(where, { PreToolUse: on(allow) }, { permissions: { deny: ["Bash(touch:*)"] } });
    const run = await print(where, oneCall("Bash", { command: "touch made.txt" }), [
      "--trust",
      "--output-format",
      "json",
      "make it",
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(join(where.cwd, "made.txt"))).toBe(false);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("Bash(touch:*)");
  });

  it("allow answers the default question, so print mode runs the call", async () => {
    const where = await place();
    const allow = await hookScript(
      where,
      "allow",
      `out({ hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "allow" } });`,
    );
    await settings(where, { PreToolUse: on(allow, "Bash") });
    const run = await print(where, oneCall("Bash", { command: "touch made.txt" }), [
      "--trust",
      "make it",
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(join(where.cwd, "made.txt"))).toBe(true);
  });
});

describe("PostToolUse hooks", () => {
  it("add context the model gets beside the tool's result, and systemMessage reaches stream-json", async () => {
    const where = await place();
    const post = await hookScript(
      where,
      "post",
      `out({ systemMessage: "formatter ran", hookSpecificOutput: { hookEventName: "PostToolUse", additionalContext: "post-hook-context-42 for " + input.tool_response } });`,
    );
    await settings(where, { PostToolUse: on(post, "TestEcho") });
    const run = await print(where, oneCall("TestEcho", { text: "echoed" }), [
      "--trust",
      "--output-format",
      "stream-json",
      "--verbose",
      "echo",
    ]);
    expect(run.code).toBe(0);
    const [output] = toolOutputs("anthropic", server.requests[1]?.body);
    expect(output?.[1]).toContain("echoed");
    expect(output?.[1]).toContain("post-hook-context-42 for echoed");
    expect(jsonLines(run.stdout)).toContainEqual(
      expect.objectContaining({
        type: "system",
        subtype: "hook_response",
        hook_event: "PostToolUse",
        output: "formatter ran",
      }),
    );
  });
});

describe("UserPromptSubmit hooks", () => {
  it("block the prompt: no model call, the reason on stderr", async () => {
    const where = await place();
    const gate = await hookScript(
      where,
      "gate",
      `if (input.prompt.includes("password")) fail(2, "prompts must not contain passwords");`,
    );
    await settings(where, { UserPromptSubmit: on(gate) });
    const run = await print(where, said("never"), [
      "--trust",
      "--output-format",
      "json",
      "my password is hunter2",
    ]);
    expect(server.requests).toHaveLength(0);
    expect(run.stderr).toContain("prompts must not contain passwords");
    expect(jsonLines(run.stdout)[0]).toMatchObject({ terminal_reason: "hook_stopped" });
  });
});

describe("Stop hooks", () => {
  it("force one continuation and see stop_hook_active: true the next time", async () => {
    const where = await place();
    const stop = await hookScript(
      where,
      "stop",
      `log(input.stop_hook_active);
if (!input.stop_hook_active) out({ decision: "block", reason: "also update the changelog" });`,
    );
    await settings(where, { Stop: on(stop) });
    const run = await print(
      where,
      {
        turns: [
          { blocks: [{ type: "text", text: "first" }] },
          { blocks: [{ type: "text", text: "second" }] },
        ],
      },
      ["--trust", "work"],
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("second\n");
    expect(server.requests).toHaveLength(2);
    expect(JSON.stringify(server.requests[1]?.body)).toContain("also update the changelog");
    expect(await hookLog(where)).toEqual([false, true]);
  });
});

describe("SessionStart hooks", () => {
  it("put their output into the first request", async () => {
    const where = await place();
    const start = await hookScript(
      where,
      "start",
      `log(input.source); process.stdout.write("session-start-context-7");`,
    );
    await settings(where, { SessionStart: on(start, "startup") });
    const run = await print(where, said("ok"), ["--trust", "hello"]);
    expect(run.code).toBe(0);
    expect(JSON.stringify(server.requests[0]?.body)).toContain("session-start-context-7");
    expect(await hookLog(where)).toEqual(["startup"]);
  });
});

describe("hooks that must not run", () => {
  it("disableAllHooks turns every hook off", async () => {
    const where = await place();
    const marker = join(where.cwd, "marker");
    await writeJson(join(where.home, ".cairn", "settings.json"), {
      disableAllHooks: true,
      hooks: {
        SessionStart: on(`touch ${marker}`),
        UserPromptSubmit: on(`touch ${marker}`),
        Stop: on(`touch ${marker}`),
      },
    });
    const run = await print(where, said("ok"), ["hello"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("ok\n");
    expect(existsSync(marker)).toBe(false);
  });

  it("an untrusted repository's hooks never run", async () => {
    const where = await place();
    const marker = join(where.cwd, "pwned");
    const hostile = Object.fromEntries(
      [
        "PreToolUse",
        "PostToolUse",
        "UserPromptSubmit",
        "Notification",
        "Stop",
        "SubagentStop",
        "PreCompact",
        "SessionStart",
        "SessionEnd",
      ].map((event) => [event, on(`touch ${marker}`)]),
    );
    for (const file of [
      ".claude/settings.json",
      ".claude/settings.local.json",
      ".cairn/settings.json",
      ".cairn/settings.local.json",
    ]) {
      await writeJson(join(where.cwd, file), { hooks: hostile });
    }
    const run = await print(where, oneCall("TestEcho", { text: "hi" }), ["hello"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("ignored hooks because");
    expect(existsSync(marker)).toBe(false);
  });
});
