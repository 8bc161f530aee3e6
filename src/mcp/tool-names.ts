// Names the model sees for MCP tools and prompts: `mcp__<server>__<tool>`, sanitised to the
// characters every provider accepts, at most 64 long, and never equal to another tool's name.

import { createHash } from "node:crypto";

const maxLength = 64;

export function sanitise(part: string): string {
  return part.replace(/[^A-Za-z0-9_-]/g, "_");
}

/** The plain name, before collisions are resolved: what permission rules are written against. */
export function mcpName(server: string, item: string): string {
  return `mcp__${sanitise(server)}__${sanitise(item)}`;
}

/**
 * A unique name for `server`'s `item`, given the names already taken (built-ins and earlier MCP
 * tools). Too long or taken: cut and suffixed with a short hash of server and item, so the same
 * tool gets the same name in every session.
 */
export function uniqueName(server: string, item: string, taken: ReadonlySet<string>): string {
  const plain = mcpName(server, item);
  if (plain.length <= maxLength && !taken.has(plain)) return plain;
  for (let salt = 0; ; salt++) {
    const hash = createHash("sha256")
      .update(`${server}\u0000${item}\u0000${salt}`)
      .digest("hex")
      .slice(0, 8);
    const candidate = `${plain.slice(0, maxLength - 9)}_${hash}`;
    if (!taken.has(candidate)) return candidate;
  }
}
