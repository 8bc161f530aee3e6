// The one-shot loopback HTTP server an OAuth login's browser is redirected back to
// (`http://127.0.0.1:<port>/callback?code=…&state=…`). It answers one matching callback, then
// closes. Choosing the port and starting the login is the provider's business.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export const callbackPath = "/callback";

export function redirectUrlFor(port: number): string {
  return `http://127.0.0.1:${port}${callbackPath}`;
}

export interface CallbackServer {
  port: number;
  /** The code of the first callback whose `state` matches; rejects on an `error` callback. */
  code: Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`port` for the redirect carrying `state`. A request with another state
 * (a stale tab, another program) is answered 400 and does not end the wait.
 */
export async function startCallbackServer(
  port: number,
  state: string,
  signal?: AbortSignal,
): Promise<CallbackServer> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may be awaiting yet; the rejection is still delivered to whoever awaits later.
  code.catch(() => undefined);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method !== "GET" || url.pathname !== callbackPath) {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    if (url.searchParams.get("state") !== state) {
      response
        .writeHead(400, { "content-type": "text/plain" })
        .end("This login link does not belong to the login cairn is waiting for.\n");
      return;
    }
    const error = url.searchParams.get("error");
    const received = url.searchParams.get("code");
    if (error !== null || received === null) {
      const description = url.searchParams.get("error_description");
      response
        .writeHead(400, { "content-type": "text/plain" })
        .end("Authorization failed. You can close this window.\n");
      settle?.reject(
        new Error(
          `the authorization server refused: ${error ?? "no code in the redirect"}${description ? ` (${description})` : ""}`,
        ),
      );
    } else {
      response
        .writeHead(200, { "content-type": "text/plain", connection: "close" })
        .end("Authorized. You can close this window and return to cairn.\n");
      settle?.resolve(received);
    }
    void close();
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `port ${port} on 127.0.0.1 is in use, so the login's redirect cannot be received; free it, or set oauth.callbackPort in the server's entry`,
            )
          : error,
      );
    });
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const onAbort = (): void => {
    settle?.reject(new Error("the login was cancelled"));
    void close();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  const detach = (): void => signal?.removeEventListener("abort", onAbort);
  void code.then(detach, detach);
  return { port: (server.address() as AddressInfo).port, code, close };
}

/** A port free on 127.0.0.1 right now, for a redirect URI that must be fixed before the login. */
export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
