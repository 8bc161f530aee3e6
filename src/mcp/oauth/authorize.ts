// Finishing a browser login inside a connection: when the SDK's transport answers a request
// with `UnauthorizedError` after sending the person to the authorization page, wait for the
// redirect's code, hand it to the transport (`finishAuth`), and try again. Bounded, so a server
// that keeps refusing ends in an error rather than a loop.

import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CairnOAuthProvider } from "./provider.ts";

/** The SDK's HTTP transports (Streamable HTTP and legacy SSE) both have this. */
export interface AuthorizingTransport extends Transport {
  finishAuth(authorizationCode: string): Promise<void>;
}

const defaultAttempts = 3;

/** True when `error` is the SDK's "go and log in" and this provider has a login under way. */
function loginUnderWay(error: unknown, provider: CairnOAuthProvider): boolean {
  return error instanceof UnauthorizedError && provider.awaitingAuthorization;
}

/**
 * Connects `client` over a transport from `makeTransport`, completing a browser login when the
 * server asks for one. Each attempt gets a fresh transport: a transport whose start failed
 * cannot be started again. Returns the connected transport.
 */
export async function connectWithLogin<T extends AuthorizingTransport>(
  client: Client,
  makeTransport: () => T | Promise<T>,
  provider: CairnOAuthProvider,
  attempts = defaultAttempts,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const transport = await makeTransport();
    try {
      await client.connect(transport);
      return transport;
    } catch (error) {
      if (attempt >= attempts || !loginUnderWay(error, provider)) throw error;
      await transport.finishAuth(await provider.waitForAuthorizationCode());
      await transport.close();
    }
  }
}

/**
 * Runs `operation` on a connected transport; when a request needs a new login (a token that
 * cannot be refreshed, a step-up to more scopes), completes it and runs the operation again.
 */
export async function retryAfterLogin<T>(
  transport: AuthorizingTransport,
  provider: CairnOAuthProvider,
  operation: () => Promise<T>,
  attempts = defaultAttempts,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !loginUnderWay(error, provider)) throw error;
      await transport.finishAuth(await provider.waitForAuthorizationCode());
    }
  }
}
