// What Edit and MultiEdit share around the pure string work: freshness check against the ledger,
// decoding and re-encoding (encoding, BOM, line endings kept), one atomic write, and the result.

import { mkdir, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { writeFileAtomic } from "./atomic-write.ts";
import { diffTexts, type ChangedRange } from "./diff-display.ts";
import { applyEdits, keepFinalNewline, type EditSpec } from "./edit-apply.ts";
import { checkUnchangedSinceRead, snapshotOf } from "./file-ledger.ts";
import { fsFailure } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { numberLine } from "./numbered-lines.ts";
import { missingPathMessage } from "./path-suggestions.ts";
import { resolvePath } from "./paths.ts";
import {
  conversionAdvice,
  decodeText,
  encodeText,
  lineCount,
  type TextFormat,
} from "./text-file.ts";
import type { ToolContext, ToolOutput } from "./tool.ts";

const MAX_SNIPPET_REGIONS = 5;
const MAX_SNIPPET_LINES = 60;
const MAX_SNIPPET_CHARS = 20_000;

/**
 * Applies `edits` in order to the file and writes it once, or writes nothing. `multi` words the
 * failure of edit k as MultiEdit's ("Edit 2 of 3 failed: ...").
 */
export async function editFile(
  filePath: string,
  edits: readonly EditSpec[],
  ctx: ToolContext,
  multi: boolean,
): Promise<ToolOutput> {
  const target = await resolvePath(ctx.session.workspace, filePath, ctx.cwd);
  const where = target.display;

  let exists = true;
  try {
    const info = await stat(target.real);
    if (info.isDirectory()) return failure(`${where} is a directory, not a file.`);
    if (!info.isFile()) return failure(`${where} is not a regular file; only files can be edited.`);
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT")) return fsFailure(error, "edit", where);
    exists = false;
  }

  let before = "";
  let format: TextFormat = { encoding: "utf8", bom: false, eol: "\n" };
  if (exists) {
    const fresh = await checkUnchangedSinceRead(ctx.session.files, target.real, where);
    // A ranged Read (offset/limit) counts, as in Claude Code: models read the lines around a
    // Grep hit and edit them. The match rules (exact, unique) keep such an edit safe.
    if (!fresh.ok) return failure(fresh.message);
    const decoded = decodeText(fresh.content);
    // Not UTF-8 (legacy 8-bit text): its encoding cannot be told from the bytes, and an edit in
    // the wrong one corrupts it (a Shift-JIS character split by replacing its "\\" trail byte).
    if (!decoded.ok) {
      return failure(
        `${where} cannot be edited safely: ${decoded.reason}; nothing was written. ${conversionAdvice(where, decoded)}`,
      );
    }
    before = decoded.text;
    format = decoded.format;
  } else if (edits[0]?.old_string !== "") {
    const missing = await missingPathMessage(target.absolute, where);
    return failure(`${missing} To create a file, use Write (or Edit with an empty old_string).`);
  }

  const outcome = applyEdits(before, edits, format.eol, where);
  if (!outcome.ok) {
    if (!multi) return failure(outcome.message);
    const k = outcome.index + 1;
    const earlier =
      k === 1 ? "" : k === 2 ? " (applied after edit 1)" : ` (applied after edits 1-${k - 1})`;
    return failure(
      `Edit ${k} of ${edits.length}${earlier} failed: ${outcome.message} Nothing was written; fix that edit and send all the edits again.`,
    );
  }
  const after = keepFinalNewline(before, outcome.text, format.eol);
  if (exists && after === before) {
    return failure(
      `The edit leaves ${where} unchanged (its final newline is kept as it was). Nothing was written.`,
    );
  }
  if (ctx.signal.aborted)
    return failure(`Cancelled before writing ${where}; the file is unchanged.`);

  const bytes = encodeText(after, format);
  try {
    if (!exists) await mkdir(dirname(target.real), { recursive: true });
    await writeFileAtomic(target.real, bytes);
  } catch (error) {
    return fsFailure(error, "write", where);
  }
  ctx.session.files.recordWrite(target.real, await snapshotOf(target.real, bytes));

  const diff = diffTexts(where, before, after, { created: !exists });
  if (!exists) {
    const lines = lineCount(after);
    const noun = lines === 1 ? "line" : "lines";
    return { content: `Created ${where} (${lines} ${noun}).`, display: diff.display };
  }
  const count =
    outcome.replacements === 1 ? "1 replacement" : `${outcome.replacements} replacements`;
  const what = multi
    ? `Applied ${edits.length} edits to ${where} (${count})`
    : `Edited ${where} (${count})`;
  return {
    content: `${what}. The changed lines now read:\n${snippet(after, diff.ranges)}`,
    display: diff.display,
  };
}

/** Numbered lines of the changed regions, a few at most, so the model can check its work. */
function snippet(text: string, ranges: readonly ChangedRange[]): string {
  if (ranges.length === 0) return "(the changed lines were removed)";
  const lineAt = lineReader(text);
  const parts: string[] = [];
  let lines = 0;
  let chars = 0;
  let printed = 0;
  let full = false;
  for (const range of ranges) {
    if (printed === MAX_SNIPPET_REGIONS || full) break;
    if (printed > 0) parts.push("   ...");
    printed++;
    for (let n = range.start; n <= range.end; n++) {
      const line = numberLine(n, lineAt(n).replace(/\r$/, ""));
      if (lines === MAX_SNIPPET_LINES || chars + line.length > MAX_SNIPPET_CHARS) {
        parts.push(
          `[... ${range.end - n + 1} more lines in this region; Read the file to see them]`,
        );
        full = true;
        break;
      }
      parts.push(line);
      lines++;
      chars += line.length + 1;
    }
  }
  const hidden = ranges.length - printed;
  if (hidden > 0) {
    parts.push(`[${hidden} more changed regions not shown; Read the file to see them]`);
  }
  return parts.join("\n");
}

/** Line n of the text (1-based), for ascending n, without splitting the whole text. */
function lineReader(text: string): (n: number) => string {
  let lineNumber = 1;
  let offset = 0;
  return (n) => {
    for (; lineNumber < n && offset <= text.length; lineNumber++) {
      const nl = text.indexOf("\n", offset);
      offset = nl === -1 ? text.length + 1 : nl + 1;
    }
    const nl = text.indexOf("\n", offset);
    return offset > text.length ? "" : text.slice(offset, nl === -1 ? text.length : nl);
  };
}

function failure(content: string): ToolOutput {
  return { content, isError: true };
}
