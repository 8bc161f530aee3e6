// The session's record of what the model has read: path, mtime, size and content hash at the
// time of the read. Write and Edit consult it to refuse blind overwrites and stale edits.

import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";

export interface FileSnapshot {
  mtimeMs: number;
  size: number;
  sha256: string;
}

export interface ReadRecord extends FileSnapshot {
  /** True when only part of the file was shown (offset/limit or a size cap). */
  partial: boolean;
}

export interface FileLedger {
  /** Keys are real paths (symlinks resolved). */
  recordRead(realPath: string, record: ReadRecord): void;
  /** After cairn itself wrote a file, its new content counts as known. */
  recordWrite(realPath: string, snapshot: FileSnapshot): void;
  lastRead(realPath: string): ReadRecord | undefined;
}

export function createFileLedger(): FileLedger {
  const records = new Map<string, ReadRecord>();
  return {
    recordRead: (path, record) => {
      records.set(path, record);
    },
    recordWrite: (path, snapshot) => {
      records.set(path, { ...snapshot, partial: false });
    },
    lastRead: (path) => records.get(path),
  };
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export async function snapshotOf(path: string, content?: Buffer): Promise<FileSnapshot> {
  const info = await stat(path);
  const bytes = content ?? (await readFile(path));
  return { mtimeMs: info.mtimeMs, size: info.size, sha256: sha256(bytes) };
}

export type FreshnessCheck = { ok: true; content: Buffer } | { ok: false; message: string };

/**
 * Whether `realPath` may be changed: it was read in this session (in part is enough) and its
 * bytes are what that read saw. A touched mtime with identical bytes still passes.
 */
export async function checkUnchangedSinceRead(
  ledger: FileLedger,
  realPath: string,
  displayPath: string,
): Promise<FreshnessCheck> {
  const record = ledger.lastRead(realPath);
  if (!record) {
    return {
      ok: false,
      message: `${displayPath} has not been read in this session. Read it first, then try again.`,
    };
  }
  const content = await readFile(realPath);
  if (sha256(content) !== record.sha256) {
    return {
      ok: false,
      message: `${displayPath} changed since it was read (by the user or another program). Read it again, then retry.`,
    };
  }
  return { ok: true, content };
}
