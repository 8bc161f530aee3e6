// Where OAuth credentials for remote MCP servers are kept: one user-only file under the cairn home
// (`mcp-oauth.json`, mode 0600 in a 0700 folder), one entry per server name and URL, each write
// atomic. What goes in an entry is the provider's business (provider.ts).

import { chmod, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as z from "zod/mini";
import { isErrnoCode, replaceFile } from "../../fs/index.ts";

const tokensSchema = z.looseObject({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.optional(z.number()),
  refresh_token: z.optional(z.string()),
  scope: z.optional(z.string()),
  issuer: z.optional(z.string()),
});

const clientSchema = z.looseObject({
  client_id: z.string(),
  client_secret: z.optional(z.string()),
  issuer: z.optional(z.string()),
});

const discoverySchema = z.looseObject({ authorizationServerUrl: z.string() });

const entrySchema = z.object({
  serverName: z.string(),
  serverUrl: z.string(),
  clientInformation: z.optional(clientSchema),
  tokens: z.optional(tokensSchema),
  /** When the tokens were saved (ms since the epoch), so `expires_in` can be judged later. */
  tokensSavedAt: z.optional(z.number()),
  discoveryState: z.optional(discoverySchema),
  /** The loopback port the registered redirect URI names. */
  callbackPort: z.optional(z.number()),
});

const fileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), entrySchema),
});

export type StoredEntry = z.infer<typeof entrySchema>;
export type StoredTokens = z.infer<typeof tokensSchema>;
export type StoredClient = z.infer<typeof clientSchema>;
export type StoredDiscovery = z.infer<typeof discoverySchema>;

export function oauthStoreFile(cairnHome: string): string {
  return join(cairnHome, "mcp-oauth.json");
}

export function entryKey(serverName: string, serverUrl: string): string {
  return `${serverName}|${serverUrl}`;
}

export interface TokenStore {
  readonly path: string;
  read(key: string): Promise<StoredEntry | undefined>;
  /** Applies `change` to the entry as it is on disk now (undefined removes it). */
  update(
    key: string,
    change: (entry: StoredEntry | undefined) => StoredEntry | undefined,
  ): Promise<void>;
  /** Every stored entry (for `cairn mcp logout` by name). */
  list(): Promise<Array<[string, StoredEntry]>>;
}

/**
 * The store in `path`. Updates are serialised within the store and re-read the file first, so
 * two servers saving tokens at once do not lose each other's entries.
 */
export function createTokenStore(path: string): TokenStore {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    path,
    async read(key) {
      return (await readStore(path)).servers[key];
    },
    update(key, change) {
      return serial(async () => {
        const file = await readStore(path);
        const next = change(file.servers[key]);
        const servers = { ...file.servers };
        if (next === undefined) delete servers[key];
        else servers[key] = next;
        await writeStore(path, { version: 1, servers });
      });
    },
    async list() {
      return Object.entries((await readStore(path)).servers);
    },
  };
}

type StoreFile = z.infer<typeof fileSchema>;

async function readStore(path: string): Promise<StoreFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return { version: 1, servers: {} };
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${path}: not valid JSON (${(error as Error).message}); delete the file to log in again`,
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "(file)";
    throw new Error(
      `${path}: ${where}: ${issue?.message ?? "invalid"}; delete the file to log in again`,
    );
  }
  return parsed.data;
}

async function writeStore(path: string, file: StoreFile): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  // The folder may predate this file with looser permissions; tokens need it private.
  await chmod(folder, 0o700);
  await replaceFile(path, `${JSON.stringify(file, null, 2)}\n`, 0o600);
}
