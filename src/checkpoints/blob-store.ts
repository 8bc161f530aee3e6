// Content-addressed storage of saved file contents: `blobs/<sha256>`, each written once, durably,
// and checked against its name when read back. Not the index of what belongs to which turn.

import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { isErrnoCode, replaceFile } from "../fs/index.ts";

export interface BlobStore {
  /** Stores `data` unless a blob with the same content is already there; returns its sha256. */
  put(data: Buffer, hash?: string): Promise<string>;
  get(hash: string): Promise<Buffer>;
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function createBlobStore(folder: string): BlobStore {
  return {
    async put(data, known) {
      const hash = known ?? sha256(data);
      const path = join(folder, hash);
      if (await exists(path)) return hash;
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Written under a temporary name and renamed, so a blob under its hash is always complete;
      // a crash leaves at worst a stray temp file. Two writers of one blob rename identical bytes.
      await replaceFile(path, data, 0o600);
      return hash;
    },
    async get(hash) {
      const data = await readFile(join(folder, hash));
      if (sha256(data) !== hash) {
        throw new Error(`the saved copy ${join(folder, hash)} is damaged (its content changed)`);
      }
      return data;
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return false;
    throw error;
  }
}
