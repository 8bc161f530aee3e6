// cairn's OAuth client for remote MCP servers: the SDK's `OAuthClientProvider`, which the SDK's
// auth flow drives (discovery, dynamic registration, PKCE, token exchange, refresh). This file
// keeps what the flow produces (store.ts) and, for a login, sends the person to the
// authorization page and receives the redirect (callback-server.ts).

import { randomBytes } from "node:crypto";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientMetadata } from "@modelcontextprotocol/sdk/shared/auth.js";
import {
  freeLoopbackPort,
  redirectUrlFor,
  startCallbackServer,
  type CallbackServer,
} from "./callback-server.ts";
import type { OAuthConfig } from "./config.ts";
import {
  createTokenStore,
  entryKey,
  oauthStoreFile,
  type StoredEntry,
  type TokenStore,
} from "./store.ts";

/** How a login reaches the person. */
export interface LoginOptions {
  /** A line for the person (stderr): the authorization URL is always printed. */
  print: (line: string) => void;
  /**
   * Opens the URL in a browser; resolves false when none could be started. `false` only prints
   * (`--no-browser`, e.g. over SSH). Tests pass a headless user agent here.
   */
  open: false | ((url: URL) => Promise<boolean>);
  /** Cancels the wait for the browser's redirect. */
  signal?: AbortSignal;
}

export interface OAuthProviderOptions {
  /** `$CAIRN_HOME` or `~/.cairn`: credentials live in its `mcp-oauth.json`. */
  cairnHome: string;
  /** The server entry's `oauth` block. */
  config?: OAuthConfig;
  /**
   * Present only where a person can log in (`cairn mcp login`, the UI's /mcp). Absent, a server
   * that needs a browser login is not sent there: `needsLogin` turns true and the SDK's
   * connection fails with an `UnauthorizedError`.
   */
  login?: LoginOptions;
  /** Shared by the providers of one process, so their writes are serialised. */
  store?: TokenStore;
  clientName?: string;
}

export interface CairnOAuthProvider extends OAuthClientProvider {
  readonly serverName: string;
  readonly serverUrl: string;
  /** True once the server asked for a browser login that this provider could not start. */
  readonly needsLogin: boolean;
  /** True between the SDK's redirect to the authorization page and the code arriving. */
  readonly awaitingAuthorization: boolean;
  /** The authorization code from the browser's redirect, once the SDK has sent it there. */
  waitForAuthorizationCode(): Promise<string>;
  /** Forgets this server's tokens and registration. Resolves true if anything was stored. */
  logout(): Promise<boolean>;
  /** Stops a callback server still waiting. */
  close(): Promise<void>;
}

/**
 * The provider for one server entry, to pass as `authProvider` to the SDK's
 * `StreamableHTTPClientTransport` or `SSEClientTransport`. Async because the redirect URI's
 * port must be fixed before the flow starts: the configured one, the one a stored registration
 * names, or a free one.
 */
export async function createOAuthProvider(
  serverName: string,
  serverUrl: string,
  options: OAuthProviderOptions,
): Promise<CairnOAuthProvider> {
  const store = options.store ?? createTokenStore(oauthStoreFile(options.cairnHome));
  const key = entryKey(serverName, serverUrl);
  const config = options.config ?? {};
  const stored = await store.read(key);
  const port = config.callbackPort ?? stored?.callbackPort ?? (await freeLoopbackPort());
  const redirectUrl = redirectUrlFor(port);
  const clientMetadata: OAuthClientMetadata = {
    client_name: options.clientName ?? "cairn",
    redirect_uris: [redirectUrl],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // A registered client is public and proves itself with PKCE; a configured secret says otherwise.
    token_endpoint_auth_method: config.clientSecret !== undefined ? "client_secret_post" : "none",
    ...(config.scope !== undefined ? { scope: config.scope } : {}),
  };

  const update = (change: (entry: StoredEntry) => StoredEntry): Promise<void> =>
    store.update(key, (entry) => change(entry ?? { serverName, serverUrl }));

  let needsLogin = false;
  let expectedState: string | undefined;
  let verifier: string | undefined;
  let callback: CallbackServer | undefined;

  const provider: CairnOAuthProvider = {
    serverName,
    serverUrl,
    get needsLogin() {
      return needsLogin;
    },
    get awaitingAuthorization() {
      return callback !== undefined;
    },
    get redirectUrl() {
      return redirectUrl;
    },
    get clientMetadata() {
      return clientMetadata;
    },
    state() {
      expectedState = randomBytes(24).toString("base64url");
      return expectedState;
    },
    async clientInformation() {
      const saved = (await store.read(key))?.clientInformation;
      if (config.clientId === undefined) return saved;
      // A pre-registered client: the configured id, bound to the server the SDK stamped on it.
      const issuer = saved?.client_id === config.clientId ? saved.issuer : undefined;
      return {
        client_id: config.clientId,
        ...(config.clientSecret !== undefined ? { client_secret: config.clientSecret } : {}),
        ...(issuer !== undefined ? { issuer } : {}),
      };
    },
    async saveClientInformation(information) {
      await update((entry) => ({
        ...entry,
        clientInformation: { ...information },
        callbackPort: port,
      }));
    },
    async tokens() {
      return (await store.read(key))?.tokens;
    },
    async saveTokens(tokens) {
      await update((entry) => ({ ...entry, tokens: { ...tokens }, tokensSavedAt: Date.now() }));
    },
    async redirectToAuthorization(authorizationUrl) {
      needsLogin = true;
      const login = options.login;
      if (login === undefined) return;
      const state = authorizationUrl.searchParams.get("state");
      if (state === null || state !== expectedState) {
        throw new Error(`the authorization URL for ${serverName} does not carry cairn's state`);
      }
      await callback?.close();
      callback = await startCallbackServer(port, state, login.signal);
      login.print(
        `Authorize cairn for the MCP server "${serverName}" by opening:\n${authorizationUrl.href}`,
      );
      if (login.open !== false && !(await login.open(authorizationUrl))) {
        login.print("(No browser could be opened: open the URL above yourself.)");
      }
    },
    async waitForAuthorizationCode() {
      const waiting = callback;
      if (waiting === undefined) {
        throw new Error(`no login to ${serverName} is in progress`);
      }
      try {
        return await waiting.code;
      } finally {
        await waiting.close();
        if (callback === waiting) callback = undefined;
        needsLogin = false;
      }
    },
    saveCodeVerifier(codeVerifier) {
      verifier = codeVerifier;
    },
    codeVerifier() {
      if (verifier === undefined) throw new Error(`no login to ${serverName} is in progress`);
      return verifier;
    },
    async invalidateCredentials(scope) {
      if (scope === "verifier" || scope === "all") verifier = undefined;
      if (scope === "verifier") return;
      await update((entry) => {
        const next = { ...entry };
        if (scope === "all" || scope === "client") delete next.clientInformation;
        if (scope === "all" || scope === "tokens") {
          delete next.tokens;
          delete next.tokensSavedAt;
        }
        if (scope === "all" || scope === "discovery") delete next.discoveryState;
        return next;
      });
    },
    async discoveryState() {
      return (await store.read(key))?.discoveryState;
    },
    async saveDiscoveryState(state) {
      // Round-tripped through JSON: URL objects and undefined fields do not survive a file.
      const plain = JSON.parse(JSON.stringify(state)) as StoredEntry["discoveryState"];
      await update((entry) => ({ ...entry, ...(plain ? { discoveryState: plain } : {}) }));
    },
    async logout() {
      let existed = false;
      await store.update(key, (entry) => {
        existed = entry !== undefined;
        return undefined;
      });
      return existed;
    },
    async close() {
      await callback?.close();
      callback = undefined;
    },
  };
  return provider;
}
