// The interactive session with MCP servers, at the controller level: the approval question for a
// trusted project's `.mcp.json` server (the first prompt runs while it waits; approving starts
// the server and its tools join the next request), changed tool definitions, /mcp, and MCP
// prompts as slash commands. Real servers over stdio, the scripted model server.

import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../cli/args.ts";
import type { Scenario } from "../../test/fake-llm/scenario.ts";
import { toolOutputs } from "../../test/e2e/wires.ts";
import { builtinCommands, parseSlashCommand, runSlashCommand } from "./commands/index.ts";
import { controllerEnv, useControllerWorld } from "./controller-test-kit.ts";
import { createController, type Controller } from "./controller.ts";
import type { McpUiState } from "./mcp-ui.ts";

const tiny = resolve(import.meta.dirname, "../../test/mcp-servers/tiny-server.mjs");
const everything = resolve(
  import.meta.dirname,
  "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);

const world = useControllerWorld("cairn-tui-mcp");

const reply = (text: string) => ({ blocks: [{ type: "text" as const, text }] });

async function start(scenario: Scenario, flags: string[] = []): Promise<Controller> {
  world.server.setScenario(scenario);
  const controller = await createController({
    args: parseArgs(["--model", "anthropic/claude-sonnet-4-5", ...flags]),
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

/** Resolves once the MCP store's state satisfies `predicate`. */
function waitForMcp(
  controller: Controller,
  predicate: (state: McpUiState) => boolean,
): Promise<McpUiState> {
  const mcp = controller.mcp;
  if (!mcp) throw new Error("no MCP store on the controller");
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = mcp.getState();
      if (!predicate(state)) return;
      unsubscribe();
      clearTimeout(timer);
      resolve(state);
    };
    const unsubscribe = mcp.subscribe(check);
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`MCP state never matched: ${JSON.stringify(mcp.getState())}`));
    }, 10_000);
    check();
  });
}

/** Resolves once `predicate` holds, checking every 20 ms. */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function toolNames(index: number): string[] {
  const body = world.server.requests[index]?.body as
    { tools?: Array<{ name: string }> } | undefined;
  return (body?.tools ?? []).map((t) => t.name);
}

function notices(controller: Controller): string {
  return controller
    .getState()
    .history.filter((h) => h.type === "notice")
    .map((h) => (h.type === "notice" ? h.text : ""))
    .join("\n");
}

async function projectServer(args: string[]): Promise<void> {
  await writeFile(
    join(world.root, ".mcp.json"),
    JSON.stringify({ mcpServers: { tiny: { command: process.execPath, args: [tiny, ...args] } } }),
  );
}

describe("MCP approval in the interactive UI", () => {
  it("mcp ui › a project server waits for approval while the first prompt runs; approving starts it", async () => {
    await projectServer(["tools", "2"]);
    const controller = await start({ turns: [reply("first"), reply("second")] }, ["--trust"]);
    const asked = await waitForMcp(controller, (s) => s.approval !== undefined);
    expect(asked.approval).toMatchObject({ kind: "project-server", server: "tiny" });

    // The question does not hold up the first prompt.
    controller.submit("hello");
    await controller.idle();
    expect(world.server.requests).toHaveLength(1);
    expect(toolNames(0).some((n) => n.startsWith("mcp__tiny__"))).toBe(false);
    expect(controller.mcp?.getState().approval?.server).toBe("tiny");
    // The question is the message: no start-up warning repeats it beside the question.
    expect(notices(controller)).not.toContain("not approved yet");

    controller.mcp?.answerApproval(asked.approval!, true);
    await waitForMcp(controller, (s) => s.approval === undefined);
    await until(
      () => controller.mcp?.statuses()[0]?.status === "connected",
      "the approved server to connect",
    );
    const local = JSON.parse(
      await readFile(join(world.root, ".cairn", "settings.local.json"), "utf8"),
    ) as { enabledMcpjsonServers?: string[] };
    expect(local.enabledMcpjsonServers).toEqual(["tiny"]);

    controller.submit("again");
    await controller.idle();
    expect(toolNames(1)).toEqual(
      expect.arrayContaining(["mcp__tiny__tool_0", "mcp__tiny__tool_1"]),
    );
    expect(notices(controller)).toContain('Approved MCP server "tiny"');
  }, 20_000);

  it("mcp ui › denying records the choice and the server stays off", async () => {
    const marker = join(world.root, "started.txt");
    await projectServer(["marker", marker]);
    const controller = await start({ turns: [] }, ["--trust"]);
    const asked = await waitForMcp(controller, (s) => s.approval !== undefined);
    controller.mcp?.answerApproval(asked.approval!, false);
    await waitForMcp(controller, (s) => s.approval === undefined);
    await until(() => notices(controller).includes("Denied"), "the notice");
    const local = JSON.parse(
      await readFile(join(world.root, ".cairn", "settings.local.json"), "utf8"),
    ) as { disabledMcpjsonServers?: string[] };
    expect(local.disabledMcpjsonServers).toEqual(["tiny"]);
    expect(controller.mcp?.statuses()[0]?.status).toBe("disabled");
    await new Promise((r) => setTimeout(r, 200));
    await expect(readFile(marker, "utf8")).rejects.toThrow();
  }, 20_000);

  it("mcp ui › /mcp lists the waiting server and /mcp approve starts it", async () => {
    await projectServer(["tools", "1"]);
    const controller = await start({ turns: [] }, ["--trust"]);
    await waitForMcp(controller, (s) => s.approval !== undefined);
    controller.submit("/mcp");
    await controller.idle();
    expect(notices(controller)).toMatch(/tiny\s+needs approval/);

    controller.submit("/mcp approve tiny");
    await controller.idle();
    await until(
      () => controller.mcp?.statuses()[0]?.status === "connected",
      "the approved server to connect",
    );
    expect(controller.mcp?.getState().approval).toBeUndefined();
    controller.submit("/mcp");
    await controller.idle();
    expect(notices(controller)).toMatch(/tiny\s+connected\s+1 tool/);
  }, 20_000);

  it("mcp ui › changed tool definitions are asked about; accepting offers them again", async () => {
    const description = join(world.root, "description.txt");
    await writeFile(description, "first version");
    const config = JSON.stringify({
      mcpServers: {
        changing: { command: process.execPath, args: [tiny, "changing", description] },
      },
    });
    const controller = await start({ turns: [reply("one"), reply("two")] }, [
      "--mcp-config",
      config,
    ]);
    await until(
      () => controller.mcp?.statuses()[0]?.toolCount === 1,
      "the server's tool to be accepted",
    );
    await writeFile(description, "second version: now also deletes records");
    const asked = await waitForMcp(controller, (s) => s.approval?.kind === "changed-tools");
    expect(asked.approval).toEqual({ kind: "changed-tools", server: "changing", tools: ["probe"] });

    controller.submit("use it");
    await controller.idle();
    expect(toolNames(0)).not.toContain("mcp__changing__probe");

    controller.mcp?.answerApproval(asked.approval!, true);
    await until(() => notices(controller).includes("Accepted the changed tools"), "the notice");
    expect(controller.mcp?.getState().approval).toBeUndefined();
    controller.submit("now");
    await controller.idle();
    expect(toolNames(1)).toContain("mcp__changing__probe");
    const sent = world.server.requests[1]?.body as {
      tools: Array<{ name: string; description: string }>;
    };
    expect(sent.tools.find((t) => t.name === "mcp__changing__probe")?.description).toContain(
      "second version",
    );
  }, 20_000);
});

describe("MCP elicitation in the interactive UI", () => {
  it("mcp ui › a server's elicitation request waits for the form; the answer reaches the server", async () => {
    const config = JSON.stringify({
      mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"] } },
    });
    const controller = await start(
      {
        turns: [
          {
            blocks: [
              { type: "tool_use", name: "mcp__everything__trigger-elicitation-request", input: {} },
            ],
          },
          reply("thanks"),
        ],
      },
      ["--mcp-config", config, "--allowedTools", "mcp__everything"],
    );
    await until(
      () => controller.mcp?.statuses()[0]?.status === "connected",
      "the server to connect",
    );
    controller.submit("ask me");
    const asked = await waitForMcp(controller, (s) => s.elicitation !== undefined);
    const form = asked.elicitation!;
    expect(form.server).toBe("everything");
    expect(form.form.fields.map((f) => f.name)).toContain("name");
    controller.mcp?.answerElicitation(form.id, {
      action: "accept",
      content: { name: "Grace Hopper", check: true },
    });
    await controller.idle();
    const outputs = toolOutputs("anthropic", world.server.requests[1]?.body ?? { messages: [] });
    expect(outputs.map(([, text]) => text).join("\n")).toContain("- Name: Grace Hopper");
    expect(controller.mcp?.getState().elicitation).toBeUndefined();
  }, 20_000);
});

describe("MCP prompts in the interactive UI", () => {
  it("mcp ui › a server's prompts join the commands with their arguments as the hint, and run", async () => {
    const config = JSON.stringify({
      mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"] } },
    });
    const controller = await start({ turns: [reply("sunny")] }, ["--mcp-config", config]);
    await until(
      () => controller.commands.some((c) => c.name === "mcp__everything__args-prompt"),
      "the server's prompts",
    );
    const command = controller.commands.find((c) => c.name === "mcp__everything__args-prompt");
    expect(command?.argumentHint).toBe("<city> [state]");
    expect(command?.description).toContain("(MCP: everything)");

    controller.submit("/mcp__everything__args-prompt Paris");
    await controller.idle();
    const body = world.server.requests[0]?.body as {
      messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }>;
    };
    const first = body.messages.find((m) => m.role === "user");
    expect(first?.content.map((b) => b.text ?? "").join("\n")).toContain(
      "What's weather in Paris?",
    );
  }, 20_000);
});
