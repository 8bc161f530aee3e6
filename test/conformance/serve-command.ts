// How tests start `cairn mcp serve`: the built CLI (dist/cli.js, `npm run build`), as a client
// configured with `{"command": "cairn", "args": ["mcp", "serve"]}` would.

import { existsSync } from "node:fs";
import { resolve } from "node:path";

const cli = resolve(import.meta.dirname, "../../dist/cli.js");

export function serveCommand(extra: readonly string[] = []): { command: string; args: string[] } {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npm run build" first`);
  return { command: process.execPath, args: [cli, "mcp", "serve", ...extra] };
}
