// Small file-system helpers the session modules share: errno tests and durable folder entries.

import { open } from "node:fs/promises";

export function isErrno(error: unknown, ...codes: string[]): boolean {
  return (
    error instanceof Error &&
    "code" in error &&
    typeof error.code === "string" &&
    codes.includes(error.code)
  );
}

/** Makes a new name in `folder` durable. Some file systems cannot fsync a folder; that is fine. */
export async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, "r");
    await handle.sync();
  } catch (error) {
    if (!isErrno(error, "EINVAL", "EISDIR", "EPERM", "EACCES", "ENOTSUP")) throw error;
  } finally {
    await handle?.close();
  }
}
