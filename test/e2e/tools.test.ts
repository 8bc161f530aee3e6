import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, runCli, stderrBesidesSandboxNotice, tempDir } from "./run-cli.ts";
import { call, turn } from "./scripted.ts";
import { toolOutputs, wireSetup, type Wire } from "./wires.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

/** A small repository with a bug in src/math.js, an ignored build folder and a test script. */
async function smallRepo(): Promise<string> {
  const dir = await tempDir("cairn-repo-");
  await mkdir(join(dir, "src"));
  await mkdir(join(dir, "build"));
  await writeFile(join(dir, ".gitignore"), "build/\n");
  await writeFile(
    join(dir, "src", "math.js"),
    "export function add(a, b) {\n  return a - b;\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n",
  );
  await writeFile(join(dir, "build", "math.js"), "export function add() {}\n");
  await writeFile(
    join(dir, "test.mjs"),
    'import { add } from "./src/math.js";\nif (add(2, 3) !== 5) { console.log("FAIL"); process.exit(1); }\nconsole.log("PASS");\n',
  );
  return dir;
}

async function session(wire: Wire, dir: string, scenario: Scenario, extra: string[] = []) {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup(wire, server.url);
  const run = await runCli(
    // The prompt goes first: --allowedTools takes every argument after it.
    [
      "-p",
      "fix the bug",
      "--model",
      setup.model,
      ...extra,
      "--allowedTools",
      "Bash,Edit,Write,apply_patch",
    ],
    { cwd: dir, env: { ...setup.env, CAIRN_RETRY_BASE_MS: "5" } },
  );
  expect(server.violations).toEqual([]);
  const outputs = toolOutputs(wire, server.requests.at(-1)?.body);
  return { run, outputs: outputs.map(([, text, isError]) => ({ text, isError })) };
}

describe("the model works in a small repository", () => {
  it("finds, reads, edits and tests a file with Glob, Grep, Read, Edit and Bash (anthropic)", async () => {
    const dir = await smallRepo();
    const { run, outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Glob", { pattern: "**/*.js" })),
        turn(call("Grep", { pattern: "function add", output_mode: "content" })),
        turn(call("Read", { file_path: join(dir, "src/math.js") })),
        turn(
          call("Edit", {
            file_path: join(dir, "src/math.js"),
            old_string: "a - b",
            new_string: "a + b",
          }),
        ),
        turn(call("Bash", { command: "node test.mjs" })),
        turn({ type: "text", text: "Fixed: add now adds." }),
      ],
    });
    expect(stderrBesidesSandboxNotice(run.stderr)).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("Fixed: add now adds.\n");
    const [glob, grep, read, edit, bash] = outputs;
    expect(glob?.text).toContain("src/math.js");
    expect(glob?.text).not.toContain("build/");
    expect(grep?.text).toMatch(/src\/math\.js.*1.*export function add/s);
    expect(grep?.text).not.toContain("build/");
    expect(read?.text).toMatch(/^\s*2\t {2}return a - b;$/m);
    expect(edit?.isError).toBe(false);
    expect(bash?.text).toContain("PASS");
    expect(bash?.text).toContain("Exit code 0");
    expect(await readFile(join(dir, "src/math.js"), "utf8")).toContain("return a + b;");
  });

  it("edits with apply_patch for OpenAI models and keeps the other functions intact", async () => {
    const dir = await smallRepo();
    const patch = [
      "*** Begin Patch",
      "*** Update File: src/math.js",
      "@@ export function add(a, b) {",
      "-  return a - b;",
      "+  return a + b;",
      "*** End Patch",
    ].join("\n");
    const { run, outputs } = await session("openai", dir, {
      turns: [
        turn(call("apply_patch", { input: patch })),
        turn(call("Bash", { command: "node test.mjs" })),
        turn({ type: "text", text: "done" }),
      ],
    });
    expect(run.code).toBe(0);
    const tools = (server.requests[0]?.body as { tools: Array<{ name: string }> }).tools.map(
      (t) => t.name,
    );
    expect(tools).toContain("apply_patch");
    expect(tools).not.toContain("Edit");
    expect(outputs[0]?.text).toContain("src/math.js");
    expect(outputs[1]?.text).toContain("PASS");
    const content = await readFile(join(dir, "src/math.js"), "utf8");
    expect(content).toBe(
      "export function add(a, b) {\n  return a + b;\n}\n\nexport function mul(a, b) {\n  return a * b;\n}\n",
    );
  });

  it("refuses to overwrite a file the model has not read, and to edit one changed since", async () => {
    const dir = await smallRepo();
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Write", { file_path: join(dir, "src/math.js"), content: "oops" })),
        turn(call("Read", { file_path: join(dir, "src/math.js") })),
        turn(call("Bash", { command: "echo '// changed' >> src/math.js" })),
        turn(
          call("Edit", {
            file_path: join(dir, "src/math.js"),
            old_string: "a - b",
            new_string: "a + b",
          }),
        ),
        turn({ type: "text", text: "ok" }),
      ],
    });
    expect(outputs[0]?.isError).toBe(true);
    expect(outputs[0]?.text).toMatch(/not been read/);
    expect(outputs[3]?.isError).toBe(true);
    expect(outputs[3]?.text).toMatch(/changed since it was read/);
    const content = await readFile(join(dir, "src/math.js"), "utf8");
    expect(content).toContain("return a - b;");
    expect(content).toContain("// changed");
  });

  it("tells the model in words what is wrong with a call's input", async () => {
    const dir = await smallRepo();
    const { outputs } = await session("anthropic", dir, {
      turns: [turn(call("Read", { file_path: 5, offset: -1 })), turn({ type: "text", text: "ok" })],
    });
    expect(outputs[0]?.isError).toBe(true);
    expect(outputs[0]?.text).toBe(
      [
        "Invalid input for Read:",
        "- file_path: Invalid input: expected string, received number",
        "- offset: Too small: expected number to be >=0",
        "Fix these fields and call Read again.",
      ].join("\n"),
    );
  });

  it("keeps Bash's working directory between calls", async () => {
    const dir = await smallRepo();
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Bash", { command: "cd src" })),
        turn(call("Bash", { command: "pwd && ls" })),
        turn({ type: "text", text: "ok" }),
      ],
    });
    expect(outputs[1]?.text).toMatch(/\/src\n/);
    expect(outputs[1]?.text).toContain("math.js");
  });

  it("denies Bash in print mode unless it is allowed, and says so", async () => {
    const dir = await smallRepo();
    server.setScenario({
      turns: [turn(call("Bash", { command: "touch made-it" })), turn({ type: "text", text: "ok" })],
    });
    server.requests.length = 0;
    const setup = wireSetup("anthropic", server.url);
    const run = await runCli(["-p", "--model", setup.model, "--output-format", "json", "go"], {
      cwd: dir,
      env: setup.env,
    });
    expect(jsonLines(run.stdout)[0]?.permission_denials).toEqual([
      expect.objectContaining({ tool_name: "Bash", tool_input: { command: "touch made-it" } }),
    ]);
    await expect(readFile(join(dir, "made-it"))).rejects.toThrow();
  });

  it("asks (so denies, in print mode) before reading outside the workspace", async () => {
    const dir = await smallRepo();
    const outside = await tempDir("cairn-outside-");
    await writeFile(join(outside, "secret.txt"), "top secret");
    const { outputs } = await session("anthropic", dir, {
      turns: [
        turn(call("Read", { file_path: join(outside, "secret.txt") })),
        turn({ type: "text", text: "ok" }),
      ],
    });
    expect(outputs[0]?.isError).toBe(true);
    expect(outputs[0]?.text).toContain("outside the workspace");
    expect(outputs[0]?.text).not.toContain("top secret");
  });
});
