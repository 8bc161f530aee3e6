// The `oauth` block of a remote MCP server's entry (`.mcp.json`, `~/.cairn/mcp.json`…): a client
// registered in advance and the loopback port its redirect URI names. Parsing only.

import * as z from "zod/mini";

export const oauthConfigSchema = z.object({
  /** A client registered with the authorization server beforehand (no dynamic registration). */
  clientId: z.optional(z.string().check(z.minLength(1))),
  /** For a confidential pre-registered client; best supplied as `${VAR}`. */
  clientSecret: z.optional(z.string().check(z.minLength(1))),
  /** The port of `http://127.0.0.1:<port>/callback`, when the registration names a fixed one. */
  callbackPort: z.optional(
    z
      .number()
      .check(
        z.int(),
        z.minimum(1, "expected a port 1-65535"),
        z.maximum(65_535, "expected a port 1-65535"),
      ),
  ),
  /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
  scope: z.optional(z.string().check(z.minLength(1))),
});

export type OAuthConfig = z.infer<typeof oauthConfigSchema>;
