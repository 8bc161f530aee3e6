// Remote MCP servers behind OAuth, through the built CLI: a session never opens a browser (the
// server is `needs-auth` until `cairn mcp login`), a stored login lets print mode call the
// server's tool, and an expired access token is refreshed without a new login.

import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startAuthorizationServer,
  type AuthorizationServer,
  type AuthorizationServerOptions,
} from "../../src/mcp/oauth/test-authorization-server.ts";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, place, runCli, startCli, type Place } from "./run-cli.ts";
import { toolOutputs, wireSetup } from "./wires.ts";

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await llm.close();
});
const servers: AuthorizationServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface OAuthPlace extends Place {
  as: AuthorizationServer;
  /** PATH with a fake `xdg-open`/`open` first, which records any attempt to open a browser. */
  path: string;
  browserLog: string;
}

/** A protected server configured in the user's `~/.cairn/mcp.json` as `docs`. */
async function setup(options: AuthorizationServerOptions = {}): Promise<OAuthPlace> {
  const as = await startAuthorizationServer(options);
  servers.push(as);
  const where = await place();
  await mkdir(join(where.home, ".cairn"), { recursive: true });
  await writeFile(
    join(where.home, ".cairn", "mcp.json"),
    JSON.stringify({ mcpServers: { docs: { type: "http", url: as.mcpUrl } } }),
  );
  const bin = join(where.home, "bin");
  const browserLog = join(where.home, "browser-opened.txt");
  await mkdir(bin);
  for (const opener of ["xdg-open", "open"]) {
    await writeFile(join(bin, opener), `#!/bin/sh\necho "$@" >> "${browserLog}"\n`);
    await chmod(join(bin, opener), 0o755);
  }
  return { ...where, as, path: `${bin}:${process.env.PATH ?? ""}`, browserLog };
}

/** `cairn mcp login docs --no-browser`, with the test playing the person's browser. */
async function login(where: OAuthPlace): Promise<void> {
  const cli = await startCli(["mcp", "login", "docs", "--no-browser"], {
    cwd: where.cwd,
    env: { HOME: where.home, PATH: where.path },
  });
  await cli.waitFor("/authorize?");
  const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(cli.stderr)?.[1];
  expect(url, cli.stderr).toBeDefined();
  // The authorization server approves at once and redirects to cairn's loopback callback.
  const approval = await fetch(url ?? "", { redirect: "manual" });
  await fetch(approval.headers.get("location") ?? "");
  const run = await cli.done;
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('Logged in to "docs"');
}

async function printRun(where: OAuthPlace, scenario: Scenario) {
  llm.setScenario(scenario);
  llm.requests.length = 0;
  const setup = wireSetup("anthropic", llm.url);
  const run = await runCli(
    [
      "-p",
      "who am I?",
      "--model",
      setup.model,
      "--output-format",
      "stream-json",
      "--verbose",
      "--allowedTools",
      "mcp__docs",
    ],
    {
      cwd: where.cwd,
      env: { ...setup.env, HOME: where.home, PATH: where.path, CAIRN_RETRY_BASE_MS: "5" },
      timeoutMs: 20_000,
    },
  );
  const lines = jsonLines(run.stdout);
  return {
    ...run,
    init: lines.find((l) => l.type === "system" && l.subtype === "init"),
    outputs: toolOutputs("anthropic", llm.requests.at(-1)?.body ?? { messages: [] }).map(
      ([, text, isError]) => ({ text, isError }),
    ),
  };
}

const whoami: Scenario = {
  turns: [
    { blocks: [{ type: "tool_use", name: "mcp__docs__whoami", input: {} }] },
    { blocks: [{ type: "text", text: "done" }] },
  ],
};

const browserOpened = (where: OAuthPlace): Promise<boolean> =>
  stat(where.browserLog).then(
    () => true,
    () => false,
  );

describe("MCP OAuth in a session", () => {
  it("mcp oauth › a server needing a login is needs-auth in system/init, and no browser opens", async () => {
    const where = await setup();
    const run = await printRun(where, { turns: [{ blocks: [{ type: "text", text: "ok" }] }] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.init?.mcp_servers).toEqual([
      {
        name: "docs",
        status: "needs-auth",
        error: "needs authentication: run `cairn mcp login docs`",
      },
    ]);
    expect(run.stderr).toContain("cairn mcp login docs");
    expect(run.stderr).not.toContain("/authorize?");
    expect(await browserOpened(where)).toBe(false);
    expect(where.as.recorded.authorizations).toEqual([]);

    const list = await runCli(["mcp", "list"], {
      cwd: where.cwd,
      env: { HOME: where.home, PATH: where.path },
    });
    expect(list.stdout).toContain("docs:");
    expect(list.stdout).toContain("needs-auth (needs authentication: run `cairn mcp login docs`)");
    expect(await browserOpened(where)).toBe(false);
  }, 30_000);

  it("mcp oauth › after cairn mcp login a print-mode run calls the server's tool", async () => {
    const where = await setup();
    await login(where);
    const accepted = where.as.recorded.accepted.length;
    const run = await printRun(where, whoami);
    expect(run.code, run.stderr).toBe(0);
    expect(run.init?.mcp_servers).toEqual([{ name: "docs", status: "connected" }]);
    expect(run.outputs).toEqual([{ text: "an authorized client", isError: false }]);
    expect(where.as.recorded.accepted.length).toBeGreaterThan(accepted);
    expect(await browserOpened(where)).toBe(false);
  }, 40_000);

  it("mcp oauth › an expired access token is refreshed and the new tokens are stored", async () => {
    const where = await setup({ accessTokenSeconds: 1 });
    await login(where);
    const storeFile = join(where.home, ".cairn", "mcp-oauth.json");
    const tokensOf = async () =>
      (
        JSON.parse(await readFile(storeFile, "utf8")) as {
          servers: Record<string, { tokens?: { access_token: string } }>;
        }
      ).servers[`docs|${where.as.mcpUrl}`]?.tokens?.access_token;
    const before = await tokensOf();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const run = await printRun(where, whoami);
    expect(run.code, run.stderr).toBe(0);
    expect(run.init?.mcp_servers).toEqual([{ name: "docs", status: "connected" }]);
    expect(run.outputs).toEqual([{ text: "an authorized client", isError: false }]);
    // One login; the rest refreshes (more than one when the 1 s tokens expire again mid-run).
    const grants = where.as.recorded.grants.map((g) => g.grant_type);
    expect(grants.filter((g) => g === "authorization_code")).toHaveLength(1);
    expect(grants.filter((g) => g === "refresh_token").length).toBeGreaterThan(0);
    const after = await tokensOf();
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(where.as.recorded.accepted).toContain(after);
  }, 40_000);
});
