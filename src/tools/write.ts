// The Write tool: create a file or replace one the model has read, atomically. An existing file
// keeps its encoding, BOM, line-ending style and permission bits.

import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod/mini";
import { writeFileAtomic } from "./atomic-write.ts";
import { diffTexts } from "./diff-display.ts";
import { checkUnchangedSinceRead, snapshotOf } from "./file-ledger.ts";
import { fsFailure } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { resolvePath } from "./paths.ts";
import { BINARY_SNIFF_BYTES } from "./read.ts";
import {
  cannotHoldMessage,
  decodeText,
  encodeText,
  lineCount,
  looksBinary,
  unencodable,
  withEol,
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
      const fresh = await checkUnchangedSinceRead(ctx.session.files, target.real, where, {
        requireFull: false,
      });
      if (!fresh.ok) {
        // "Read it first" would send the model in a circle for a file Read refuses to show.
        const unread = ctx.session.files.lastRead(target.real) === undefined;
        const binary = unread ? await binaryReason(target.real) : undefined;
        if (binary !== undefined) return failure(notTextMessage(where, binary));
        return failure(`${fresh.message} (Write replaces ${where} as a whole.)`);
      }
      const decoded = decodeText(fresh.content);
      // The model only ever saw such a file with its undecodable bytes replaced: writing it back
      // would destroy them (a UTF-8 file with stray Latin-1 bytes turned into U+FFFD).
      if (!decoded.ok) return failure(notTextMessage(where, decoded.reason));
      before = decoded.text;
      format = decoded.format;
      text = withEol(args.content, format.eol);
      if (text === before) {
        return { content: `${where} already has this content; nothing was written.` };
      }
    }
    const bad = unencodable(text, format);
    if (bad !== undefined) return failure(cannotHoldMessage(where, bad, format));
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

function notTextMessage(where: string, reason: string): string {
  return `${where} is not text Write can preserve (${reason}). To replace it entirely, delete it first (Bash: rm) and Write it again; to change its encoding, use Bash (iconv).`;
}

/** Why Read would refuse to show the file as text, if it would. */
async function binaryReason(path: string): Promise<string | undefined> {
  const bytes = await readFile(path).catch(() => undefined);
  if (bytes === undefined) return undefined;
  if (looksBinary(bytes.subarray(0, BINARY_SNIFF_BYTES), bytes.length > BINARY_SNIFF_BYTES)) {
    return "it is a binary file, which Read does not show";
  }
  const decoded = decodeText(bytes);
  return decoded.ok ? undefined : decoded.reason;
}

function failure(content: string): ToolOutput {
  return { content, isError: true };
}
