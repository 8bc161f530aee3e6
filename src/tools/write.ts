// The Write tool: create a file or replace one the model has read, atomically. An existing file
// keeps its encoding, BOM, line-ending style and permission bits.

import { mkdir, open, stat } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod/mini";
import { writeFileAtomic } from "./atomic-write.ts";
import { diffTexts } from "./diff-display.ts";
import { checkUnchangedSinceRead, snapshotOf } from "./file-ledger.ts";
import { fsFailure } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { resolvePath } from "./paths.ts";
import {
  BINARY,
  BINARY_SNIFF_BYTES,
  conversionAdvice,
  decodeText,
  encodeText,
  lineCount,
  NOT_UTF8,
  sniffText,
  withEol,
  type DecodeFailure,
  type TextFormat,
} from "./text-file.ts";
import { defineTool, type ToolOutput } from "./tool.ts";

const input = z.object({
  file_path: z
    .string()
    .check(z.minLength(1), z.describe("Absolute path, or relative to the workspace")),
  content: z.string().check(z.describe("The whole new content")),
});

export const writeTool = defineTool({
  name: "Write",
  description:
    "Create or overwrite a file (parent folders are created). Overwriting needs a Read of the file first, and it must be unchanged since; prefer Edit for changes. An existing file keeps its line endings and encoding.",
  input,
  readOnly: false,
  describeAccess: (args) => ({ kind: "write", paths: [args.file_path] }),
  async run(args, ctx): Promise<ToolOutput> {
    const target = await resolvePath(ctx.session.workspace, args.file_path, ctx.cwd);
    const where = target.display;

    let exists = true;
    try {
      const info = await stat(target.real);
      if (info.isDirectory()) return failure(`${where} is a directory; give a file path.`);
      if (!info.isFile())
        return failure(`${where} is not a regular file; Write only writes files.`);
    } catch (error) {
      if (!isErrnoCode(error, "ENOENT")) return fsFailure(error, "write", where);
      exists = false;
    }

    let before = "";
    let text = args.content;
    let format: TextFormat = { encoding: "utf8", bom: false, eol: "\n" };
    if (exists) {
      const fresh = await checkUnchangedSinceRead(ctx.session.files, target.real, where);
      if (!fresh.ok) {
        // "Read it first" would only lead to a refusal for a file Write will not replace anyway:
        // say so at once when its first bytes show it.
        const unread = ctx.session.files.lastRead(target.real) === undefined;
        const refusal = unread ? await refusalFromStart(target.real) : undefined;
        if (refusal !== undefined) return failure(notTextMessage(where, refusal));
        return failure(`${fresh.message} (Write replaces ${where} as a whole.)`);
      }
      const decoded = decodeText(fresh.content);
      // Not UTF-8: the encoding cannot be told from the bytes, so Write cannot know how to write
      // it back (Shift-JIS text passes for Windows-1252), nor what the model saw of it.
      if (!decoded.ok) return failure(notTextMessage(where, decoded));
      before = decoded.text;
      format = decoded.format;
      text = withEol(args.content, format.eol);
      if (text === before) {
        return { content: `${where} already has this content; nothing was written.` };
      }
    }
    if (ctx.signal.aborted)
      return failure(`Cancelled before writing ${where}; nothing was written.`);

    const bytes = encodeText(text, format);
    try {
      if (!exists) await mkdir(dirname(target.real), { recursive: true });
      await writeFileAtomic(target.real, bytes);
    } catch (error) {
      return fsFailure(error, "write", where);
    }
    ctx.session.files.recordWrite(target.real, await snapshotOf(target.real, bytes));

    const lines = lineCount(text);
    const diff = diffTexts(where, before, text, { created: !exists });
    const verb = exists ? "Updated" : "Created";
    return {
      content: `${verb} ${where} (${lines} ${lines === 1 ? "line" : "lines"}).`,
      display: diff.display,
    };
  },
});

function notTextMessage(where: string, refusal: DecodeFailure): string {
  const advice = refusal.cause === "binary" ? "" : ` ${conversionAdvice(where, refusal)}`;
  return `${where} is not text Write can preserve (${refusal.reason}); nothing was written.${advice} To replace it entirely, delete it first (Bash: rm) and Write it again.`;
}

/** Why Write would refuse the file, when its first bytes already show it; reads only those. */
async function refusalFromStart(path: string): Promise<DecodeFailure | undefined> {
  let head: Buffer;
  let size: number;
  try {
    const handle = await open(path, "r");
    try {
      size = (await handle.stat()).size;
      const buffer = Buffer.alloc(Math.min(size, BINARY_SNIFF_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable here means unreadable for Read too: the usual "Read it first" answer will say why.
    return undefined;
  }
  const sniff = sniffText(head, size);
  switch (sniff) {
    case "binary":
      return BINARY;
    case "not-utf8":
      return NOT_UTF8;
    case "text":
      return undefined;
    default: {
      const unknown: never = sniff;
      throw new Error(`unknown sniff result ${String(unknown)}`);
    }
  }
}

function failure(content: string): ToolOutput {
  return { content, isError: true };
}
