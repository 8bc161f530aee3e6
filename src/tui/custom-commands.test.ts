// The interactive controller running custom commands: `/name args` sends the expansion as the
// prompt, its allowed-tools hold for that run only, and the / list carries it after the built-ins.

import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parseArgs } from "../cli/args.ts";
import type { Scenario } from "../../test/fake-llm/scenario.ts";
import { toolOutputs } from "../../test/e2e/wires.ts";
import { builtinCommands, parseSlashCommand, runSlashCommand } from "./commands/index.ts";
import { controllerEnv, useControllerWorld } from "./controller-test-kit.ts";
import { createController, type Controller } from "./controller.ts";

const world = useControllerWorld("cairn-custom");

async function put(path: string, text: string): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

async function start(scenario: Scenario): Promise<Controller> {
  world.server.setScenario(scenario);
  const controller = await createController({
    args: parseArgs(["--model", "anthropic/claude-sonnet-4-5", "--trust"]),
    cwd: world.root,
    env: controllerEnv(world.home, world.server),
    version: "0.0.0-test",
    commands: builtinCommands,
    runCommand: runSlashCommand,
    isCommand: (input) => parseSlashCommand(input) !== undefined,
    frameMs: 0,
  });
  world.open.push(controller);
  return controller;
}

const touch = (id: string) => ({
  blocks: [{ type: "tool_use" as const, id, name: "Bash", input: { command: "touch made.txt" } }],
});

describe("custom commands in the interactive UI", () => {
  it("sends the expansion as the prompt, with allowed-tools for that run only", async () => {
    await put(
      join(world.root, ".claude/commands/stamp.md"),
      "---\ndescription: Stamp the folder\nallowed-tools: Bash(touch made.txt)\n---\nStamp it for $1.\n",
    );
    const controller = await start({
      turns: [touch("toolu_1"), { blocks: [{ type: "text", text: "stamped" }] }],
    });
    const listed = controller.commands.find((c) => c.name === "stamp");
    expect(listed).toMatchObject({ description: "Stamp the folder (project)", custom: true });
    expect(controller.commands.findIndex((c) => c.name === "stamp")).toBeGreaterThanOrEqual(
      builtinCommands.length,
    );

    controller.submit("/stamp Ada");
    await vi.waitFor(() => expect(world.server.requests.length).toBeGreaterThan(0));
    await controller.idle();
    const first = world.server.requests[0]?.body as { messages: Array<{ content: unknown }> };
    expect(JSON.stringify(first.messages[0]?.content)).toContain("Stamp it for Ada.");
    expect(existsSync(join(world.root, "made.txt"))).toBe(true);
    expect(toolOutputs("anthropic", world.server.requests.at(-1)?.body)[0]?.[2]).toBe(false);
    expect(controller.getState().permission).toBeUndefined();

    // A plain prompt afterwards: the same command now needs approval.
    world.server.setScenario({
      turns: [touch("toolu_2"), { blocks: [{ type: "text", text: "ok" }] }],
    });
    controller.submit("touch it again");
    await vi.waitFor(() => expect(controller.getState().permission?.toolName).toBe("Bash"));
    controller.answerPermission({ type: "deny" });
    await controller.idle();
  });
});
