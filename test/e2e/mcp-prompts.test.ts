// MCP prompts as slash commands in print mode, through the built CLI and the official
// `server-everything` over stdio: the prompt's messages become the user's prompt, positional
// words fill the prompt's arguments in order, and a missing required argument is an error.

import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import { jsonLines, place, runCli } from "./run-cli.ts";
import { wireSetup } from "./wires.ts";

const everything = resolve(
  import.meta.dirname,
  "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);
const config = JSON.stringify({
  mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"] } },
});

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

async function runPrompt(prompt: string, extra: string[] = []) {
  server.setScenario({ turns: [{ blocks: [{ type: "text", text: "noted" }] }] });
  server.requests.length = 0;
  const setup = wireSetup("anthropic", server.url);
  const run = await runCli(
    ["-p", prompt, "--model", setup.model, "--mcp-config", config, ...extra],
    { cwd: (await place()).cwd, env: setup.env, timeoutMs: 15_000 },
  );
  const body = server.requests[0]?.body as
    | { messages: Array<{ role: string; content: Array<{ type: string; text?: string }> }> }
    | undefined;
  const firstUser = body?.messages.find((m) => m.role === "user");
  const text = (firstUser?.content ?? [])
    .filter((b) => b.type === "text")
    .map((b) => b.text ?? "")
    .join("\n");
  return { ...run, requests: server.requests.length, text };
}

describe("MCP prompts as slash commands in print mode", () => {
  it("mcp prompts › /mcp__everything__simple-prompt sends the prompt's message to the model", async () => {
    const run = await runPrompt("/mcp__everything__simple-prompt");
    expect(run.stderr).not.toContain("unknown command");
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe("noted");
    expect(run.text).toContain("This is a simple prompt without arguments.");
    expect(run.text).not.toContain("/mcp__everything__simple-prompt");
  }, 20_000);

  it("mcp prompts › positional words fill the prompt's arguments in order, the last takes the rest", async () => {
    const run = await runPrompt('/mcp__everything__args-prompt Paris "Ile de France"');
    expect(run.code).toBe(0);
    expect(run.text).toContain("What's weather in Paris, Ile de France?");
  }, 20_000);

  it("mcp prompts › a missing required argument is an error naming it, and nothing is sent", async () => {
    const run = await runPrompt("/mcp__everything__args-prompt");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("city");
    expect(run.requests).toBe(0);
  }, 20_000);

  it("mcp prompts › stream-json init lists the server's prompts among the slash commands", async () => {
    const run = await runPrompt("/mcp__everything__simple-prompt", [
      "--output-format",
      "stream-json",
      "--verbose",
    ]);
    const init = jsonLines(run.stdout).find((l) => l.type === "system" && l.subtype === "init");
    expect(init?.slash_commands).toEqual(
      expect.arrayContaining(["mcp__everything__simple-prompt", "mcp__everything__args-prompt"]),
    );
  }, 20_000);
});
