import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../cli/args.ts";
import type { Scenario, ScriptedBlock } from "../../test/fake-llm/scenario.ts";
import { toolOutputs } from "../../test/e2e/wires.ts";
import { controllerEnv, useControllerWorld } from "./controller-test-kit.ts";
import { createController, nextMode, type Controller } from "./controller.ts";
import { rewindCommand } from "./commands/rewind.ts";
import type { CommandContext, EarlierPrompt, SlashCommand } from "./types.ts";
import type { UiState } from "./view-model.ts";

const world = useControllerWorld("cairn-tui");

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
  world.server.setScenario(scenario);
  const controller = await createController({
    args: parseArgs(["--model", "anthropic/claude-sonnet-4-5", ...flags]),
    cwd: world.root,
    env: controllerEnv(world.home, world.server, { CAIRN_TEST_TOOLS: "1" }),
    version: "0.0.0-test",
    commands,
    runCommand,
    isCommand: (input) => input.startsWith("/"),
    frameMs: 0,
  });
  world.open.push(controller);
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

const lastToolOutputs = () => toolOutputs("anthropic", world.server.requests.at(-1)?.body);

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
    expect(await readFile(join(world.root, "notes/a.txt"), "utf8")).toBe("hi\n");
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
    expect(await readFile(join(world.root, "src/b.txt"), "utf8")).toBe("b");
    expect(controller.context.info.rules.allow).toContain("Edit(/src/**) (session)");
  });

  it("allows always for the project by writing .cairn/settings.local.json, and says so", async () => {
    await mkdir(join(world.root, ".cairn"));
    await writeFile(join(world.root, ".cairn", "settings.local.json"), '{ "model": "x/y" }\n');
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
      await readFile(join(world.root, ".cairn", "settings.local.json"), "utf8"),
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
    expect(await readFile(join(world.root, "a.txt"), "utf8")).toBe("x");
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
    world.open.splice(world.open.indexOf(first), 1);

    const second = await start({ turns: [] }, ["-c"]);
    expect(
      second.getState().history.map((i) => (i.type === "assistant" ? i.markdown : i.type)),
    ).toEqual(["user", "remembered answer"]);
  });
});

/** The messages of recorded request `index` (Anthropic wire), without cache markers. */
function sentMessages(index: number): Array<{ role: string; content: unknown[] }> {
  const body = world.server.requests[index]?.body as
    | { messages?: Array<{ role: string; content: string | Array<Record<string, unknown>> }> }
    | undefined;
  return (body?.messages ?? []).map((m) => ({
    role: m.role,
    content: (typeof m.content === "string" ? [{ type: "text", text: m.content }] : m.content).map(
      ({ cache_control: _cache, ...block }) => block,
    ),
  }));
}

const note = { type: "text", text: "[Request interrupted by user]" };

describe("an Esc interruption in the conversation", () => {
  it("shows the model the interrupted prompt, the interruption, then the new prompt on its own", async () => {
    const controller = await start({
      turns: [
        {
          blocks: [text(`Counting: ${"one two three ".repeat(40)}END`)],
          chunkSize: 4,
          delayMs: 20,
        },
        { blocks: [text("after the stop")] },
      ],
    });
    controller.submit("count for me");
    await waitFor(controller, (s) => s.streamingText.includes("Counting"));
    controller.interrupt();
    await controller.idle();
    expect(controller.getState().history.at(-1)).toMatchObject({ text: "Interrupted." });
    controller.submit("go on");
    await controller.idle();
    // The agent keeps no half-streamed answer, so the interrupted exchange is the prompt alone.
    expect(sentMessages(1)).toEqual([
      {
        role: "user",
        content: [{ type: "text", text: "count for me" }, note, { type: "text", text: "go on" }],
      },
    ]);
  });

  it("puts the note after the interrupted tool's result, keeping the pairing", async () => {
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
    controller.submit("go on");
    await controller.idle();
    const last = sentMessages(1).at(-1);
    expect(last?.role).toBe("user");
    expect(last?.content.map((b) => (b as { type: string }).type)).toEqual([
      "tool_result",
      "text",
      "text",
    ]);
    expect(last?.content.slice(1)).toEqual([note, { type: "text", text: "go on" }]);
  });

  it("keeps the note in the transcript: a resumed session shows and sends it", async () => {
    const first = await start({ turns: [{ kind: "hang" }] });
    first.submit("wait for ever");
    await waitFor(first, (s) => s.busy);
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.interrupt();
    await first.idle();
    await first.close();
    world.open.splice(world.open.indexOf(first), 1);

    const second = await start({ turns: [{ blocks: [text("resumed")] }] }, ["-c"]);
    expect(second.getState().history.map((i) => (i.type === "notice" ? i.text : i.type))).toEqual([
      "user",
      "Interrupted.",
    ]);
    second.submit("try again");
    await second.idle();
    expect(sentMessages(world.server.requests.length - 1)).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "wait for ever" },
          note,
          { type: "text", text: "try again" },
        ],
      },
    ]);
  });

  it("leaves no note when a run ends normally", async () => {
    const controller = await start({
      turns: [{ blocks: [text("one")] }, { blocks: [text("two")] }],
    });
    controller.submit("first");
    await controller.idle();
    controller.submit("second");
    await controller.idle();
    expect(JSON.stringify(sentMessages(1))).not.toContain("interrupted");
  });
});

describe("going back in the UI", () => {
  /** Two turns that write notes.md (v1, then v2), then whatever `more` scripts. */
  const twoWrites = (more: Scenario["turns"] = []): Scenario => ({
    turns: [
      { blocks: [call("Write", { file_path: join(world.root, "notes.md"), content: "v1\n" })] },
      { blocks: [text("wrote v1")] },
      { blocks: [call("Write", { file_path: join(world.root, "notes.md"), content: "v2\n" })] },
      { blocks: [text("wrote v2")] },
      ...more,
    ],
  });
  const bypass = ["--permission-mode", "bypassPermissions"];
  const notices = (c: Controller): string =>
    c
      .getState()
      .history.filter((i) => i.type === "notice")
      .map((i) => (i.type === "notice" ? i.text : ""))
      .join("\n");

  it("/rewind <turn> puts the files back and leaves the conversation", async () => {
    const controller = await start(twoWrites([{ blocks: [text("still here")] }]), bypass, [
      rewindCommand,
    ]);
    controller.submit("write v1");
    await controller.idle();
    controller.submit("write v2");
    await controller.idle();
    expect(await readFile(join(world.root, "notes.md"), "utf8")).toBe("v2\n");
    controller.submit("/rewind 2");
    await controller.idle();
    await waitFor(controller, () => notices(controller).includes("Files put back"));
    expect(await readFile(join(world.root, "notes.md"), "utf8")).toBe("v1\n");
    expect(notices(controller)).toMatch(/restored +notes\.md/);
    expect(notices(controller)).toContain("The conversation is unchanged");
    controller.submit("and now?");
    await controller.idle();
    expect(JSON.stringify(sentMessages(world.server.requests.length - 1))).toContain("write v2");
  });

  it("/rewind <turn> conversation also cuts the conversation and the transcript", async () => {
    const controller = await start(
      twoWrites([{ blocks: [text("from turn one")] }, { blocks: [text("resumed")] }]),
      bypass,
      [rewindCommand],
    );
    controller.submit("write v1");
    await controller.idle();
    controller.submit("write v2");
    await controller.idle();
    controller.submit("/rewind 2 conversation");
    await waitFor(controller, (s) =>
      s.history.some((i) => i.type === "notice" && i.text.includes("now ends before turn 2")),
    );
    await controller.idle();
    expect(await readFile(join(world.root, "notes.md"), "utf8")).toBe("v1\n");
    controller.submit("what now?");
    await controller.idle();
    const sent = JSON.stringify(sentMessages(world.server.requests.length - 1));
    expect(sent).toContain("write v1");
    expect(sent).not.toContain("write v2");
    expect(sent).toContain("what now?");
    await controller.close();
    world.open.splice(world.open.indexOf(controller), 1);

    // A resumed session reads the same shortened conversation from the transcript.
    const resumed = await start({ turns: [{ blocks: [text("resumed")] }] }, ["-c"]);
    resumed.submit("again");
    await resumed.idle();
    const again = JSON.stringify(sentMessages(world.server.requests.length - 1));
    expect(again).not.toContain("write v2");
    expect(again).toContain("what now?");
  });

  it("refuses to rewind while a turn runs, and says so", async () => {
    const controller = await start(
      { turns: [{ blocks: [text("one")] }, { kind: "hang" }] },
      [],
      [rewindCommand],
    );
    controller.submit("first");
    await controller.idle();
    controller.submit("wait");
    await waitFor(controller, (s) => s.busy);
    controller.submit("/rewind 1");
    await waitFor(controller, (s) =>
      s.history.some((i) => i.type === "notice" && i.text.includes("while cairn is working")),
    );
    controller.interrupt();
    await controller.idle();
  });

  it("Esc Esc lists earlier prompts newest first and goes back to one, files too when asked", async () => {
    const controller = await start(twoWrites([{ blocks: [text("third answer")] }]), bypass);
    controller.submit("write v1");
    await controller.idle();
    controller.submit("write v2");
    await controller.idle();
    controller.submit("third");
    await controller.idle();
    const prompts = (await controller.earlierPrompts?.()) ?? [];
    expect(prompts.map((p) => [p.text, p.turn, p.files])).toEqual([
      ["third", 3, []],
      ["write v2", 2, ["notes.md"]],
      ["write v1", 1, ["notes.md"]],
    ]);
    const [, second] = prompts;
    expect(await controller.rewindToPrompt?.(second as EarlierPrompt, { files: true })).toBe(true);
    expect(await readFile(join(world.root, "notes.md"), "utf8")).toBe("v1\n");
    expect(notices(controller)).toContain('Went back to before "write v2"');
    expect(notices(controller)).toContain("notes.md restored");
    // The list now ends before the chosen prompt.
    expect((await controller.earlierPrompts?.())?.map((p) => p.text)).toEqual(["write v1"]);
  });

  it("Esc Esc going back to the conversation only leaves the files", async () => {
    const controller = await start(twoWrites([{ blocks: [text("next")] }]), bypass);
    controller.submit("write v1");
    await controller.idle();
    controller.submit("write v2");
    await controller.idle();
    const [latest] = (await controller.earlierPrompts?.()) ?? [];
    expect(await controller.rewindToPrompt?.(latest as EarlierPrompt, { files: false })).toBe(true);
    expect(await readFile(join(world.root, "notes.md"), "utf8")).toBe("v2\n");
    expect(notices(controller)).toContain("Files were left as they are (1 changed since");
    controller.submit("write v2 differently");
    await controller.idle();
    const sent = JSON.stringify(sentMessages(world.server.requests.length - 1));
    expect(sent).not.toContain('"write v2"');
    expect(sent).toContain("write v2 differently");
  });

  it("Esc Esc offers nothing while a turn runs or before the first prompt", async () => {
    const controller = await start({ turns: [{ kind: "hang" }] });
    expect(await controller.earlierPrompts?.()).toEqual([]);
    expect(notices(controller)).toContain("No earlier message");
    controller.submit("wait");
    await waitFor(controller, (s) => s.busy);
    expect(await controller.earlierPrompts?.()).toEqual([]);
    expect(notices(controller)).toContain("once cairn is idle");
    controller.interrupt();
    await controller.idle();
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
