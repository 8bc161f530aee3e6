// The Read tool: a text file as numbered lines (a window of it for big files) or an image as an
// image block, recorded in the session's file ledger so Write and Edit can check freshness.

import { constants } from "node:fs";
import { open } from "node:fs/promises";
import * as z from "zod/mini";
import type { ImageBlock, TextBlock } from "../core/messages.ts";
import { sha256, type ReadRecord } from "./file-ledger.ts";
import { fsFailure } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { hasUtf8Sequence } from "./legacy-text.ts";
import { lineWindow, type LineDecoding } from "./numbered-lines.ts";
import { missingPathMessage } from "./path-suggestions.ts";
import { resolvePath } from "./paths.ts";
import { isUtf8 } from "node:buffer";
import { shellQuote } from "./shell-quote.ts";
import { bomEncoding, decodeText, sniffText } from "./text-file.ts";
import { defineTool, type ToolOutput } from "./tool.ts";

export const DEFAULT_LINE_LIMIT = 2000;
/** About 25k tokens: more than this in one result crowds out the conversation. */
/** Below the orchestrator's 100k cap on any result, leaving room for Read's own closing note. */
export const MAX_READ_CHARS = 99_000;
/** The API refuses images whose base64 form exceeds 5 MB; base64 is 4/3 of the bytes. */
const MAX_IMAGE_BYTES = (5 * 1024 * 1024 * 3) / 4;
/** Beyond this, reading the whole file to hash it costs too much; point at other tools. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

export interface ReadDisplay {
  type: "read";
  path: string;
  /** Lines shown (0 and 0 when none were) and lines in the file; absent for images. */
  first?: number;
  last?: number;
  total?: number;
  mediaType?: string;
}

const input = z.object({
  file_path: z
    .string()
    .check(z.minLength(1), z.describe("Absolute path, or relative to the workspace")),
  // 0 is taken as the first line: models trained on 0-based offsets send it, and it can only
  // mean "from the start".
  offset: z
    .optional(z.number().check(z.int(), z.minimum(0)))
    .check(z.describe("1-based line to start at")),
  limit: z
    .optional(z.number().check(z.int(), z.minimum(1)))
    .check(z.describe("Number of lines (default 2000)")),
});

export const readTool = defineTool({
  name: "Read",
  description:
    "Read a file as numbered lines (number, tab, text): the first 2000 lines unless offset/limit say otherwise; lines over 2000 characters are cut. PNG, JPEG, GIF and WebP files come back as images. Read a file before editing or overwriting it.",
  input,
  readOnly: true,
  describeAccess: (args) => ({ kind: "read", paths: [args.file_path] }),
  async run(args, ctx): Promise<ToolOutput> {
    const target = await resolvePath(ctx.session.workspace, args.file_path, ctx.cwd);
    const where = target.display;
    let bytes: Buffer;
    let mtimeMs: number;
    try {
      // Non-blocking, so opening a FIFO returns at once (and is then refused) instead of hanging.
      const handle = await open(target.real, constants.O_RDONLY | constants.O_NONBLOCK);
      try {
        const info = await handle.stat();
        if (info.isDirectory()) {
          return failure(`${where} is a directory, not a file. List it with LS or Glob.`);
        }
        if (!info.isFile()) {
          return failure(
            `${where} is not a regular file (a device, socket or pipe); Read only reads files.`,
          );
        }
        if (info.size > MAX_FILE_BYTES) {
          return failure(
            `${where} is ${megabytes(info.size)}, more than Read handles (${megabytes(MAX_FILE_BYTES)}). Search it with Grep, or show a range with Bash (sed -n '100,200p').`,
          );
        }
        mtimeMs = info.mtimeMs;
        // No signal here: it makes readFile read in small chunks, several times slower, and
        // the file is at most MAX_FILE_BYTES.
        bytes = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isErrnoCode(error, "ENOENT"))
        return failure(await missingPathMessage(target.absolute, where));
      if (isErrnoCode(error, "EISDIR"))
        return failure(`${where} is a directory, not a file. List it with LS or Glob.`);
      return fsFailure(error, "read", where);
    }

    const snapshot = { mtimeMs, size: bytes.length, sha256: sha256(bytes) };
    const record = (partial: boolean) => {
      const previous = ctx.session.files.lastRead(target.real);
      // Showing part of content the model has already seen whole does not make it "partly read".
      const seenWhole =
        previous !== undefined && !previous.partial && previous.sha256 === snapshot.sha256;
      const entry: ReadRecord = { ...snapshot, partial: partial && !seenWhole };
      ctx.session.files.recordRead(target.real, entry);
    };

    const mediaType = imageType(bytes);
    if (mediaType !== undefined) {
      if (bytes.length > MAX_IMAGE_BYTES) {
        return failure(
          `${where} is a ${megabytes(bytes.length)} image; images over ${megabytes(MAX_IMAGE_BYTES)} cannot be sent to the model. Make a smaller copy (for example with ImageMagick: convert in.png -resize 50% out.png) and Read that.`,
        );
      }
      record(false);
      const blocks: Array<TextBlock | ImageBlock> = [
        { type: "text", text: `Image ${where} (${mediaType}, ${kilobytes(bytes.length)})` },
        {
          type: "image",
          source: { type: "base64", media_type: mediaType, data: bytes.toString("base64") },
        },
      ];
      return {
        content: blocks,
        display: { type: "read", path: where, mediaType } satisfies ReadDisplay,
      };
    }

    // Read does not extract PDFs; the model should know the usual tool rather than guess.
    if (bytes.toString("latin1", 0, 5) === "%PDF-") {
      return failure(
        `${where} is a PDF, which Read does not show. Extract its text with Bash, for example: pdftotext -layout ${shellQuote(where)} - | head -200`,
      );
    }
    if (sniffText(bytes, bytes.length) === "binary") {
      return failure(
        `${where} looks like a binary file (it has NUL bytes or many control characters), so Read cannot show it. Read shows text files and PNG, JPEG, GIF and WebP images; inspect other files with Bash (for example file, xxd, unzip -l).`,
      );
    }
    const readable = readableText(bytes, where);
    if (readable === undefined) {
      return failure(
        `${where} has a byte-order mark Read cannot decode (UTF-32 or a damaged UTF-16 file).`,
      );
    }
    const { text, decoding, note } = readable;
    if (text.length === 0) {
      record(false);
      return notice(`${where} is empty (${bytes.length} bytes).`, where, 0, 0, 0);
    }

    const start = Math.max(1, args.offset ?? 1);
    const limit = args.limit ?? DEFAULT_LINE_LIMIT;
    const window = lineWindow(text, start, limit, MAX_READ_CHARS, decoding);
    if (window.lines.length === 0) {
      record(true);
      return notice(
        `${where} has ${window.total} ${window.total === 1 ? "line" : "lines"}; offset ${start} is past the end. Use an offset from 1 to ${window.total}.`,
        where,
        0,
        0,
        window.total,
      );
    }
    const partial = window.first > 1 || window.last < window.total;
    record(partial);
    let content = window.lines.join("\n");
    if (note !== undefined) content += `\n\n${note}`;
    if (window.last < window.total) {
      const cap = window.capped ? ` (output capped at ${MAX_READ_CHARS} characters)` : "";
      content += `\n\n[Showing lines ${window.first}-${window.last} of ${window.total}${cap}. Continue with offset=${window.last + 1}.]`;
    }
    const display: ReadDisplay = {
      type: "read",
      path: where,
      first: window.first,
      last: window.last,
      total: window.total,
    };
    return { content, display };
  },
});

interface ReadableText {
  /** The bytes the line window scans: the file without a BOM, or UTF-16 re-encoded as UTF-8. */
  text: Buffer;
  decoding: LineDecoding;
  /** Said after the lines when the file is not UTF-8. */
  note?: string;
}

/**
 * What the line window scans, and a note when the file is not UTF-8. UTF-16 is decoded whole;
 * bytes that are not UTF-8 are never converted whole (a 10 MB file must Read in under 50 ms):
 * only the lines shown are decoded. Undefined: a BOM Read cannot decode.
 */
function readableText(bytes: Buffer, where: string): ReadableText | undefined {
  const marked = bomEncoding(bytes);
  const body = marked === "utf8" ? bytes.subarray(3) : bytes;
  if ((marked === undefined || marked === "utf8") && isUtf8(body)) {
    return { text: body, decoding: "utf8" };
  }
  if (marked !== undefined && marked !== "utf8") {
    const decoded = decodeText(bytes);
    return decoded.ok ? { text: Buffer.from(decoded.text, "utf8"), decoding: "utf8" } : undefined;
  }
  const refusal =
    "Edit and Write will refuse this file until it is UTF-8: find its encoding with `file -i` and convert it with iconv (Bash).";
  // 8-bit text in some legacy encoding: which one cannot be told from the bytes (Shift-JIS and
  // Windows-1251 text pass as Windows-1252 too), so the model must not take the view for the file.
  if (marked === undefined && !hasUtf8Sequence(body)) {
    const note = `[Note: ${where} is not UTF-8. It is shown as Windows-1252, a guess: the real encoding may be another (such as Shift-JIS, GBK or Windows-1251), in which case some characters above are wrong. ${refusal}]`;
    return { text: body, decoding: "windows1252", note };
  }
  // The binary sniff looks at the start only; a file can turn out invalid much later.
  const note = `[Note: ${where} is not valid UTF-8 (it is in a legacy encoding such as Shift-JIS, or mixes UTF-8 with such bytes); bytes that do not decode as UTF-8 are shown as \uFFFD. ${refusal}]`;
  return { text: body, decoding: "utf8", note };
}

/** Image formats the model accepts, told by their magic bytes rather than the file name. */
function imageType(bytes: Buffer): string | undefined {
  const starts = (...values: number[]) => values.every((value, i) => bytes[i] === value);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  const head = bytes.toString("latin1", 0, 12);
  if (head.startsWith("GIF87a") || head.startsWith("GIF89a")) return "image/gif";
  if (head.startsWith("RIFF") && head.slice(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

function failure(content: string): ToolOutput {
  return { content, isError: true };
}

function notice(
  content: string,
  path: string,
  first: number,
  last: number,
  total: number,
): ToolOutput {
  const display: ReadDisplay = { type: "read", path, first, last, total };
  return { content, display };
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 0)} MB`;
}

function kilobytes(bytes: number): string {
  // "0.0 KB" would hide a tiny (perhaps truncated) image.
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : megabytes(bytes);
}
