// Laying the prompt's text out on screen: lines wrapped to the box's width (at spaces when it
// can), which row and column the cursor is on, and which rows show when there are too many.
// Pure; drawing them is prompt-editor.tsx.

export interface Row {
  /** Offsets of the row's text in the prompt: text[start, end). */
  start: number;
  end: number;
  /** The first row of a line (the others are its wrapped continuations). */
  lineStart: boolean;
}

export interface Layout {
  rows: Row[];
  /** The row holding the cursor. */
  cursorRow: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Rows of at most `width` cells (at least 1) covering `text`, and the cursor's row. */
export function layoutText(text: string, cursor: number, width: number): Layout {
  const columns = Math.max(1, width);
  const rows: Row[] = [];
  let cursorRow = 0;
  let lineOffset = 0;
  for (const line of text.split("\n")) {
    const lineRows = wrapLine(line, lineOffset, columns);
    for (const [i, row] of lineRows.entries()) {
      const isLast = i === lineRows.length - 1;
      // At a wrap point the cursor shows at the start of the next row; at a line's end, on its last.
      if (cursor >= row.start && (cursor < row.end || (isLast && cursor === row.end))) {
        cursorRow = rows.length;
      }
      rows.push(row);
    }
    lineOffset += line.length + 1;
  }
  return { rows, cursorRow };
}

/**
 * The first row to show so the cursor stays in view, moving as little as possible from the
 * previous first row (the view scrolls instead of jumping).
 */
export function firstVisibleRow(
  rowCount: number,
  cursorRow: number,
  previousFirst: number,
  maxRows: number,
): number {
  if (rowCount <= maxRows) return 0;
  let first = Math.min(previousFirst, cursorRow);
  first = Math.max(first, cursorRow - maxRows + 1);
  return Math.max(0, Math.min(first, rowCount - maxRows));
}

/** Terminal cells a grapheme takes: 2 for wide (CJK, most emoji), 1 otherwise. */
export function cellWidth(grapheme: string): number {
  const code = grapheme.codePointAt(0) ?? 0;
  if (code < 0x1100) return 1;
  if (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

function wrapLine(line: string, offset: number, columns: number): Row[] {
  if (line === "") return [{ start: offset, end: offset, lineStart: true }];
  const rows: Row[] = [];
  let rowStart = 0;
  let used = 0;
  /** Just after the last space in the current row: the preferred place to break. */
  let breakAfterSpace = -1;
  for (const { segment, index } of graphemes.segment(line)) {
    const cells = cellWidth(segment);
    if (used + cells > columns && index > rowStart) {
      const end = breakAfterSpace > rowStart ? breakAfterSpace : index;
      rows.push({ start: offset + rowStart, end: offset + end, lineStart: rows.length === 0 });
      used = cellsOf(line.slice(end, index));
      rowStart = end;
      breakAfterSpace = -1;
    }
    used += cells;
    if (segment === " ") breakAfterSpace = index + 1;
  }
  rows.push({ start: offset + rowStart, end: offset + line.length, lineStart: rows.length === 0 });
  return rows;
}

function cellsOf(text: string): number {
  let cells = 0;
  for (const { segment } of graphemes.segment(text)) cells += cellWidth(segment);
  return cells;
}
