// `cairn mcp login <name>` and `cairn mcp logout <name>` through the built CLI, against a local
// authorization server: the URL is printed (--no-browser), the browser's redirect is played by
// the test, and the tokens land in the user-only file a later session reads.

import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  startAuthorizationServer,
  type AuthorizationServer,
} from "../mcp/oauth/test-authorization-server.ts";

const cli = resolve(import.meta.dirname, "../../dist/cli.js");
const servers: AuthorizationServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStderr` sees stderr as it grows (to act on a printed URL). */
function run(
  args: string[],
  home: string,
  cwd: string,
  onStderr?: (text: string) => void,
): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((done) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    }),
  );
}

async function setup(): Promise<{ as: AuthorizationServer; home: string; cwd: string }> {
  const as = await startAuthorizationServer();
  servers.push(as);
  const home = await realpath(await mkdtemp(join(tmpdir(), "cairn-login-home-")));
  const cwd = await realpath(await mkdtemp(join(tmpdir(), "cairn-login-work-")));
  await mkdir(join(home, ".cairn"));
  await writeFile(
    join(home, ".cairn", "mcp.json"),
    JSON.stringify({ mcpServers: { docs: { type: "http", url: as.mcpUrl } } }),
  );
  return { as, home, cwd };
}

describe("cairn mcp login", () => {
  it("prints the authorization URL with --no-browser, receives the redirect and stores the tokens", async () => {
    const { as, home, cwd } = await setup();
    let approved = false;
    const login = await run(["mcp", "login", "docs", "--no-browser"], home, cwd, (stderr) => {
      const url = /(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)/.exec(stderr)?.[1];
      if (url === undefined || approved) return;
      approved = true;
      // The person's browser: the authorization server approves and redirects to cairn.
      void fetch(url, { redirect: "manual" }).then((response) =>
        fetch(response.headers.get("location") ?? ""),
      );
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('Authorize cairn for the MCP server "docs"');
    expect(login.stdout).toContain('Logged in to "docs"');
    expect(login.stdout).toContain("1 tools");
    const file = JSON.parse(await readFile(join(home, ".cairn", "mcp-oauth.json"), "utf8")) as {
      servers: Record<string, { tokens?: { access_token: string } }>;
    };
    expect(file.servers[`docs|${as.mcpUrl}`]?.tokens?.access_token).toBe(
      as.recorded.accepted.at(-1),
    );

    const logout = await run(["mcp", "logout", "docs"], home, cwd);
    expect(logout.code).toBe(0);
    expect(logout.stdout).toContain('Logged out of "docs"');
    const after = JSON.parse(await readFile(join(home, ".cairn", "mcp-oauth.json"), "utf8")) as {
      servers: Record<string, unknown>;
    };
    expect(after.servers).toEqual({});
  });

  it("refuses a server that is not configured, naming it", async () => {
    const { home, cwd } = await setup();
    const login = await run(["mcp", "login", "nope", "--no-browser"], home, cwd);
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain('no MCP server named "nope"');
  });
});
