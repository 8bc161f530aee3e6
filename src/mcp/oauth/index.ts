// Public face of OAuth for remote MCP servers: the provider the SDK's HTTP transports take as
// `authProvider`, the credential store, and the helpers that finish a browser login.
export { createOAuthProvider } from "./provider.ts";
export type { CairnOAuthProvider, LoginOptions, OAuthProviderOptions } from "./provider.ts";
export { oauthConfigSchema } from "./config.ts";
export type { OAuthConfig } from "./config.ts";
export { createTokenStore, entryKey, oauthStoreFile } from "./store.ts";
export type { StoredEntry, TokenStore } from "./store.ts";
export { connectWithLogin, retryAfterLogin } from "./authorize.ts";
export type { AuthorizingTransport } from "./authorize.ts";
export { openInBrowser } from "./open-browser.ts";
export { redirectUrlFor } from "./callback-server.ts";
