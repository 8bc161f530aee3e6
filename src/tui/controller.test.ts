import { mkdir, readFile, realpath, writeFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { parseArgs } from "../cli/args.ts";
import { startFakeLlm, type FakeLlm } from "../../test/fake-llm/index.ts";
import type { Scenario, ScriptedBlock } from "../../test/fake-llm/scenario.ts";
import { toolOutputs } from "../../test/e2e/wires.ts";
import { createController, nextMode, type Controller } from "./controller.ts";
import type { CommandContext, SlashCommand } from "./types.ts";
import type { UiState } from "./view-model.ts";

let server: FakeLlm;
let home: string;
let root: string;
const open: Controller[] = [];

beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  home = await realpath(await mkdtemp(join(tmpdir(), "cairn-tui-home-")));
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-tui-root-")));
  // The user's own ~/.claude and ~/.cairn must not leak into the session.
  vi.stubEnv("HOME", home);
  server.requests.length = 0;
  server.violations.length = 0;
});
afterEach(async () => {
  for (const controller of open.splice(0)) await controller.close();
  vi.unstubAllEnvs();
  expect(server.violations).toEqual([]);
});

const text = (t: string): ScriptedBlock => ({ type: "text", text: t });
const call = (name: string, input: unknown, id?: string): ScriptedBlock => ({
  type: "tool_use",
  name,
  input,
  ...(id !== undefined ? { id } : {}),
});

/** Runs `/name args` against a command list the test supplies. */
async function runCommand(
  input: string,
  commands: readonly SlashCommand[],
  context: CommandContext,
): Promise<boolean> {
  if (!input.startsWith("/")) return false;
  const [name = "", ...rest] = input.slice(1).split(" ");
  const command = commands.find((c) => c.name === name);
  if (!command) context.notice(`Unknown command /${name}`, "warning");
  else await command.run(rest.join(" "), context);
  return true;
}

async function start(
  scenario: Scenario,
  flags: string[] = [],
  commands: SlashCommand[] = [],
): Promise<Controller> {
  server.setScenario(scenario);
  const controller = await createController({
    args: parseArgs(["--model", "anthropic/claude-sonnet-4-5", ...flags]),
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      CAIRN_HOME: join(home, ".cairn"),
      ANTHROPIC_API_KEY: "test-key",
      ANTHROPIC_BASE_URL: server.url,
      CAIRN_RETRY_BASE_MS: "5",
      CAIRN_TEST_TOOLS: "1",
      CAIRN_SANDBOX: "0",
    },
    version: "0.0.0-test",
    commands,
    runCommand,
    isCommand: (input) => input.startsWith("/"),
    frameMs: 0,
  });
  open.push(controller);
  return controller;
}

/** Resolves with the state once `predicate` holds (checked on every change). */
function waitFor(controller: Controller, predicate: (state: UiState) => boolean): Promise<UiState> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const state = controller.getState();
      if (!predicate(state)) return false;
      unsubscribe();
      clearTimeout(timer);
      resolve(state);
      return true;
    };
    const unsubscribe = controller.subscribe(() => void check());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`state never matched: ${JSON.stringify(controller.getState().history)}`));
    }, 10_000);
    check();
  });
}

const lastToolOutputs = () => toolOutputs("anthropic", server.requests.at(-1)?.body);

describe("the interactive controller", () => {
  it("streams a run into the view and records it in the transcript", async () => {
    const controller = await start({ turns: [{ blocks: [text("Hello from the model")] }] });
    expect(controller.getState().status).toMatchObject({
      model: "claude-sonnet-4-5",
      mode: "default",
      contextWindow: 200_000,
    });
    controller.submit("say hello");
    await waitFor(controller, (s) => s.busy);
    await controller.idle();
    const state = controller.getState();
    expect(state.history.map((i) => i.type)).toEqual(["user", "assistant"]);
    expect(state.history[1]).toMatchObject({ markdown: "Hello from the model" });
    expect(state.busy).toBe(false);
    expect(state.status.costUsd).toBeGreaterThan(0);
    expect(state.status.contextTokens).toBeGreaterThan(0);
    const transcript = controller.context.info.transcriptPath;
    expect(transcript).toBeDefined();
    expect(await readFile(transcript ?? "", "utf8")).toContain("Hello from the model");
  });

  it("creates no transcript until the first prompt", async () => {
    const controller = await start({ turns: [] });
    expect(controller.context.info.transcriptPath).toBeUndefined();
  });

  it("asks permission through the screen and runs the call once allowed", async () => {
    const controller = await start({
      turns: [
        { blocks: [call("Write", { file_path: "notes/a.txt", content: "hi\n" })] },
        { blocks: [text("written")] },
      ],
    });
    controller.submit("write a note");
    const asked = await waitFor(controller, (s) => s.permission !== undefined);
    expect(asked.permission).toMatchObject({
      toolName: "Write",
      target: "notes/a.txt",
      suggestedRule: "Edit(/notes/**)",
    });
    controller.answerPermission({ type: "allow_once" });
    await controller.idle();
    expect(await readFile(join(root, "notes/a.txt"), "utf8")).toBe("hi\n");
    const state = controller.getState();
    expect(state.permission).toBeUndefined();
    expect(state.history.find((i) => i.type === "tool")).toMatchObject({
      name: "Write",
      status: "done",
      display: { type: "diff", added: 1 },
    });
  });

  it("tells the model what the user said when they deny", async () => {
    const controller = await start({
      turns: [
        { blocks: [call("Write", { file_path: "a.txt", content: "x" })] },
        { blocks: [text("ok, I will not")] },
      ],
    });
    controller.submit("write");
    await waitFor(controller, (s) => s.permission !== undefined);
    controller.answerPermission({ type: "deny", note: "use b.txt instead" });
    await controller.idle();
    const [output] = lastToolOutputs();
    expect(output?.[1]).toContain("use b.txt instead");
    expect(output?.[2]).toBe(true);
    expect(controller.getState().history.find((i) => i.type === "tool")).toMatchObject({
      status: "denied",
    });
  });

  it("allows for the session: the same kind of call is not asked again", async () => {
    const controller = await start({
      turns: [
        { blocks: [call("Write", { file_path: "src/a.txt", content: "a" })] },
        { blocks: [call("Write", { file_path: "src/b.txt", content: "b" })] },
        { blocks: [text("both written")] },
      ],
    });
    let asks = 0;
    controller.subscribe(() => {
      const pending = controller.getState().permission;
      if (pending && asks === 0) {
        asks++;
        controller.answerPermission({ type: "allow_session", rule: pending.suggestedRule });
      }
    });
    controller.submit("write two files");
    await controller.idle();
    expect(asks).toBe(1);
    expect(await readFile(join(root, "src/b.txt"), "utf8")).toBe("b");
    expect(controller.context.info.rules.allow).toContain("Edit(/src/**) (session)");
  });

  it("allows always for the project by writing .cairn/settings.local.json, and says so", async () => {
    await mkdir(join(root, ".cairn"));
    await writeFile(join(root, ".cairn", "settings.local.json"), '{ "model": "x/y" }\n');
    const controller = await start(
      {
        turns: [
          { blocks: [call("Bash", { command: "echo hi" + " > out.txt" })] },
          { blocks: [text("done")] },
        ],
      },
      ["--model", "anthropic/claude-sonnet-4-5"],
    );
    controller.submit("run it");
    const asked = await waitFor(controller, (s) => s.permission !== undefined);
    const rule = asked.permission?.suggestedRule ?? "";
    controller.answerPermission({ type: "allow_project", rule });
    await controller.idle();
    await waitFor(controller, (s) =>
      s.history.some((i) => i.type === "notice" && i.text.includes("settings.local.json")),
    );
    const saved = JSON.parse(
      await readFile(join(root, ".cairn", "settings.local.json"), "utf8"),
    ) as {
      model: string;
      permissions: { allow: string[] };
    };
    expect(saved).toEqual({ model: "x/y", permissions: { allow: [rule] } });
    const note = controller
      .getState()
      .history.find((i) => i.type === "notice" && i.text.includes(rule));
    expect(note).toMatchObject({ text: expect.stringContaining("not trusted") as unknown });
  });

  it("interrupts a running tool with Esc and leaves a conversation the next request accepts", async () => {
    const controller = await start(
      {
        turns: [
          { blocks: [call("TestSleep", { ms: 30_000 })] },
          { blocks: [text("after the interrupt")] },
        ],
      },
      ["--permission-mode", "bypassPermissions"],
    );
    controller.submit("sleep");
    await waitFor(controller, (s) => s.running.length > 0);
    controller.interrupt();
    await controller.idle();
    const interrupted = controller.getState();
    expect(interrupted.history.find((i) => i.type === "tool")).toMatchObject({
      status: "interrupted",
    });
    expect(interrupted.history.at(-1)).toMatchObject({ text: "Interrupted." });

    controller.submit("go on");
    await controller.idle();
    // The fake server refuses (and records a violation for) a tool_use without its result.
    expect(controller.getState().history.at(-1)).toMatchObject({ markdown: "after the interrupt" });
  });

  it("interrupting while a question is open withdraws the question", async () => {
    const controller = await start({
      turns: [{ blocks: [call("Write", { file_path: "a.txt", content: "x" })] }],
    });
    controller.submit("write");
    await waitFor(controller, (s) => s.permission !== undefined);
    controller.interrupt();
    await controller.idle();
    expect(controller.getState().permission).toBeUndefined();
    expect(controller.getState().busy).toBe(false);
  });

  it("queues a prompt typed while busy and runs it after the current one", async () => {
    const controller = await start({
      turns: [{ blocks: [text("first answer")], delayMs: 20 }, { blocks: [text("second answer")] }],
    });
    controller.submit("one");
    await waitFor(controller, (s) => s.busy);
    controller.submit("two");
    await waitFor(controller, (s) => s.queued.length === 1 && s.queued[0] === "two");
    await waitFor(controller, (s) =>
      s.history.some((i) => i.type === "assistant" && i.markdown === "second answer"),
    );
    await controller.idle();
    const texts = controller
      .getState()
      .history.map((i) =>
        i.type === "user" ? `> ${i.text}` : i.type === "assistant" ? i.markdown : i.type,
      );
    expect(texts).toEqual(["> one", "first answer", "> two", "second answer"]);
    expect(controller.getState().queued).toEqual([]);
  });

  it("cycles the permission mode and the agent follows it", async () => {
    const controller = await start({
      turns: [
        { blocks: [call("Write", { file_path: "a.txt", content: "x" })] },
        { blocks: [text("done")] },
      ],
    });
    controller.cycleMode();
    expect(controller.getState().status.mode).toBe("acceptEdits");
    expect(controller.context.info.status.mode).toBe("acceptEdits");
    // acceptEdits writes inside the workspace without asking.
    controller.submit("write");
    await controller.idle();
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("x");
    controller.cycleMode();
    controller.cycleMode();
    expect(controller.getState().status.mode).toBe("default");
  });

  it("runs slash commands, and /clear starts a new session", async () => {
    const clear: SlashCommand = {
      name: "clear",
      description: "clear",
      run: (_args, context) => context.clearConversation(),
    };
    const controller = await start({ turns: [{ blocks: [text("one")] }] }, [], [clear]);
    controller.submit("hello");
    await controller.idle();
    const before = controller.context.info.sessionId;
    controller.submit("/clear");
    await waitFor(controller, (s) => s.epoch === 1);
    const after = controller.getState();
    expect(controller.context.info.sessionId).not.toBe(before);
    expect(after.history.map((i) => i.type)).toEqual(["notice"]);
    expect(controller.getState().history[0]).toMatchObject({
      text: expect.stringContaining("Started a new conversation") as unknown,
    });
    expect(after.status.costUsd).toBe(0);
  });

  it("resumes a session with -c and shows its conversation", async () => {
    const first = await start({ turns: [{ blocks: [text("remembered answer")] }] });
    first.submit("remember this");
    await first.idle();
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await start({ turns: [] }, ["-c"]);
    expect(
      second.getState().history.map((i) => (i.type === "assistant" ? i.markdown : i.type)),
    ).toEqual(["user", "remembered answer"]);
  });
});

describe("Shift+Tab's mode cycle", () => {
  it("goes default → acceptEdits → plan → default", () => {
    expect(nextMode("default", "default")).toBe("acceptEdits");
    expect(nextMode("acceptEdits", "default")).toBe("plan");
    expect(nextMode("plan", "default")).toBe("default");
  });

  it("includes bypassPermissions only when the session started with it", () => {
    expect(nextMode("plan", "bypassPermissions")).toBe("bypassPermissions");
    expect(nextMode("bypassPermissions", "bypassPermissions")).toBe("default");
    expect(nextMode("plan", "acceptEdits")).toBe("default");
  });
});
