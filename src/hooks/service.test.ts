// The hooks service with real shell processes: stdin, environment, parallelism, dedupe, timeouts.

import { mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HookMatcher } from "../config/index.ts";
import type { HookMessage } from "./collect.ts";
import { createHookService, type HookService } from "./service.ts";

let dir: string;
let messages: HookMessage[];
beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "cairn-hooks-")));
  messages = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const signal = new AbortController().signal;

function service(hooks: Record<string, HookMatcher[]>): HookService {
  const created = createHookService({
    hooks,
    projectDir: dir,
    env: { PATH: process.env.PATH ?? "", SESSION_VALUE: "from-session-env" },
    session: () => ({ sessionId: "sess-1", transcriptPath: "/tmp/t.jsonl" }),
    permissionMode: () => "acceptEdits",
    onMessage: (m) => messages.push(m),
  });
  if (!created) throw new Error("expected a service");
  return created;
}

const command = (cmd: string, timeout?: number): HookMatcher["hooks"][number] => ({
  type: "command",
  command: cmd,
  ...(timeout !== undefined ? { timeout } : {}),
});

describe("the hooks service", () => {
  it("is not created when nothing is configured", () => {
    const none = createHookService({
      hooks: {},
      projectDir: dir,
      env: {},
      session: () => ({ sessionId: "", transcriptPath: undefined }),
      permissionMode: () => "default",
      onMessage: () => undefined,
    });
    expect(none).toBeUndefined();
  });

  it("gives a hook the event JSON on stdin and the project folder in its environment", async () => {
    const out = join(dir, "input.json");
    const env = join(dir, "env.txt");
    const hooks = service({
      PreToolUse: [
        {
          matcher: "Bash",
          hooks: [
            command(
              `cat > ${out}; printf '%s\\n%s\\n%s\\n' "$CLAUDE_PROJECT_DIR" "$CAIRN_PROJECT_DIR" "$SESSION_VALUE" > ${env}`,
            ),
          ],
        },
      ],
    });
    await hooks.preToolUse?.(
      { toolUseId: "t1", toolName: "Bash", input: { command: "ls" } },
      signal,
    );
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual({
      session_id: "sess-1",
      transcript_path: "/tmp/t.jsonl",
      cwd: dir,
      hook_event_name: "PreToolUse",
      permission_mode: "acceptEdits",
      tool_name: "Bash",
      tool_input: { command: "ls" },
      tool_use_id: "t1",
    });
    expect((await readFile(env, "utf8")).split("\n")).toEqual([dir, dir, "from-session-env", ""]);
  });

  it("runs only the hooks whose matcher fits the tool", async () => {
    const hooks = service({
      PreToolUse: [
        { matcher: "Write|Edit", hooks: [command("echo edit >> log")] },
        { matcher: "mcp__.*", hooks: [command("echo mcp >> log")] },
        { hooks: [command("echo all >> log")] },
      ],
    });
    await hooks.preToolUse?.({ toolUseId: "t", toolName: "mcp__fs__read", input: {} }, signal);
    expect((await readFile(join(dir, "log"), "utf8")).split("\n").sort()).toEqual([
      "",
      "all",
      "mcp",
    ]);
  });

  it("runs the same command from two places once", async () => {
    const hooks = service({
      PostToolUse: [
        { matcher: "Bash", hooks: [command("echo ran >> count")] },
        { matcher: "*", hooks: [command("echo ran >> count")] },
      ],
    });
    await hooks.postToolUse?.(
      { toolUseId: "t", toolName: "Bash", input: {}, response: "ok", isError: false },
      signal,
    );
    expect(await readFile(join(dir, "count"), "utf8")).toBe("ran\n");
  });

  it("runs the hooks of one event in parallel", async () => {
    const hooks = service({
      Stop: [{ hooks: [command("sleep 1; echo a"), command("sleep 1; echo b")] }],
    });
    const started = performance.now();
    await hooks.stop?.({ stopHookActive: false, lastAssistantText: "" }, signal);
    // One after the other would take 2 s at least.
    expect(performance.now() - started).toBeLessThan(1800);
  });

  it("kills a hook that outlives its timeout, with what it started, and says so", async () => {
    const marker = join(dir, "late");
    const hooks = service({
      PreToolUse: [{ hooks: [command(`(sleep 2; touch ${marker}) & sleep 5`, 0.3)] }],
    });
    const started = performance.now();
    const outcome = await hooks.preToolUse?.(
      { toolUseId: "t", toolName: "Bash", input: {} },
      signal,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect(outcome?.decision).toBeUndefined();
    expect(messages[0]?.text).toContain("ran longer than 0.3 s");
    await new Promise((resolve) => setTimeout(resolve, 2200));
    await expect(readFile(marker)).rejects.toThrow();
  });

  it("stops a hook when the run is aborted", async () => {
    const hooks = service({ UserPromptSubmit: [{ hooks: [command("sleep 5")] }] });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    const started = performance.now();
    await hooks.userPromptSubmit?.("hi", abort.signal);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("blocks a prompt with exit 2 and tells the user", async () => {
    const hooks = service({
      UserPromptSubmit: [{ hooks: [command("echo 'no secrets in prompts' >&2; exit 2")] }],
    });
    const outcome = await hooks.userPromptSubmit?.("my password is x", signal);
    expect(outcome?.block).toBe("no secrets in prompts");
    expect(messages.map((m) => m.text)).toContain(
      "UserPromptSubmit hook blocked the prompt: no secrets in prompts",
    );
  });

  it("keeps SessionStart's context for the next prompt, once", async () => {
    const hooks = service({
      SessionStart: [{ matcher: "startup", hooks: [command("echo 'on branch main'")] }],
    });
    await hooks.sessionStart("resume");
    expect((await hooks.userPromptSubmit?.("a", signal))?.additionalContext).toBeUndefined();
    await hooks.sessionStart("startup");
    expect((await hooks.userPromptSubmit?.("a", signal))?.additionalContext).toBe("on branch main");
    expect((await hooks.userPromptSubmit?.("b", signal))?.additionalContext).toBeUndefined();
  });

  it("tells Stop hooks whether a Stop hook already sent the model back", async () => {
    const out = join(dir, "stop.json");
    const hooks = service({ Stop: [{ hooks: [command(`cat >> ${out}; echo >> ${out}`)] }] });
    await hooks.stop?.({ stopHookActive: true, lastAssistantText: "done" }, signal);
    const input = JSON.parse((await readFile(out, "utf8")).trim()) as Record<string, unknown>;
    expect(input.stop_hook_active).toBe(true);
    expect(input.hook_event_name).toBe("Stop");
  });

  it("names handler types it cannot run and events it does not know, once", () => {
    const hooks = service({
      PreToolUse: [{ hooks: [{ type: "http" }, { type: "prompt" }, command("true")] }],
      TeammateIdle: [{ hooks: [command("true")] }],
    });
    expect(hooks.warnings).toHaveLength(2);
    expect(hooks.warnings.join("\n")).toContain("http, prompt");
    expect(hooks.warnings.join("\n")).toContain("TeammateIdle");
  });

  it("reports a hook that cannot start without failing the call", async () => {
    await writeFile(join(dir, "x"), "");
    const hooks = service({ PreToolUse: [{ hooks: [command("./x")] }] });
    const outcome = await hooks.preToolUse?.(
      { toolUseId: "t", toolName: "Bash", input: {} },
      signal,
    );
    expect(outcome?.decision).toBeUndefined();
    expect(messages[0]?.text).toMatch(/failed with exit code 126/);
  });
});
