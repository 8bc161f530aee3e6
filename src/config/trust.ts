// The folders the user trusts: what a repository's own settings configure (allow rules, hooks,
// env, providers…) is used only inside one of them. Stored in <cairn home>/trusted-folders.json.
// Deciding what an untrusted folder may still say is settings/trust-gate.ts.

import { readFile, realpath } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import * as z from "zod/mini";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";
import { isErrnoCode } from "../fs/index.ts";
import { configError, writeFileAtomic } from "./settings/index.ts";

useEnglishValidationMessages();

const trustFileSchema = z.looseObject({
  folders: z.record(z.string(), z.looseObject({ trustedAt: z.string() })),
});

type TrustFile = z.output<typeof trustFileSchema>;

export interface TrustedFolder {
  /** Real path. */
  folder: string;
  /** ISO 8601. */
  trustedAt: string;
}

export function trustFilePath(cairnHome: string): string {
  return join(cairnHome, "trusted-folders.json");
}

/** Whether `folder` (compared by real path) is a trusted folder or lies inside one. */
export async function isTrusted(folder: string, cairnHome: string): Promise<boolean> {
  return (await trustedBy(folder, cairnHome)) !== undefined;
}

/** The trusted folder that covers `folder` (itself or the nearest trusted ancestor), if any. */
export async function trustedBy(folder: string, cairnHome: string): Promise<string | undefined> {
  const real = await realFolder(folder);
  const store = await readStore(cairnHome);
  let best: string | undefined;
  for (const trusted of Object.keys(store.folders)) {
    if (covers(trusted, real) && (best === undefined || trusted.length > best.length)) {
      best = trusted;
    }
  }
  return best;
}

export async function trustedFolders(cairnHome: string): Promise<TrustedFolder[]> {
  const store = await readStore(cairnHome);
  return Object.entries(store.folders).map(([folder, entry]) => ({
    folder,
    trustedAt: entry.trustedAt,
  }));
}

/** Trusts `folder` and everything below it; returns the real path stored. */
export async function trustFolder(
  folder: string,
  cairnHome: string,
  now: Date = new Date(),
): Promise<string> {
  const real = await realFolder(folder);
  const store = await readStore(cairnHome);
  store.folders[real] = { trustedAt: now.toISOString() };
  await writeStore(cairnHome, store);
  return real;
}

/**
 * Forgets `folder`'s own entry. `stillTrustedBy` names a trusted ancestor that keeps covering
 * it, so the caller can say that untrusting did not take effect.
 */
export async function untrustFolder(
  folder: string,
  cairnHome: string,
): Promise<{ removed: boolean; stillTrustedBy: string | undefined }> {
  const real = await realFolder(folder);
  const store = await readStore(cairnHome);
  const removed = Object.hasOwn(store.folders, real);
  if (removed) {
    delete store.folders[real];
    await writeStore(cairnHome, store);
  }
  return { removed, stillTrustedBy: await trustedBy(real, cairnHome) };
}

function covers(trusted: string, folder: string): boolean {
  if (trusted === folder) return true;
  const prefix = trusted.endsWith(sep) ? trusted : trusted + sep;
  return folder.startsWith(prefix);
}

/** The real path; a folder that does not exist (yet) is compared as written, made absolute. */
async function realFolder(folder: string): Promise<string> {
  const absolute = resolve(folder);
  return realpath(absolute).catch((error: unknown) => {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return absolute;
    throw error;
  });
}

async function readStore(cairnHome: string): Promise<TrustFile> {
  const path = trustFilePath(cairnHome);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return { folders: {} };
    throw error;
  }
  const hint = `It lists the folders you trust; fix it, or delete it and run \`cairn trust\` again`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw configError(`${path}: not valid JSON (${errorText(error)})`, hint, { cause: error });
  }
  const parsed = trustFileSchema.safeParse(json);
  if (!parsed.success) {
    throw configError(`${path}: expected {"folders": {"/path": {"trustedAt": "…"}}}`, hint);
  }
  return parsed.data;
}

async function writeStore(cairnHome: string, store: TrustFile): Promise<void> {
  const sorted = Object.fromEntries(
    Object.entries(store.folders).sort(([a], [b]) => a.localeCompare(b)),
  );
  await writeFileAtomic(
    trustFilePath(cairnHome),
    `${JSON.stringify({ ...store, folders: sorted }, null, 2)}\n`,
    // Which folders are trusted is the user's business alone.
    { mode: 0o600, folderMode: 0o700, keepMode: false },
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
