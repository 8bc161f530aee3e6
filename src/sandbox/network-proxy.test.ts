// cairn's filtering proxy on its own, over real sockets: a TCP echo server and an HTTP server on
// 127.0.0.1 stand in for the allowed hosts (so the tests allow localhost and 127.0.0.1 by name).

import { lstat, mkdtemp, realpath, rm } from "node:fs/promises";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from "node:http";
import { connect, createServer, type Server as NetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseDomainPattern } from "../core/domains.ts";
import type { DomainAllowlist } from "./domain-allowlist.ts";
import { parseAuthority, startNetworkProxy, type NetworkProxy } from "./network-proxy.ts";

function allowlist(allow: string[], deny: string[] = []): DomainAllowlist {
  const parse = (entry: string) => {
    const pattern = parseDomainPattern(entry);
    if (!pattern) throw new Error(`bad test pattern ${entry}`);
    return pattern;
  };
  return { allow: allow.map(parse), deny: deny.map(parse) };
}

let echo: NetServer;
let echoPort: number;
let web: Server;
let webPort: number;
let seen: Array<{ url: string | undefined; headers: IncomingHttpHeaders; body: string }>;

function portOf(server: NetServer | Server): number {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

beforeAll(async () => {
  echo = createServer({ allowHalfOpen: true }, (socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoPort = portOf(echo);
  web = createHttpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ url: req.url, headers: req.headers, body });
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.end(`hello from ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
  webPort = portOf(web);
});

afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
  web.closeAllConnections();
  await new Promise<void>((resolve) => web.close(() => resolve()));
});

let dir: string;
let proxy: NetworkProxy | undefined;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), "cairn-proxy-")));
  seen = [];
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(list: DomainAllowlist): Promise<NetworkProxy> {
  proxy = await startNetworkProxy({
    allowlist: list,
    listen: { type: "unix", path: join(dir, "network", "proxy.sock") },
  });
  return proxy;
}

/** A connection to the proxy that collects what comes back. */
interface Client {
  socket: Socket;
  received: () => string;
  /** Resolves once the received text satisfies `test`. */
  until: (test: (text: string) => boolean) => Promise<string>;
  closed: Promise<void>;
}

async function open(target: NetworkProxy): Promise<Client> {
  const { address } = target;
  const socket =
    address.type === "unix" ? connect(address.path) : connect(address.port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let text = "";
  const waiters: Array<() => void> = [];
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    text += chunk;
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    socket,
    received: () => text,
    async until(test) {
      const deadline = Date.now() + 5000;
      while (!test(text)) {
        if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(text)}`);
        await Promise.race([
          new Promise<void>((resolve) => waiters.push(resolve)),
          closed,
          new Promise<void>((resolve) => setTimeout(resolve, 50)),
        ]);
      }
      return text;
    },
    closed,
  };
}

/** Sends `request` and returns everything until the proxy closes the connection. */
async function exchange(target: NetworkProxy, request: string): Promise<string> {
  const client = await open(target);
  client.socket.write(request);
  await client.closed;
  return client.received();
}

describe("the sandbox's network proxy", () => {
  it("tunnels CONNECT to an allowed host, bytes both ways", async () => {
    const target = await start(allowlist(["127.0.0.1"]));
    const client = await open(target);
    client.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await client.until((text) => text.includes("\r\n\r\n"));
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 /);
    client.socket.write("ping through the tunnel");
    const text = await client.until((t) => t.endsWith("ping through the tunnel"));
    expect(text.split("\r\n\r\n")[1]).toBe("ping through the tunnel");
    // Half-close: the echo server sees the end, echoes nothing more, and the tunnel closes.
    client.socket.end();
    await client.closed;
    expect(target.refusals()).toBe(0);
  });

  it("passes bytes sent right after the CONNECT head along", async () => {
    const target = await start(allowlist(["localhost"]));
    const client = await open(target);
    client.socket.write(`CONNECT localhost:${echoPort} HTTP/1.1\r\n\r\nearly bytes`);
    const text = await client.until((t) => t.endsWith("early bytes"));
    expect(text).toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\nearly bytes$/);
    client.socket.destroy();
  });

  it("answers 403 to a host not allowed, naming the setting, and closes", async () => {
    const target = await start(allowlist(["localhost"]));
    const answer = await exchange(target, "CONNECT example.com:443 HTTP/1.1\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 403 Blocked by cairn sandbox\r\n/);
    expect(answer).toContain("example.com is not in sandbox.network.allowedDomains");
    expect(answer).toContain('add "example.com" to sandbox.network.allowedDomains');
    expect(target.refusals()).toBe(1);
    expect(target.refusedSince(0)).toEqual(["example.com"]);
    expect(target.refusedSince(1)).toEqual([]);
  });

  it("lets the deny list win over the allow list", async () => {
    const target = await start(allowlist(["*"], ["localhost", "*.example.com"]));
    const denied = await exchange(target, `CONNECT localhost:${echoPort} HTTP/1.1\r\n\r\n`);
    expect(denied).toMatch(/^HTTP\/1\.1 403 /);
    expect(denied).toContain("localhost is in sandbox.network.deniedDomains");
    const sub = await exchange(target, "CONNECT api.example.com:443 HTTP/1.1\r\n\r\n");
    expect(sub).toMatch(/^HTTP\/1\.1 403 /);
    // Another name for the same machine is another host: `*` lets it through.
    const client = await open(target);
    client.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\n`);
    expect(await client.until((t) => t.includes("\r\n\r\n"))).toMatch(/^HTTP\/1\.1 200 /);
    client.socket.destroy();
  });

  it("judges another notation of an IP address as the address itself", async () => {
    const target = await start(allowlist(["localhost"]));
    for (const host of ["127.0.0.1", "2130706433", "0x7f.0.0.1", "127.1", "[::1]"]) {
      const answer = await exchange(target, `CONNECT ${host}:${echoPort} HTTP/1.1\r\n\r\n`);
      expect(answer, host).toMatch(/^HTTP\/1\.1 403 /);
    }
    expect(target.refusedSince(0)).toEqual(["127.0.0.1", "[::1]"]);
    await target.close();
    // Allowed by its usual form, a decimal spelling is dialled as that same address.
    const allowed = await start(allowlist(["127.0.0.1"]));
    const client = await open(allowed);
    client.socket.write(`CONNECT 2130706433:${echoPort} HTTP/1.1\r\n\r\n`);
    expect(await client.until((t) => t.includes("\r\n\r\n"))).toMatch(/^HTTP\/1\.1 200 /);
    client.socket.destroy();
  });

  it("forwards plain HTTP to an allowed host, with Host from the URL and no proxy headers", async () => {
    const target = await start(allowlist(["127.0.0.1"]));
    const client = await open(target);
    client.socket.write(
      `POST http://127.0.0.1:${webPort}/path?q=1 HTTP/1.1\r\n` +
        "Host: evil.example\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: x\r\n" +
        "Content-Length: 5\r\nX-Mine: kept\r\n\r\nhello",
    );
    const text = await client.until((t) => t.endsWith(`hello from /path?q=1`));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.match(/set-cookie: [ab]=\d/gi)).toHaveLength(2);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe("/path?q=1");
    expect(seen[0]?.body).toBe("hello");
    expect(seen[0]?.headers.host).toBe(`127.0.0.1:${webPort}`);
    expect(seen[0]?.headers["x-mine"]).toBe("kept");
    expect(seen[0]?.headers["proxy-connection"]).toBeUndefined();
    expect(seen[0]?.headers["proxy-authorization"]).toBeUndefined();
    // The connection stays open for another request, judged on its own.
    client.socket.write("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
    const after = await client.until((t) => t.includes("403 Blocked by cairn sandbox"));
    expect(after).toContain("example.com is not in sandbox.network.allowedDomains");
    expect(seen).toHaveLength(1);
    client.socket.destroy();
  });

  it("answers 400 to a malformed request and closes the connection", async () => {
    const target = await start(allowlist(["localhost"]));
    const garbage = await exchange(target, "THIS IS NOT HTTP\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toContain("malformed request");
    const noPort = await exchange(target, "CONNECT localhost HTTP/1.1\r\n\r\n");
    expect(noPort).toMatch(/^HTTP\/1\.1 400 /);
    const relative = await open(target);
    relative.socket.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(await relative.until((t) => t.includes("absolute http:// URL"))).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    relative.socket.destroy();
  });

  it("answers 502 when an allowed host cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = portOf(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const target = await start(allowlist(["127.0.0.1", "nonexistent.invalid"]));
    const refused = await exchange(target, `CONNECT 127.0.0.1:${port} HTTP/1.1\r\n\r\n`);
    expect(refused).toMatch(/^HTTP\/1\.1 502 /);
    expect(refused).toContain("ECONNREFUSED");
    const unknown = await exchange(target, "CONNECT nonexistent.invalid:443 HTTP/1.1\r\n\r\n");
    expect(unknown).toMatch(/^HTTP\/1\.1 502 /);
    expect(unknown).toContain("could not resolve nonexistent.invalid");
  });

  it("cuts open tunnels and removes its socket when closed", async () => {
    const target = await start(allowlist(["127.0.0.1"]));
    const client = await open(target);
    client.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\n`);
    await client.until((t) => t.includes("\r\n\r\n"));
    const info = await lstat(join(dir, "network", "proxy.sock"));
    expect(info.isSocket()).toBe(true);
    expect((await lstat(join(dir, "network"))).mode & 0o777).toBe(0o700);
    await target.close();
    proxy = undefined;
    await client.closed;
    expect(await lstat(join(dir, "network", "proxy.sock")).catch(() => undefined)).toBeUndefined();
  });

  it("listens on 127.0.0.1 when asked for TCP (the macOS variant)", async () => {
    proxy = await startNetworkProxy({
      allowlist: allowlist(["127.0.0.1"]),
      listen: { type: "tcp" },
    });
    expect(proxy.address.type).toBe("tcp");
    const client = await open(proxy);
    client.socket.write(`CONNECT 127.0.0.1:${echoPort} HTTP/1.1\r\n\r\n`);
    await client.until((t) => t.includes("\r\n\r\n"));
    client.socket.write("tcp");
    await client.until((t) => t.endsWith("tcp"));
    client.socket.destroy();
  });

  it("refuses a socket path too long for a Unix socket, saying what to do", async () => {
    const path = join(dir, "x".repeat(120), "proxy.sock");
    await expect(
      startNetworkProxy({ allowlist: allowlist(["a.com"]), listen: { type: "unix", path } }),
    ).rejects.toThrow(/longer than 107 bytes; set TMPDIR/);
  });
});

describe("parseAuthority", () => {
  it("reads host:port and [v6]:port, canonical, and nothing else", () => {
    expect(parseAuthority("GitHub.COM.:443")).toEqual({ host: "github.com", port: 443 });
    expect(parseAuthority("[::1]:80")).toEqual({ host: "[::1]", port: 80 });
    expect(parseAuthority("bücher.de:443")).toEqual({ host: "xn--bcher-kva.de", port: 443 });
    for (const bad of [
      "a.com",
      "a.com:0",
      "a.com:65536",
      "a.com:x",
      "a@b.com:80",
      ":80",
      "a b:1",
    ]) {
      expect(parseAuthority(bad), bad).toBeUndefined();
    }
  });
});
