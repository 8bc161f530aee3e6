// A unified diff as coloured rows: additions green, removals red, hunk headers cyan, file
// headers dim; cut after about 40 rows with a count of what was left out. Pure, no Ink.

import type { ToolDisplay } from "../types.ts";
import { prefixRows, type Line, type Style } from "./segments.ts";
import { expandTabs, sanitizeText } from "./terminal-text.ts";
import { theme } from "./theme.ts";
import { truncateSegments, wrapColumns } from "./wrap.ts";

export type DiffDisplay = Extract<ToolDisplay, { type: "diff" }>;

export const DIFF_MAX_ROWS = 40;

const INDENT = [{ text: "  " }];

export function diffToLines(
  diff: DiffDisplay,
  options: { width: number; maxRows?: number },
): Line[] {
  const maxRows = options.maxRows ?? DIFF_MAX_ROWS;
  const source = sanitizeText(diff.unifiedDiff).replace(/\n$/, "");
  const all = source === "" ? [] : source.split("\n");
  const columns = Math.max(1, options.width - 2);
  const lines: Line[] = [];
  let shown = 0;
  let inHunk = false;
  for (const text of all) {
    inHunk ||= text.startsWith("@@");
    const rows = wrapColumns(
      [{ text: expandTabs(text), style: diffLineStyle(text, inHunk) }],
      columns,
    );
    // When lines are left out, the last allowed row goes to the note saying so.
    const reserve = shown + 1 < all.length ? 1 : 0;
    if (lines.length + rows.length > maxRows - reserve) break;
    lines.push(...prefixRows(rows, INDENT, INDENT));
    shown++;
  }
  const hidden = all.length - shown;
  if (hidden > 0 || diff.truncated) {
    const parts: string[] = [];
    if (hidden > 0) parts.push(`… ${hidden} more line${hidden === 1 ? "" : "s"}`);
    if (diff.truncated) parts.push("(diff cut short)");
    lines.push({
      prefix: INDENT,
      segments: truncateSegments([{ text: parts.join(" "), style: { dim: true } }], columns),
    });
  }
  return lines;
}

/** `inHunk`: an @@ line came before, so "---" is a removed line and not a file header. */
function diffLineStyle(line: string, inHunk: boolean): Style | undefined {
  if (!inHunk) return { dim: true };
  if (line.startsWith("@@")) return { color: theme.hunk };
  if (line.startsWith("+")) return { color: theme.added };
  if (line.startsWith("-")) return { color: theme.removed };
  if (line.startsWith("\\")) return { dim: true };
  return undefined;
}
