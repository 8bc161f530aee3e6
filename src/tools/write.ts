// The Write tool: create a file or replace one the model has read, atomically. An existing file
// keeps its encoding, BOM, line-ending style and permission bits.

import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "./atomic-write.ts";
import { diffTexts } from "./diff-display.ts";
import { checkUnchangedSinceRead, snapshotOf } from "./file-ledger.ts";
import { fsFailure, isErrnoCode } from "./fs-errors.ts";
import { resolvePath } from "./paths.ts";
import { decodeText, encodeText, lineCount, withEol, type TextFormat } from "./text-file.ts";
import { defineTool, type ToolOutput } from "./tool.ts";

const input = z.object({
  file_path: z.string().min(1).describe("Absolute path, or relative to the workspace"),
  content: z.string().describe("The whole new content"),
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
      if (!fresh.ok) return failure(`${fresh.message} (Write replaces ${where} as a whole.)`);
      const decoded = decodeText(fresh.content);
      // A file that does not decode (say, Latin-1) is replaced by UTF-8 text as given.
      if (decoded.ok) {
        before = decoded.text;
        format = decoded.format;
        text = withEol(args.content, format.eol);
      }
      if (decoded.ok && text === before) {
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

function failure(content: string): ToolOutput {
  return { content, isError: true };
}
