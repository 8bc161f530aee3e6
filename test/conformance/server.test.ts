// The official MCP conformance suite's server scenarios against `cairn mcp serve`. The suite
// speaks Streamable HTTP and cairn serves stdio, so a test-only bridge (stdio-bridge.ts) puts
// each HTTP session on its own `cairn mcp serve` process; messages pass through unchanged.

import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance, verdictOf } from "./run-conformance.ts";
import { serveCommand } from "./serve-command.ts";
import { startBridge, type Bridge } from "./stdio-bridge.ts";

let bridge: Bridge;
beforeAll(async () => {
  const home = await mkdtemp(join(tmpdir(), "cairn-serve-home-"));
  const cwd = await realpath(await mkdtemp(join(tmpdir(), "cairn-serve-work-")));
  const { command, args } = serveCommand(["--no-sandbox"]);
  bridge = await startBridge({
    command,
    args,
    env: { PATH: process.env.PATH ?? "", HOME: home },
    cwd,
  });
});
afterAll(async () => {
  await bridge.close();
});

const applicable = [
  "server-initialize",
  "ping",
  "tools-list",
  // Calls the suite's `test_error_handling`; cairn answers an unknown tool with an isError result.
  "tools-call-error",
];

/** Scenarios that test what cairn's server does not offer, with the reason. */
const notApplicable: Record<string, string> = {
  "logging-set-level": "no logging capability",
  "completion-complete": "no prompts or resources to complete",
  "tools-call-simple-text": "needs the suite's own test tools",
  "tools-call-image": "needs the suite's own test tools",
  "tools-call-audio": "needs the suite's own test tools",
  "tools-call-embedded-resource": "needs the suite's own test tools",
  "tools-call-mixed-content": "needs the suite's own test tools",
  "tools-call-with-logging": "needs the suite's own test tools",
  "tools-call-with-progress": "needs the suite's own test tools",
  "tools-call-sampling": "cairn's tools never ask the client to sample",
  "tools-call-elicitation": "cairn's tools never elicit",
  "elicitation-sep1034-defaults": "cairn's tools never elicit",
  "elicitation-sep1330-enums": "cairn's tools never elicit",
  "json-schema-2020-12": "needs the suite's own test tool",
  "server-sse-polling": "tests the HTTP transport; cairn serves stdio",
  "server-sse-multiple-streams": "tests the HTTP transport; cairn serves stdio",
  "dns-rebinding-protection": "tests the HTTP transport; cairn serves stdio",
  "resources-list": "no resources",
  "resources-read-text": "no resources",
  "resources-read-binary": "no resources",
  "resources-templates-read": "no resources",
  "resources-subscribe": "no resources",
  "resources-unsubscribe": "no resources",
  "prompts-list": "no prompts",
  "prompts-get-simple": "no prompts",
  "prompts-get-with-args": "no prompts",
  "prompts-get-embedded-resource": "no prompts",
  "prompts-get-with-image": "no prompts",
};

describe.concurrent("mcp conformance › server (cairn mcp serve)", () => {
  for (const scenario of applicable) {
    it(`${scenario} passes`, async () => {
      const run = await runConformance(["server", "--url", bridge.url, "--scenario", scenario]);
      expect(verdictOf(run.output), run.output).toMatchObject({ failed: 0, warnings: 0 });
      expect(run.code, run.output).toBe(0);
    });
  }
  for (const [scenario, reason] of Object.entries(notApplicable)) {
    it.skip(`${scenario}: not applicable (${reason})`, () => undefined);
  }
});
