// The per-domain network allowlist inside a real bubblewrap sandbox: commands reach allowed hosts
// through cairn's proxy and the forwarder in the sandbox's own loopback, nothing else. Skipped,
// saying why, where bwrap is missing or cannot create namespaces. An HTTP server on 127.0.0.2
// plays the allowed host: 127.0.0.1 and localhost are the sandbox's own loopback (NO_PROXY).

import { spawn } from "node:child_process";
import { lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findOnPath } from "../config/index.ts";
import { detectBubblewrap } from "./bwrap.ts";
import { networkAccess } from "./domain-allowlist.ts";
import { createExecutor, type ExecRequest, type Executor, type Prepared } from "./executor.ts";
import { forwarderPort } from "./forwarder.ts";

const probe = await detectBubblewrap(process.env);
const skipReason =
  process.platform !== "linux"
    ? "bubblewrap is Linux only"
    : probe.type === "missing"
      ? "bwrap is not installed"
      : probe.type === "broken"
        ? `bwrap cannot create a sandbox here: ${probe.message}`
        : undefined;
const title = skipReason
  ? `the network allowlist in bubblewrap (skipped: ${skipReason})`
  : "the network allowlist in bubblewrap";
const hasCurl = findOnPath(["curl"], process.env) !== undefined;

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(`${req.headers.host ?? ""} ${req.url ?? ""}`);
    res.end(`allowed host says hi to ${req.url}\n`);
  });
  // 127.0.0.2 is the host's loopback too, but not a name NO_PROXY sends past the proxy.
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let base: string;
let executor: Executor;

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "cairn-net-sandbox-")));
  await mkdir(join(base, "ws"));
  await mkdir(join(base, "temp"));
  hits.length = 0;
});

afterEach(async () => {
  await executor.dispose();
  await rm(base, { recursive: true, force: true });
});

function useExecutor(allowedDomains: string[], deniedDomains: string[] = []): Executor {
  if (probe.type !== "ready") throw new Error("bwrap is not usable");
  const access = networkAccess({ allowedDomains, deniedDomains });
  executor = createExecutor({
    mode: "bwrap",
    bwrapPath: probe.path,
    network: access.type === "all" ? "all" : "none",
    ...(access.type === "filtered" ? { allowlist: access.allowlist } : {}),
    home: undefined,
    hide: [],
  });
  return executor;
}

function request(script: string): ExecRequest {
  return {
    argv: ["/bin/bash", "-c", script],
    cwd: join(base, "ws"),
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: base },
    roots: [join(base, "ws")],
    tempDir: join(base, "temp"),
  };
}

type Ready = Extract<Prepared, { type: "ready" }>;

async function prepare(script: string): Promise<Ready> {
  const prepared = await executor.prepare(request(script));
  if (prepared.type !== "ready") throw new Error(prepared.message);
  return prepared;
}

/** Runs a script as the Bash tool does (its own process group); output, exit code, the note. */
async function run(
  script: string,
): Promise<{ output: string; code: number | null; note?: string }> {
  const prepared = await prepare(script);
  const child = spawn(prepared.program, prepared.args, {
    cwd: join(base, "ws"),
    env: prepared.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (output += chunk));
  }
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  await prepared.release();
  const note = prepared.explain(output, code);
  return { output, code, ...(note !== undefined ? { note } : {}) };
}

/** A node client that speaks to the proxy HTTP_PROXY names by hand: works without curl. */
function nodeGet(url: string): string {
  const code = [
    "const net = require('node:net');",
    "const proxy = new URL(process.env.HTTP_PROXY);",
    "const s = net.connect(Number(proxy.port), proxy.hostname);",
    "let out = '';",
    "s.on('data', (d) => (out += d));",
    "s.on('error', (e) => { console.log('error', e.code); process.exit(7); });",
    "s.on('close', () => { console.log(out.split('\\r\\n')[0]); console.log(out.split('\\r\\n\\r\\n')[1] ?? ''); });",
    `s.write('GET ${url} HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n');`,
  ].join(" ");
  return `"${process.execPath}" -e "${code}"`;
}

/** Host pids of running forwarders whose socket is in `socketDir`. */
async function forwarders(socketDir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = (await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "")).split("\0");
    // The forwarder itself, not the bwrap processes whose arguments mention it.
    if (argv[0] !== process.execPath || argv[1] !== "-e" || !argv[3]?.startsWith(socketDir)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") found.push(Number(entry));
  }
  return found;
}

async function until(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await delay(20);
  }
  return check();
}

describe.skipIf(skipReason !== undefined)(title, () => {
  it("reaches an allowed host through the proxy, from the very first command", async () => {
    useExecutor(["127.0.0.2"]);
    const socket = join(base, "temp", "network", "proxy.sock");
    expect(await lstat(socket).catch(() => undefined)).toBeUndefined();
    const result = await run(nodeGet(`http://127.0.0.2:${port}/first`));
    expect(result.output).toBe(`HTTP/1.1 200 OK\nallowed host says hi to /first\n\n`);
    expect(result.code).toBe(0);
    expect(hits).toEqual([`127.0.0.2:${port} /first`]);
    expect((await lstat(socket)).isSocket()).toBe(true);
  });

  it("gives the command the proxy variables, and localhost stays its own", async () => {
    useExecutor(["127.0.0.2"]);
    const result = await run('echo "$HTTPS_PROXY $http_proxy $ALL_PROXY $NO_PROXY"');
    const proxy = `http://127.0.0.1:${forwarderPort}`;
    expect(result.output).toBe(`${proxy} ${proxy} ${proxy} localhost,127.0.0.1,::1\n`);
  });

  it("refuses a host that is not allowed, and the note names it and the setting", async () => {
    useExecutor(["127.0.0.2"]);
    const result = await run(`${nodeGet(`http://127.0.0.3:${port}/x`)}; exit 22`);
    expect(result.output).toContain("HTTP/1.1 403 Blocked by cairn sandbox");
    expect(result.output).toContain("127.0.0.3 is not in sandbox.network.allowedDomains");
    expect(result.note).toContain("cairn's network proxy refused 127.0.0.3");
    expect(result.note).toContain("sandbox.network.allowedDomains");
    expect(hits).toEqual([]);
  });

  it("cannot connect directly, past the proxy", async () => {
    useExecutor(["127.0.0.2"]);
    const result = await run(`exec 3<>/dev/tcp/127.0.0.2/${port} && echo connected`);
    expect(result.output).not.toContain("connected");
    expect(result.output).toContain("Connection refused");
    expect(result.note).toContain("only through cairn's proxy");
    expect(hits).toEqual([]);
  });

  it("keeps the proxy's socket folder read-only inside", async () => {
    useExecutor(["127.0.0.2"]);
    const folder = join(base, "temp", "network");
    const result = await run(
      `rm -f ${folder}/proxy.sock; touch ${folder}/planted; mv ${folder} ${folder}-moved; ls ${folder}`,
    );
    expect(result.output).toContain("Read-only file system");
    expect(result.output).toContain("proxy.sock");
    expect((await lstat(join(folder, "proxy.sock"))).isSocket()).toBe(true);
    expect(await lstat(join(folder, "planted")).catch(() => undefined)).toBeUndefined();
  });

  it("has no network and no proxy without allowed domains", async () => {
    useExecutor([]);
    const result = await run(`echo "[$HTTP_PROXY]"; exec 3<>/dev/tcp/127.0.0.2/${port}`);
    expect(result.output).toContain("[]");
    expect(result.output).toContain("Connection refused");
    expect(result.note).toContain("no network access");
    expect(await lstat(join(base, "temp", "network")).catch(() => undefined)).toBeUndefined();
  });

  it("stops the forwarder with the command, background ones included", async () => {
    useExecutor(["127.0.0.2"]);
    const socketDir = join(base, "temp", "network");
    await run("true");
    expect(await until(async () => (await forwarders(socketDir)).length === 0)).toBe(true);
    // A long-running command (as a background job is): the forwarder lives while it does.
    const prepared = await prepare(`${nodeGet(`http://127.0.0.2:${port}/bg`)}; sleep 30`);
    const child = spawn(prepared.program, prepared.args, {
      cwd: join(base, "ws"),
      env: prepared.env,
      detached: true,
      stdio: "ignore",
    });
    expect(await until(() => Promise.resolve(hits.includes(`127.0.0.2:${port} /bg`)))).toBe(true);
    expect((await forwarders(socketDir)).length).toBe(1);
    process.kill(-(child.pid ?? 0), "SIGKILL");
    await prepared.release();
    expect(await until(async () => (await forwarders(socketDir)).length === 0)).toBe(true);
  });

  it("closes the proxy on dispose and then refuses commands that would need it", async () => {
    useExecutor(["127.0.0.2"]);
    await run("true");
    await executor.dispose();
    expect(await lstat(join(base, "temp", "network", "proxy.sock")).catch(() => undefined)).toBe(
      undefined,
    );
    const refused = await executor.prepare(request("true"));
    expect(refused).toMatchObject({ type: "refused" });
  });

  describe.skipIf(!hasCurl)("with curl", () => {
    it("fetches an allowed host over plain HTTP and through a CONNECT tunnel", async () => {
      useExecutor(["127.0.0.2"]);
      const url = `http://127.0.0.2:${port}`;
      const result = await run(`curl -sS ${url}/plain && curl -sS -p ${url}/tunnel`);
      expect(result.output).toBe(
        "allowed host says hi to /plain\nallowed host says hi to /tunnel\n",
      );
    });

    it("is refused a host not allowed or denied, and cannot skip the proxy", async () => {
      useExecutor(["*"], ["127.0.0.3"]);
      const tunnel = await run(`curl -sS -p http://127.0.0.3:${port}/`);
      expect(tunnel.output).toContain("CONNECT tunnel failed, response 403");
      expect(tunnel.note).toContain("refused 127.0.0.3");
      const direct = await run(`curl -sS --noproxy '*' http://127.0.0.2:${port}/direct`);
      expect(direct.code).not.toBe(0);
      expect(direct.note).toContain("only through cairn's proxy");
      expect(hits).toEqual([]);
    });
  });
});
