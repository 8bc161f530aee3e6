// Fits styled segments to a width: word wrapping for prose, column wrapping for code and diffs,
// truncation with "…" for rows that must stay one row. Done here rather than by Ink so each line
// the renderers produce is exactly one terminal row: the live region's height is then known, and
// wrapped rows never start with the space they broke at.

import type { Segment } from "./segments.ts";
import { displayWidth, takeFirstColumns } from "./terminal-text.ts";

/** Prose: breaks at spaces (dropping them), splits words longer than a row. */
export function wrapWords(segments: readonly Segment[], width: number): Segment[][] {
  const columns = Math.max(1, Math.floor(width));
  const rows: Segment[][] = [];
  let row: Segment[] = [];
  let rowWidth = 0;
  let pendingSpace: Segment[] = [];
  let pendingSpaceWidth = 0;
  let word: Segment[] = [];
  let wordWidth = 0;

  const newRow = () => {
    rows.push(row);
    row = [];
    rowWidth = 0;
  };
  const flushWord = () => {
    if (word.length === 0) return;
    if (rowWidth > 0 && rowWidth + pendingSpaceWidth + wordWidth > columns) {
      newRow();
    } else {
      for (const space of pendingSpace) append(space);
    }
    pendingSpace = [];
    pendingSpaceWidth = 0;
    for (const piece of word) {
      let rest = piece;
      let restWidth = displayWidth(rest.text);
      while (rowWidth + restWidth > columns) {
        if (rowWidth >= columns) {
          newRow();
          continue;
        }
        const head = takeFirstColumns(rest.text, columns - rowWidth);
        if (head === "") {
          newRow();
          continue;
        }
        append({ ...rest, text: head });
        rest = { ...rest, text: rest.text.slice(head.length) };
        restWidth = displayWidth(rest.text);
        newRow();
      }
      if (rest.text !== "") append(rest);
    }
    word = [];
    wordWidth = 0;
  };
  const append = (segment: Segment) => {
    const last = row.at(-1);
    if (last !== undefined && last.style === segment.style) {
      row[row.length - 1] = { ...last, text: last.text + segment.text };
    } else {
      row.push(segment);
    }
    rowWidth += displayWidth(segment.text);
  };

  for (const segment of segments) {
    for (const part of segment.text.split(/(\s+)/)) {
      if (part === "") continue;
      const piece =
        segment.style === undefined ? { text: part } : { text: part, style: segment.style };
      if (/^\s/.test(part)) {
        flushWord();
        // Spaces at the very start of the text are indentation and stay.
        if (rows.length === 0 && rowWidth === 0 && word.length === 0) {
          append(piece);
        } else {
          pendingSpace.push(piece);
          pendingSpaceWidth += part.length;
        }
      } else {
        word.push(piece);
        wordWidth += displayWidth(part);
      }
    }
  }
  flushWord();
  rows.push(row);
  return rows;
}

/** Code and diffs: every column kept, rows broken at the width. */
export function wrapColumns(segments: readonly Segment[], width: number): Segment[][] {
  const columns = Math.max(1, Math.floor(width));
  const rows: Segment[][] = [[]];
  let rowWidth = 0;
  for (const segment of segments) {
    let rest = segment.text;
    while (rest !== "") {
      if (rowWidth >= columns) {
        rows.push([]);
        rowWidth = 0;
      }
      const head =
        takeFirstColumns(rest, columns - rowWidth) || (rowWidth === 0 ? ([...rest][0] ?? "") : "");
      if (head === "") {
        rows.push([]);
        rowWidth = 0;
        continue;
      }
      (rows[rows.length - 1] as Segment[]).push({ ...segment, text: head }); // rows is never empty
      rowWidth += displayWidth(head);
      rest = rest.slice(head.length);
    }
  }
  return rows;
}

/** One row: cut with "…" when too wide. */
export function truncateSegments(segments: readonly Segment[], width: number): Segment[] {
  const columns = Math.max(0, Math.floor(width));
  let total = 0;
  for (const segment of segments) total += displayWidth(segment.text);
  if (total <= columns) return [...segments];
  if (columns === 0) return [];
  const out: Segment[] = [];
  let used = 0;
  for (const segment of segments) {
    const w = displayWidth(segment.text);
    // One column stays free for the "…".
    if (used + w <= columns - 1) {
      out.push(segment);
      used += w;
      continue;
    }
    out.push({ ...segment, text: takeFirstColumns(segment.text, columns - 1 - used) + "…" });
    break;
  }
  return out;
}
