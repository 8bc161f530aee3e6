// Test support, never shipped: an OAuth 2.1 authorization server and a protected MCP server on
// 127.0.0.1, strict where a real one is (registered redirect URIs, S256 PKCE, state echoed,
// expiring access tokens, refresh tokens), recording what it was asked so tests can check it.

import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export interface AuthorizationServerOptions {
  /** Lifetime of access tokens, in seconds. */
  accessTokenSeconds?: number;
  /** A client registered beforehand; without one, clients must register dynamically. */
  preRegistered?: { clientId: string; clientSecret?: string };
  /** Whether /register exists. */
  registration?: boolean;
}

export interface Recorded {
  registrations: Array<Record<string, unknown>>;
  authorizations: URLSearchParams[];
  grants: Array<{ grant_type: string; client_id: string | undefined }>;
  /** Bearer tokens the MCP endpoint accepted. */
  accepted: string[];
}

export interface AuthorizationServer {
  base: string;
  mcpUrl: string;
  recorded: Recorded;
  close(): Promise<void>;
}

interface Client {
  redirectUris: string[];
  secret?: string;
}

export async function startAuthorizationServer(
  options: AuthorizationServerOptions = {},
): Promise<AuthorizationServer> {
  const lifetime = options.accessTokenSeconds ?? 3600;
  const clients = new Map<string, Client>();
  if (options.preRegistered) {
    clients.set(options.preRegistered.clientId, {
      redirectUris: [],
      ...(options.preRegistered.clientSecret ? { secret: options.preRegistered.clientSecret } : {}),
    });
  }
  const codes = new Map<string, { clientId: string; challenge: string; redirectUri: string }>();
  const access = new Map<string, number>();
  const refresh = new Map<string, string>();
  const recorded: Recorded = { registrations: [], authorizations: [], grants: [], accepted: [] };
  let base = "";

  const json = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const issue = (response: ServerResponse, clientId: string): void => {
    const token = randomBytes(16).toString("hex");
    const refreshToken = randomBytes(16).toString("hex");
    access.set(token, Date.now() + lifetime * 1000);
    refresh.set(refreshToken, clientId);
    json(response, 200, {
      access_token: token,
      token_type: "Bearer",
      expires_in: lifetime,
      refresh_token: refreshToken,
    });
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        json(response, 500, { error: "server_error", error_description: String(error) });
    });
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", base);
    const body = await readBody(request);
    switch (`${request.method} ${url.pathname}`) {
      case "GET /.well-known/oauth-protected-resource/mcp":
      case "GET /.well-known/oauth-protected-resource":
        json(response, 200, { resource: `${base}/mcp`, authorization_servers: [base] });
        return;
      case "GET /.well-known/oauth-authorization-server":
        json(response, 200, {
          issuer: base,
          authorization_endpoint: `${base}/authorize`,
          token_endpoint: `${base}/token`,
          ...(options.registration !== false ? { registration_endpoint: `${base}/register` } : {}),
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["none", "client_secret_post"],
        });
        return;
      case "POST /register": {
        if (options.registration === false) break;
        const metadata = JSON.parse(body) as Record<string, unknown>;
        recorded.registrations.push(metadata);
        const clientId = `client-${clients.size + 1}`;
        clients.set(clientId, { redirectUris: (metadata.redirect_uris as string[]) ?? [] });
        json(response, 201, {
          ...metadata,
          client_id: clientId,
          client_id_issued_at: Math.floor(Date.now() / 1000),
        });
        return;
      }
      case "GET /authorize": {
        const params = url.searchParams;
        recorded.authorizations.push(params);
        const client = clients.get(params.get("client_id") ?? "");
        const redirectUri = params.get("redirect_uri") ?? "";
        const preRegistered = options.preRegistered?.clientId === params.get("client_id");
        // A pre-registered native client may use any loopback port (RFC 8252 §7.3).
        const allowed = preRegistered
          ? redirectUri.startsWith("http://127.0.0.1:")
          : client?.redirectUris.includes(redirectUri);
        if (client === undefined || !allowed || params.get("code_challenge_method") !== "S256") {
          json(response, 400, { error: "invalid_request" });
          return;
        }
        const code = randomBytes(8).toString("hex");
        codes.set(code, {
          clientId: params.get("client_id") ?? "",
          challenge: params.get("code_challenge") ?? "",
          redirectUri,
        });
        const target = new URL(redirectUri);
        target.searchParams.set("code", code);
        target.searchParams.set("state", params.get("state") ?? "");
        response.writeHead(302, { location: target.href }).end();
        return;
      }
      case "POST /token": {
        const form = new URLSearchParams(body);
        const grantType = form.get("grant_type") ?? "";
        const clientId = form.get("client_id") ?? undefined;
        recorded.grants.push({ grant_type: grantType, client_id: clientId });
        const secret = clients.get(clientId ?? "")?.secret;
        if (secret !== undefined && form.get("client_secret") !== secret) {
          json(response, 401, { error: "invalid_client" });
          return;
        }
        if (grantType === "authorization_code") {
          const pending = codes.get(form.get("code") ?? "");
          codes.delete(form.get("code") ?? "");
          const verifier = form.get("code_verifier") ?? "";
          const challenge = createHash("sha256").update(verifier).digest("base64url");
          if (
            pending === undefined ||
            pending.challenge !== challenge ||
            pending.redirectUri !== form.get("redirect_uri") ||
            pending.clientId !== clientId
          ) {
            json(response, 400, { error: "invalid_grant" });
            return;
          }
          issue(response, pending.clientId);
          return;
        }
        if (grantType === "refresh_token") {
          const owner = refresh.get(form.get("refresh_token") ?? "");
          if (owner === undefined || owner !== clientId) {
            json(response, 400, { error: "invalid_grant" });
            return;
          }
          refresh.delete(form.get("refresh_token") ?? "");
          issue(response, owner);
          return;
        }
        json(response, 400, { error: "unsupported_grant_type" });
        return;
      }
      default:
        if (url.pathname === "/mcp") {
          const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
          const expires = token === undefined ? undefined : access.get(token);
          if (token === undefined || expires === undefined || expires < Date.now()) {
            response
              .writeHead(401, {
                "www-authenticate": `Bearer error="invalid_token", resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
              })
              .end();
            return;
          }
          recorded.accepted.push(token);
          await serveMcp(request, response, body);
          return;
        }
    }
    json(response, 404, { error: "not_found" });
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    mcpUrl: `${base}/mcp`,
    recorded,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A stateless MCP server with one tool, `whoami`, for each authorized request. */
async function serveMcp(
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
): Promise<void> {
  const mcp = new McpServer({ name: "protected", version: "1.0.0" });
  mcp.registerTool("whoami", { description: "Says who is calling" }, () => ({
    content: [{ type: "text", text: "an authorized client" }],
  }));
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await mcp.connect(transport);
  response.on("close", () => {
    void mcp.close();
  });
  await transport.handleRequest(
    request,
    response,
    body === "" ? undefined : (JSON.parse(body) as unknown),
  );
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
