// Reads one memory or imported file as text, at most `maxBytes` of it, refusing what is not a
// regular text file (folders, devices, FIFOs, binaries). Never throws for a file-system failure.

import { open, stat } from "node:fs/promises";
import { errnoCode } from "../fs/index.ts";
import { describeFailure } from "./fs-errors.ts";

export type MemoryRead =
  | { type: "text"; text: string; /** Bytes on disk. */ size: number; truncated: boolean }
  | { type: "missing" }
  | { type: "refused"; reason: string };

const binarySniffBytes = 8000;

export async function readMemoryFile(path: string, maxBytes: number): Promise<MemoryRead> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { type: "refused", reason: "it is a folder" };
    // A FIFO or device would block or never end; only regular files are read.
    if (!info.isFile()) return { type: "refused", reason: "it is not a regular file" };
    size = info.size;
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return { type: "missing" };
    return { type: "refused", reason: describeFailure(error) };
  }
  let bytes: Buffer;
  try {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.alloc(Math.min(size, maxBytes));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    return { type: "refused", reason: describeFailure(error) };
  }
  if (bytes.subarray(0, binarySniffBytes).includes(0)) {
    return { type: "refused", reason: "it looks binary" };
  }
  const truncated = size > maxBytes;
  if (truncated) {
    // Cut at a line end, which also never splits a multi-byte character.
    const lastNewline = bytes.lastIndexOf(0x0a);
    if (lastNewline > 0) bytes = bytes.subarray(0, lastNewline);
  }
  let text = bytes.toString("utf8");
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  return { type: "text", text, size, truncated };
}
