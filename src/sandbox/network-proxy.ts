// cairn's filtering HTTP proxy: the one way out of a sandbox whose network is off, running in
// cairn's own process for the session. It tunnels `CONNECT host:port` (HTTPS, and any TCP) and
// forwards absolute-URI `http://` requests, to the hosts the allowlist allows only; others get a
// 403 saying which setting to change. Names are resolved here, on the host: the sandbox has no DNS.
// Not the judging itself (domain-allowlist.ts), nor what runs inside the sandbox (forwarder.ts).

import { mkdir, rm } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { connect, type Socket } from "node:net";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { canonicalHost } from "../core/domains.ts";
import { judgeHost, type DomainAllowlist, type HostVerdict } from "./domain-allowlist.ts";

export type ProxyListen =
  /** Linux: a socket file, bound into the sandbox; its folder is created private (0700). */
  | { type: "unix"; path: string }
  /** macOS: 127.0.0.1 on a free port, the one address the Seatbelt profile lets commands reach. */
  | { type: "tcp" };

export type ProxyAddress = { type: "unix"; path: string } | { type: "tcp"; port: number };

export interface NetworkProxyOptions {
  allowlist: DomainAllowlist;
  listen: ProxyListen;
  /** How long dialling an allowed host may take before the client gets a 504. */
  connectTimeoutMs?: number;
}

export interface NetworkProxy {
  readonly address: ProxyAddress;
  /** How many requests were refused so far: a mark for refusedSince. */
  refusals(): number;
  /** The distinct hosts refused after `mark` (of the last 100 refusals), oldest first. */
  refusedSince(mark: number): string[];
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
}

/** The reason phrase of a refusal: clients that print the status line show it. */
export const refusalReason = "Blocked by cairn sandbox";

/** Linux's limit for a socket path (sun_path is 108 bytes with the terminating zero). */
const maxSocketPath = 107;

/** Hop-by-hop headers: they describe one connection, so they are not passed along. */
const hopByHop = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "upgrade",
  // The client was already answered `100 Continue` by this server.
  "expect",
]);

export async function startNetworkProxy(options: NetworkProxyOptions): Promise<NetworkProxy> {
  const { allowlist, listen } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const open = new Set<Duplex>();
  const refused: Array<{ seq: number; host: string }> = [];
  let refusalCount = 0;

  const track = (socket: Duplex): void => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  };

  const judge = (host: string): HostVerdict => {
    const verdict = judgeHost(allowlist, host);
    if (verdict.type === "denied") {
      refused.push({ seq: ++refusalCount, host });
      if (refused.length > 100) refused.shift();
    }
    return verdict;
  };

  const server = createServer({ requireHostHeader: false });
  server.on("connection", track);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    forwardPlain(req, res, judge);
  });
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    tunnel(req, client, head, { judge, track, connectTimeoutMs });
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(
      rawResponse(400, "Bad Request", `${proxyName}: malformed request (${error.message}).\n`),
    );
    socket.destroy();
  });

  if (listen.type === "unix") {
    if (Buffer.byteLength(listen.path) > maxSocketPath) {
      throw new Error(
        `its socket path ${listen.path} is longer than ${maxSocketPath} bytes; set TMPDIR to a shorter folder`,
      );
    }
    await mkdir(dirname(listen.path), { recursive: true, mode: 0o700 });
    // A socket left by an earlier run of this session folder would make listen fail.
    await rm(listen.path, { force: true });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const ready = (): void => {
      server.off("error", reject);
      resolve();
    };
    if (listen.type === "unix") server.listen(listen.path, ready);
    else server.listen(0, "127.0.0.1", ready);
  });
  // The proxy must never be what keeps cairn running.
  server.unref();

  const bound = server.address();
  const address: ProxyAddress =
    listen.type === "unix"
      ? { type: "unix", path: listen.path }
      : { type: "tcp", port: typeof bound === "object" && bound !== null ? bound.port : 0 };

  return {
    address,
    refusals: () => refusalCount,
    refusedSince(mark) {
      const hosts = refused.filter((entry) => entry.seq > mark).map((entry) => entry.host);
      return [...new Set(hosts)];
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
      if (listen.type === "unix") await rm(listen.path, { force: true });
    },
  };
}

const proxyName = "cairn's sandbox network proxy";

type Judge = (host: string) => HostVerdict;

/** `GET http://host:port/path`: judged by the URL's host, forwarded with Host set to it. */
function forwardPlain(req: IncomingMessage, res: ServerResponse, judge: Judge): void {
  const target = absoluteHttpUrl(req.url ?? "");
  if (target === undefined) {
    res.writeHead(400, "Bad Request", { "content-type": "text/plain; charset=utf-8" });
    res.end(
      `${proxyName}: expected an absolute http:// URL (use CONNECT host:port for https and other TCP), got ${JSON.stringify(req.url)}.\n`,
    );
    return;
  }
  const verdict = judge(target.host);
  if (verdict.type === "denied") {
    res.writeHead(403, refusalReason, {
      "content-type": "text/plain; charset=utf-8",
      "x-cairn-sandbox": "blocked",
    });
    res.end(refusalBody(verdict));
    return;
  }
  const headers = ["Host", target.url.host, ...endToEnd(req.rawHeaders, ["host"])];
  const upstream = httpRequest({
    host: dialHost(target.host),
    port: target.url.port === "" ? 80 : Number(target.url.port),
    method: req.method,
    path: `${target.url.pathname}${target.url.search}`,
    headers,
    setHost: false,
    agent: false,
  });
  upstream.on("response", (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
    answer.pipe(res);
    answer.on("error", () => res.destroy());
  });
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const { status, reason, message } = dialFailure(error, target.host, target.url.port || "80");
    res.writeHead(status, reason, { "content-type": "text/plain; charset=utf-8" });
    res.end(message);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

interface TunnelContext {
  judge: Judge;
  track: (socket: Duplex) => void;
  connectTimeoutMs: number;
}

/** `CONNECT host:port`: judged by the host, then bytes both ways until either side is done. */
function tunnel(req: IncomingMessage, client: Duplex, head: Buffer, ctx: TunnelContext): void {
  client.on("error", () => client.destroy());
  const authority = parseAuthority(req.url ?? "");
  if (authority === undefined) {
    client.end(
      rawResponse(
        400,
        "Bad Request",
        `${proxyName}: CONNECT needs host:port, got ${JSON.stringify(req.url)}.\n`,
      ),
    );
    return;
  }
  const verdict = ctx.judge(authority.host);
  if (verdict.type === "denied") {
    client.end(rawResponse(403, refusalReason, refusalBody(verdict)));
    return;
  }
  const upstream: Socket = connect({
    host: dialHost(authority.host),
    port: authority.port,
    allowHalfOpen: true,
  });
  ctx.track(upstream);
  let established = false;
  upstream.setTimeout(ctx.connectTimeoutMs, () => {
    upstream.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" }));
  });
  upstream.once("connect", () => {
    established = true;
    upstream.setTimeout(0);
    client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (established || !client.writable) {
      client.destroy();
      return;
    }
    const { status, reason, message } = dialFailure(error, authority.host, String(authority.port));
    client.end(rawResponse(status, reason, message));
  });
  client.on("close", () => upstream.destroy());
}

function refusalBody(verdict: Extract<HostVerdict, { type: "denied" }>): string {
  const why =
    verdict.reason === "denied-domain"
      ? `${verdict.host} is in sandbox.network.deniedDomains, which wins over allowedDomains`
      : `${verdict.host} is not in sandbox.network.allowedDomains`;
  return (
    `${proxyName} blocked this connection: ${why}. Commands in the sandbox reach only the hosts ` +
    `that setting allows; if this one is needed, the user can add ${JSON.stringify(verdict.host)} ` +
    "to sandbox.network.allowedDomains in their cairn settings.\n"
  );
}

function dialFailure(
  error: NodeJS.ErrnoException,
  host: string,
  port: string,
): { status: number; reason: string; message: string } {
  switch (error.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_FAIL":
      return {
        status: 502,
        reason: "Bad Gateway",
        message: `${proxyName}: could not resolve ${host}.\n`,
      };
    case "ETIMEDOUT":
      return {
        status: 504,
        reason: "Gateway Timeout",
        message: `${proxyName}: connecting to ${host}:${port} timed out.\n`,
      };
    default:
      return {
        status: 502,
        reason: "Bad Gateway",
        message: `${proxyName}: could not connect to ${host}:${port}: ${error.code ?? error.message}.\n`,
      };
  }
}

/** A whole response written on a raw socket (CONNECT answers and parse errors). */
function rawResponse(status: number, reason: string, body: string): string {
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    "Content-Type: text/plain; charset=utf-8\r\n" +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    "Connection: close\r\n\r\n" +
    body
  );
}

/** `host:port` of a CONNECT, the host canonical; `[v6]:port` too. */
export function parseAuthority(text: string): { host: string; port: number } | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[2]);
  const host = canonicalHost(match[1] ?? "");
  if (host === undefined || port < 1 || port > 65535) return undefined;
  return { host, port };
}

function absoluteHttpUrl(text: string): { url: URL; host: string } | undefined {
  if (!/^http:\/\//i.test(text)) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const host = canonicalHost(url.hostname);
  return host === undefined ? undefined : { url, host };
}

/** What to dial for a canonical host: IPv6 without its brackets. */
function dialHost(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/** Raw headers (name, value, name, value…) without hop-by-hop ones and those `Connection` names. */
function endToEnd(raw: readonly string[], drop: readonly string[] = []): string[] {
  const named = new Set([...hopByHop, ...drop]);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === "connection") {
      for (const token of (raw[i + 1] ?? "").split(",")) named.add(token.trim().toLowerCase());
    }
  }
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    if (!named.has(name.toLowerCase())) kept.push(name, raw[i + 1] ?? "");
  }
  return kept;
}
