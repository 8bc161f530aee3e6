import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openCheckpoints } from "../checkpoints/index.ts";
import type { AgentEvent } from "../core/events.ts";
import type { ToolUseBlock } from "../core/messages.ts";
import { parseRule, type PermissionPolicy } from "../permissions/index.ts";
import { bashTool } from "../tools/bash.ts";
import { createToolSession, type Tool, type ToolSession } from "../tools/index.ts";
import { readTool } from "../tools/read.ts";
import { writeTool } from "../tools/write.ts";
import { runToolCalls, type AskPermission, type CheckpointHook } from "./run-tools.ts";

let root: string;
let session: ToolSession;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-run-tools-")));
  await mkdir(join(root, "secrets"));
  await writeFile(join(root, "secrets/key"), "TOKEN=1");
  await writeFile(join(root, "key"), "public");
  session = createToolSession({ root, additionalDirs: [] });
});
afterEach(async () => {
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

const tools: Tool[] = [bashTool, readTool, writeTool];
const call = (id: string, name: string, input: unknown): ToolUseBlock => ({
  type: "tool_use",
  id,
  name,
  input,
});

async function run(calls: ToolUseBlock[], policy: PermissionPolicy, askPermission?: AskPermission) {
  const events: AgentEvent[] = [];
  const results = await runToolCalls(calls, {
    tools: new Map(tools.map((t) => [t.name, t])),
    policy: () => policy,
    askPermission,
    session,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    invalidInputs: new Map(),
    maxResultChars: 10_000,
    maxConcurrency: 4,
  });
  return { results, events };
}

const policy = (p: Partial<PermissionPolicy>): PermissionPolicy => ({
  mode: "default",
  allow: [],
  ask: [],
  deny: [],
  ...p,
});
const rules = (...r: string[]) => r.map((x) => parseRule(x, "test", root));

describe("the orchestrator's permission check", () => {
  it("judges a command again when an earlier call of the turn moved Bash's working directory", async () => {
    const { results, events } = await run(
      [call("a", "Bash", { command: "cd secrets" }), call("b", "Bash", { command: "cat key" })],
      policy({ allow: rules("Bash(cd:*)"), deny: rules("Read(secrets/key)") }),
    );
    expect(results[0]?.is_error).toBeUndefined();
    expect(results[1]).toMatchObject({ is_error: true });
    expect(JSON.stringify(results[1]?.content)).toContain("Read(secrets/key)");
    expect(JSON.stringify(results)).not.toContain("TOKEN");
    expect(events.filter((e) => e.type === "permission_denied")).toHaveLength(1);
  });

  it("asks the front-end with the reason, and runs what the user approves", async () => {
    const asked: string[] = [];
    const ask: AskPermission = (request) => {
      asked.push(request.reason);
      return Promise.resolve({ behavior: "allow" });
    };
    const { results } = await run(
      [call("w", "Write", { file_path: "notes.txt", content: "hi" })],
      policy({}),
      ask,
    );
    expect(asked).toEqual(["Write needs approval"]);
    expect(results[0]?.is_error).toBeUndefined();
  });

  it("reads the policy before each decision, so a rule added while answering applies to the next call", async () => {
    let current = policy({});
    const asked: string[] = [];
    const ask: AskPermission = (request) => {
      asked.push(request.toolUseId);
      current = { ...current, allow: [...current.allow, ...rules("Write")] };
      return Promise.resolve({ behavior: "allow" });
    };
    const events: AgentEvent[] = [];
    const results = await runToolCalls(
      [
        call("w1", "Write", { file_path: "a.txt", content: "a" }),
        call("w2", "Write", { file_path: "b.txt", content: "b" }),
      ],
      {
        tools: new Map(tools.map((t) => [t.name, t])),
        policy: () => current,
        askPermission: ask,
        session,
        signal: new AbortController().signal,
        emit: (e) => events.push(e),
        invalidInputs: new Map(),
        maxResultChars: 10_000,
        maxConcurrency: 4,
      },
    );
    expect(asked).toEqual(["w1"]);
    expect(results.map((r) => r.is_error)).toEqual([undefined, undefined]);
  });

  it("tells front-ends what a failed call said", async () => {
    const { events } = await run([call("r", "Read", { file_path: "missing.txt" })], policy({}));
    const end = events.find((e) => e.type === "tool_end");
    expect(end).toMatchObject({
      isError: true,
      errorText: expect.stringContaining("missing.txt") as unknown,
    });
  });

  it("denies what it would ask when no one can answer, and says why", async () => {
    const { results, events } = await run(
      [call("r", "Read", { file_path: "/etc/hostname" })],
      policy({}),
    );
    expect(JSON.stringify(results[0]?.content)).toContain("outside the workspace");
    expect(events.some((e) => e.type === "permission_denied")).toBe(true);
  });
});

describe("the orchestrator's checkpoints", () => {
  const bypass = policy({ mode: "bypassPermissions" });

  async function runWith(calls: ToolUseBlock[], p: PermissionPolicy, hook: CheckpointHook) {
    return runToolCalls(calls, {
      tools: new Map(tools.map((t) => [t.name, t])),
      policy: () => p,
      askPermission: undefined,
      session,
      signal: new AbortController().signal,
      emit: () => undefined,
      invalidInputs: new Map(),
      maxResultChars: 10_000,
      maxConcurrency: 4,
      checkpoints: hook,
    });
  }

  it("saves a file before a write changes it, so a rewind puts it back, and names shell commands", async () => {
    const store = await openCheckpoints(join(root, ".session", "checkpoints"));
    await store.beginTurn({ prompt: "make notes", messageCount: 0 });
    const results = await runWith(
      [
        call("w", "Write", { file_path: "notes/today.txt", content: "hi" }),
        call("b", "Bash", { command: "echo done > log.txt" }),
      ],
      bypass,
      store,
    );
    expect(results.map((r) => r.is_error)).toEqual([undefined, undefined]);
    const [turn] = await store.list();
    expect(turn?.files).toEqual([join(root, "notes/today.txt")]);
    expect(turn?.uncovered).toEqual([{ tool: "Bash", command: "echo done > log.txt" }]);

    await store.restore(await store.planRestore(1));
    await expect(readFile(join(root, "notes/today.txt"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  it("does not run a write whose file could not be backed up", async () => {
    const hook: CheckpointHook = {
      beforeChange: () => Promise.reject(new Error("no space left on device")),
      noteUncovered: () => undefined,
    };
    const results = await runWith(
      [call("w", "Write", { file_path: "notes.txt", content: "hi" })],
      bypass,
      hook,
    );
    expect(results[0]).toMatchObject({ is_error: true });
    expect(results[0]?.content).toBe(
      "Write did not run: notes.txt could not be backed up for /rewind (no space left on device). No file was changed.",
    );
    await expect(readFile(join(root, "notes.txt"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("saves nothing for a call that was denied", async () => {
    const seen: string[][] = [];
    const hook: CheckpointHook = {
      beforeChange: (paths) => {
        seen.push([...paths]);
        return Promise.resolve();
      },
      noteUncovered: () => undefined,
    };
    await runWith(
      [call("w", "Write", { file_path: "notes.txt", content: "hi" })],
      policy({ deny: rules("Write") }),
      hook,
    );
    expect(seen).toEqual([]);
  });
});
