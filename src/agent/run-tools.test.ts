import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../core/events.ts";
import type { ToolUseBlock } from "../core/messages.ts";
import { parseRule, type PermissionPolicy } from "../permissions/index.ts";
import { bashTool } from "../tools/bash.ts";
import { createToolSession, type Tool, type ToolSession } from "../tools/index.ts";
import { readTool } from "../tools/read.ts";
import { writeTool } from "../tools/write.ts";
import { runToolCalls, type AskPermission } from "./run-tools.ts";

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
    policy,
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

  it("denies what it would ask when no one can answer, and says why", async () => {
    const { results, events } = await run(
      [call("r", "Read", { file_path: "/etc/hostname" })],
      policy({}),
    );
    expect(JSON.stringify(results[0]?.content)).toContain("outside the workspace");
    expect(events.some((e) => e.type === "permission_denied")).toBe(true);
  });
});
