// The official MCP conformance suite's client scenarios against cairn's MCP client
// (test/conformance/client.ts connects the way a cairn session does). Offline: the suite
// starts its own servers on localhost.

import { beforeAll, describe, expect, it } from "vitest";
import {
  clientCommand,
  runConformance,
  summaryOf,
  verdictOf,
  warningChecks,
  type ConformanceRun,
} from "./run-conformance.ts";

const single = ["initialize", "tools_call", "elicitation-sep1034-client-defaults", "sse-retry"];
// In the protocol's 2025-03-26 version, outside the `auth` suite.
const backcompat = [
  "auth/2025-03-26-oauth-metadata-backcompat",
  "auth/2025-03-26-oauth-endpoint-fallback",
];

describe.concurrent("mcp conformance › client", () => {
  for (const scenario of [...single, ...backcompat]) {
    it(`${scenario} passes`, async () => {
      const run = await runConformance([
        "client",
        "--command",
        clientCommand(),
        "--scenario",
        scenario,
      ]);
      expect(verdictOf(run.output), run.output).toMatchObject({ failed: 0 });
      // A reconnection a little later than the server's retry hint is a warning; on a loaded
      // machine that is the scheduler, not the client. Any other warning fails the test.
      const tolerated = scenario === "sse-retry" ? ["client-sse-retry-timing"] : [];
      const warnings = warningChecks(run.output);
      expect(
        warnings.filter((check) => !tolerated.includes(check)),
        run.output,
      ).toEqual([]);
      // The suite exits 1 on any warning, tolerated or not.
      if (warnings.length === 0) expect(run.code, run.output).toBe(0);
    });
  }

  it("auth/basic-cimd passes with one warning: cairn has no client ID metadata document URL, so it registers", async () => {
    const run = await runConformance([
      "client",
      "--command",
      clientCommand(),
      "--scenario",
      "auth/basic-cimd",
    ]);
    expect(verdictOf(run.output), run.output).toMatchObject({ failed: 0, warnings: 1 });
    expect(warningChecks(run.output)).toEqual(["cimd-client-id-used"]);
  });
});

describe("mcp conformance › client › auth suite", () => {
  let suite: ConformanceRun;
  beforeAll(async () => {
    suite = await runConformance(["client", "--command", clientCommand(), "--suite", "auth"]);
  }, 120_000);

  const clean = [
    "auth/metadata-default",
    "auth/metadata-var1",
    "auth/metadata-var2",
    "auth/metadata-var3",
    "auth/scope-from-www-authenticate",
    "auth/scope-from-scopes-supported",
    "auth/scope-omitted-when-undefined",
    "auth/scope-step-up",
    "auth/scope-retry-limit",
    "auth/token-endpoint-auth-basic",
    "auth/token-endpoint-auth-post",
    "auth/token-endpoint-auth-none",
    "auth/pre-registration",
  ];
  for (const scenario of clean) {
    it(`${scenario} passes`, () => {
      expect(summaryOf(suite.output).get(scenario), suite.output).toMatchObject({
        failed: 0,
        warnings: 0,
      });
    });
  }

  it("auth/basic-cimd has no failures (its one warning: see the test of it alone)", () => {
    expect(summaryOf(suite.output).get("auth/basic-cimd"), suite.output).toMatchObject({
      failed: 0,
      warnings: 1,
    });
  });

  it("runs every scenario of the suite", () => {
    expect([...summaryOf(suite.output).keys()].sort()).toEqual(
      [...clean, "auth/basic-cimd"].sort(),
    );
  });
});
