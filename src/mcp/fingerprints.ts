// Tool-definition fingerprints: a hash of each tool's name, description and input schema, kept
// in the user's cairn home (a repository cannot ship its own). A tool whose definition changed
// since it was first seen is withheld until the user accepts the change ("rug pull" defence).

import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as z from "zod/mini";
import { isErrnoCode, replaceFile } from "../fs/index.ts";

export interface ToolDefinition {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
}

const storeSchema = z.record(z.string(), z.record(z.string(), z.string()));
export type FingerprintStore = z.infer<typeof storeSchema>;

export function fingerprintFile(cairnHome: string): string {
  return join(cairnHome, "mcp-fingerprints.json");
}

/** Stable across key order, so a server re-sending the same schema is not a change. */
export function fingerprint(tool: ToolDefinition): string {
  return createHash("sha256")
    .update(canonical({ n: tool.name, d: tool.description ?? "", s: tool.inputSchema ?? null }))
    .digest("hex")
    .slice(0, 32);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export interface FingerprintCheck {
  /** Tools seen before with the same definition, or never seen (recorded now). */
  accepted: ToolDefinition[];
  /** Tools whose definition differs from the recorded one. */
  changed: ToolDefinition[];
  /** The server's entry with the new tools added, to be saved if it differs. */
  updated: Record<string, string>;
}

/** Splits a server's tools into accepted and changed against its recorded fingerprints. */
export function checkFingerprints(
  recorded: Readonly<Record<string, string>> | undefined,
  tools: readonly ToolDefinition[],
): FingerprintCheck {
  const updated: Record<string, string> = { ...recorded };
  const accepted: ToolDefinition[] = [];
  const changed: ToolDefinition[] = [];
  for (const tool of tools) {
    const print = fingerprint(tool);
    const before = recorded?.[tool.name];
    if (before === undefined) {
      updated[tool.name] = print;
      accepted.push(tool);
    } else if (before === print) accepted.push(tool);
    else changed.push(tool);
  }
  return { accepted, changed, updated };
}

export async function readFingerprints(file: string): Promise<FingerprintStore> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return {};
    throw error;
  }
  const parsed = storeSchema.safeParse(safeJson(text));
  // A damaged store is treated as empty: every tool is then seen for the first time again.
  return parsed.success ? parsed.data : {};
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Saves in flight per store file: each waits for the one before, so none is lost. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Read-modify-write of one server's entry; the file is small and written atomically. Saves to
 * the same file are serialised, so two servers connecting at once do not lose each other's entry.
 */
export function saveFingerprints(
  file: string,
  key: string,
  entry: Readonly<Record<string, string>>,
): Promise<void> {
  const work = async (): Promise<void> => {
    const store = await readFingerprints(file);
    store[key] = { ...entry };
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await replaceFile(file, `${JSON.stringify(store, null, 2)}\n`, 0o600);
  };
  const next = (queues.get(file) ?? Promise.resolve()).then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  // Forget the queue once idle so a long session does not keep one entry per file forever.
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}
