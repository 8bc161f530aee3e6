// The interactive session's hooks: SessionStart when it opens (its context in the first request),
// Notification when a permission question shows, SessionEnd when it closes, messages as notices.

import { mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { parseArgs } from "../cli/args.ts";
import { startFakeLlm, type FakeLlm } from "../../test/fake-llm/index.ts";
import type { Scenario } from "../../test/fake-llm/scenario.ts";
import { controllerEnv } from "./controller-test-kit.ts";
import { createController, type Controller } from "./controller.ts";

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

async function start(scenario: Scenario, home: string, root: string): Promise<Controller> {
  server.setScenario(scenario);
  vi.stubEnv("HOME", home);
  return createController({
    args: parseArgs(["--model", "anthropic/claude-sonnet-4-5"]),
    cwd: root,
    env: controllerEnv(home, server),
    version: "0.0.0-test",
    commands: [],
    runCommand: () => Promise.resolve(false),
    isCommand: () => false,
    frameMs: 0,
  });
}

function until(controller: Controller, ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!ok()) return;
      unsubscribe();
      resolve();
    };
    const unsubscribe = controller.subscribe(check);
    check();
  });
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("runs SessionStart, Notification and SessionEnd hooks around an interactive session", async () => {
  const home = await realpath(await mkdtemp(join(tmpdir(), "cairn-tui-hooks-home-")));
  const root = await realpath(await mkdtemp(join(tmpdir(), "cairn-tui-hooks-root-")));
  const log = join(root, "events.log");
  const record = (what: string) => ({
    hooks: [{ type: "command", command: `cat >> ${log}; echo >> ${log}; ${what}` }],
  });
  await mkdir(join(home, ".cairn"), { recursive: true });
  await writeFile(
    join(home, ".cairn", "settings.json"),
    JSON.stringify({
      hooks: {
        SessionStart: [{ matcher: "startup", ...record("echo tui-start-context") }],
        Notification: [{ matcher: "permission_prompt", ...record("true") }],
        SessionEnd: [record("true")],
        UserPromptSubmit: [record(`echo '{"systemMessage":"prompt seen"}'`)],
      },
    }),
  );
  const controller = await start(
    {
      turns: [
        {
          blocks: [
            { type: "tool_use", name: "Write", input: { file_path: "a.txt", content: "x" } },
          ],
        },
        { blocks: [{ type: "text", text: "done" }] },
      ],
    },
    home,
    root,
  );
  controller.submit("write it");
  await until(controller, () => controller.getState().permission !== undefined);
  // The Notification hook runs beside the question (fire and forget): let it finish first.
  await eventually(async () => (await readFile(log, "utf8")).includes('"Notification"'));
  controller.answerPermission({ type: "deny" });
  await controller.idle();
  expect(JSON.stringify(server.requests[0]?.body)).toContain("tui-start-context");
  expect(JSON.stringify(controller.getState().history)).toContain("prompt seen");
  await controller.close();

  const events = (await readFile(log, "utf8"))
    .trim()
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(events.map((e) => e.hook_event_name)).toEqual([
    "SessionStart",
    "UserPromptSubmit",
    "Notification",
    "SessionEnd",
  ]);
  expect(events[0]).toMatchObject({ source: "startup" });
  expect(events[2]).toMatchObject({
    notification_type: "permission_prompt",
    message: "cairn needs your permission to use Write",
  });
  expect(events[3]).toMatchObject({ reason: "prompt_input_exit" });
  // By the end the transcript exists and every event named the same session.
  expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
});
