// OAuth for remote MCP servers against a local authorization server: discovery, dynamic
// registration, PKCE, the loopback callback with its state check, the user-only token file,
// refresh on expiry, pre-registered clients, and what a session without a login does.

import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { startCallbackServer } from "./callback-server.ts";
import {
  connectWithLogin,
  createOAuthProvider,
  oauthStoreFile,
  type CairnOAuthProvider,
  type LoginOptions,
} from "./index.ts";
import { startAuthorizationServer, type AuthorizationServer } from "./test-authorization-server.ts";

const servers: AuthorizationServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function authorizationServer(
  options: Parameters<typeof startAuthorizationServer>[0] = {},
): Promise<AuthorizationServer> {
  const server = await startAuthorizationServer(options);
  servers.push(server);
  return server;
}

/** A person who approves at once: follows the authorization page's redirect to the callback. */
function headlessLogin(opened: URL[]): LoginOptions {
  return {
    print: () => undefined,
    open: async (url) => {
      opened.push(url);
      const approval = await fetch(url, { redirect: "manual" });
      const location = approval.headers.get("location");
      if (location === null) throw new Error(`no redirect: ${approval.status}`);
      await fetch(location);
      return true;
    },
  };
}

async function connect(url: string, provider: CairnOAuthProvider): Promise<Client> {
  const client = new Client({ name: "test", version: "1.0.0" });
  clients.push(client);
  await connectWithLogin(
    client,
    () => new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }),
    provider,
  );
  return client;
}

async function whoami(client: Client): Promise<string> {
  const result = await client.callTool({ name: "whoami", arguments: {} });
  return (result.content as Array<{ text: string }>)[0]?.text ?? "";
}

describe("mcp oauth", () => {
  it("logs in with discovery, dynamic registration and PKCE, and keeps tokens in a 0600 file", async () => {
    const as = await authorizationServer();
    const home = join(await mkdtemp(join(tmpdir(), "cairn-oauth-")), ".cairn");
    const opened: URL[] = [];
    const provider = await createOAuthProvider("docs", as.mcpUrl, {
      cairnHome: home,
      login: headlessLogin(opened),
    });
    const client = await connect(as.mcpUrl, provider);
    expect(await whoami(client)).toBe("an authorized client");

    expect(as.recorded.registrations).toHaveLength(1);
    const redirect = (as.recorded.registrations[0]?.redirect_uris as string[])[0] ?? "";
    expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const authorization = as.recorded.authorizations[0];
    expect(authorization?.get("code_challenge_method")).toBe("S256");
    expect(authorization?.get("state")?.length).toBeGreaterThanOrEqual(32);
    expect(authorization?.get("resource")).toBe(as.mcpUrl);
    expect(opened).toHaveLength(1);
    expect(as.recorded.grants.map((grant) => grant.grant_type)).toEqual(["authorization_code"]);

    const file = oauthStoreFile(home);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const stored = JSON.parse(await readFile(file, "utf8")) as {
      servers: Record<
        string,
        { tokens: { access_token: string }; clientInformation: { client_id: string } }
      >;
    };
    const entry = stored.servers[`docs|${as.mcpUrl}`];
    expect(entry?.tokens.access_token).toBe(as.recorded.accepted[0]);
    expect(entry?.clientInformation.client_id).toBe("client-1");
  });

  it("refreshes an expired access token without a new login", async () => {
    const as = await authorizationServer({ accessTokenSeconds: 1 });
    const home = await mkdtemp(join(tmpdir(), "cairn-oauth-"));
    const first = await createOAuthProvider("docs", as.mcpUrl, {
      cairnHome: home,
      login: headlessLogin([]),
    });
    await whoami(await connect(as.mcpUrl, first));
    const before = (await first.tokens())?.access_token;
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    // A later session: no one to log in, only the stored tokens.
    const session = await createOAuthProvider("docs", as.mcpUrl, { cairnHome: home });
    const client = await connect(as.mcpUrl, session);
    expect(await whoami(client)).toBe("an authorized client");
    expect(session.needsLogin).toBe(false);
    expect(as.recorded.grants.map((grant) => grant.grant_type)).toEqual([
      "authorization_code",
      "refresh_token",
    ]);
    const after = (await session.tokens())?.access_token;
    expect(after).not.toBe(before);
    expect(as.recorded.accepted.at(-1)).toBe(after);
    expect(as.recorded.registrations).toHaveLength(1);
  });

  it("does not open a browser in a session: the server is marked as needing a login", async () => {
    const as = await authorizationServer();
    const home = await mkdtemp(join(tmpdir(), "cairn-oauth-"));
    const provider = await createOAuthProvider("docs", as.mcpUrl, { cairnHome: home });
    const client = new Client({ name: "test", version: "1.0.0" });
    const error = await client
      .connect(new StreamableHTTPClientTransport(new URL(as.mcpUrl), { authProvider: provider }))
      .then(
        () => undefined,
        (cause: unknown) => cause,
      );
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(provider.needsLogin).toBe(true);
    expect(provider.awaitingAuthorization).toBe(false);
    expect(as.recorded.grants).toHaveLength(0);
  });

  it("uses a pre-registered client instead of registering", async () => {
    const as = await authorizationServer({
      registration: false,
      preRegistered: { clientId: "cairn-app", clientSecret: "s3cret" },
    });
    const home = await mkdtemp(join(tmpdir(), "cairn-oauth-"));
    const provider = await createOAuthProvider("docs", as.mcpUrl, {
      cairnHome: home,
      config: { clientId: "cairn-app", clientSecret: "s3cret" },
      login: headlessLogin([]),
    });
    expect(await whoami(await connect(as.mcpUrl, provider))).toBe("an authorized client");
    expect(as.recorded.registrations).toHaveLength(0);
    expect(as.recorded.grants).toEqual([
      { grant_type: "authorization_code", client_id: "cairn-app" },
    ]);
  });

  it("redirects to the configured callback port", async () => {
    const as = await authorizationServer();
    const home = await mkdtemp(join(tmpdir(), "cairn-oauth-"));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const provider = await createOAuthProvider("docs", as.mcpUrl, {
      cairnHome: home,
      config: { callbackPort: port },
      login: headlessLogin([]),
    });
    await connect(as.mcpUrl, provider);
    expect(as.recorded.registrations[0]?.redirect_uris).toEqual([
      `http://127.0.0.1:${port}/callback`,
    ]);
  });

  it("logout forgets tokens and registration", async () => {
    const as = await authorizationServer();
    const home = await mkdtemp(join(tmpdir(), "cairn-oauth-"));
    const provider = await createOAuthProvider("docs", as.mcpUrl, {
      cairnHome: home,
      login: headlessLogin([]),
    });
    await connect(as.mcpUrl, provider);
    expect(await provider.logout()).toBe(true);
    expect(await provider.tokens()).toBeUndefined();
    expect(await provider.clientInformation()).toBeUndefined();
    expect(await provider.logout()).toBe(false);
  });
});

describe("oauth callback server", () => {
  it("ignores a callback with another state and takes the matching one", async () => {
    const callback = await startCallbackServer(0, "expected-state");
    const base = `http://127.0.0.1:${callback.port}/callback`;
    const forged = await fetch(`${base}?code=evil&state=other`);
    expect(forged.status).toBe(400);
    const good = await fetch(`${base}?code=good&state=expected-state`);
    expect(good.status).toBe(200);
    expect(await callback.code).toBe("good");
    await expect(fetch(base)).rejects.toThrow();
  });

  it("reports the authorization server's refusal", async () => {
    const callback = await startCallbackServer(0, "s");
    await fetch(
      `http://127.0.0.1:${callback.port}/callback?error=access_denied&error_description=User+said+no&state=s`,
    );
    await expect(callback.code).rejects.toThrow("access_denied (User said no)");
  });

  it("stops waiting when the login is cancelled", async () => {
    const controller = new AbortController();
    const callback = await startCallbackServer(0, "s", controller.signal);
    controller.abort();
    await expect(callback.code).rejects.toThrow("cancelled");
  });
});
