// Where streamed Markdown can be cut so that everything before the cut is finished blocks: those
// go to the scrollback at once (printed once, never redrawn), and only the block still being
// written stays in the live region. The rule matches the renderer's block splitter: a block ends
// at a blank line followed by a line at column 0, before a fence at column 0, and after that
// fence closes; blank lines inside fences never cut. Incremental: each line is looked at once.

/** How far a text has been scanned; plain data, kept in the view state between deltas. */
export interface CommitScan {
  /** Offset of the first line not yet scanned (always the start of a line). */
  scanned: number;
  /** The fence the scan is inside: its character, length, and whether it sits at column 0. */
  fence: { char: string; length: number; topLevel: boolean } | undefined;
  /** A blank line came after some content, and no line since. */
  sawBlank: boolean;
  /** Some non-blank text was seen since the start (a leading blank line cuts nothing). */
  sawContent: boolean;
}

export const freshScan: CommitScan = {
  scanned: 0,
  fence: undefined,
  sawBlank: false,
  sawContent: false,
};

const fenceOpen = /^(\s*)(`{3,}|~{3,})/;
const fenceClose = /^\s*(`{3,}|~{3,})\s*$/;

/**
 * Scans the lines of `text` not scanned yet. `cut` is the offset up to which the text is
 * finished blocks (0 when none); `scan` continues from there for `text.slice(cut)`.
 */
export function scanForCommit(text: string, from: CommitScan): { cut: number; scan: CommitScan } {
  let { scanned, fence, sawBlank, sawContent } = from;
  let cut = 0;
  const boundary = (at: number): void => {
    if (sawContent) cut = at;
  };
  for (;;) {
    const newline = text.indexOf("\n", scanned);
    const lineStart = scanned;
    if (newline < 0) {
      // A partial line: its first character already tells whether a block ended before it.
      const first = text[lineStart];
      if (fence === undefined && sawBlank && first !== undefined && !/\s/.test(first)) {
        boundary(lineStart);
      }
      break;
    }
    const line = text.slice(lineStart, newline);
    const next = newline + 1;
    scanned = next;
    if (fence !== undefined) {
      const close = fenceClose.exec(line);
      const marker = close?.[1];
      if (marker !== undefined && marker[0] === fence.char && marker.length >= fence.length) {
        const topLevel = fence.topLevel;
        fence = undefined;
        if (topLevel) {
          boundary(next);
          sawBlank = false;
        }
      }
      continue;
    }
    if (line.trim() === "") {
      if (sawContent) sawBlank = true;
      continue;
    }
    const opener = fenceOpen.exec(line);
    if (opener) {
      const topLevel = (opener[1] ?? "") === "";
      const marker = opener[2] ?? "```";
      if (topLevel) boundary(lineStart);
      fence = { char: marker[0] ?? "`", length: marker.length, topLevel };
      sawBlank = false;
      sawContent = true;
      continue;
    }
    if (sawBlank && !/^\s/.test(line)) boundary(lineStart);
    sawBlank = false;
    sawContent = true;
  }
  if (cut === 0) return { cut, scan: { scanned, fence, sawBlank, sawContent } };
  // What stays is the text from the cut on: an unfinished block, already partly scanned.
  return {
    cut,
    scan: {
      scanned: scanned - cut,
      fence,
      sawBlank: scanned > cut && sawBlank,
      sawContent: scanned > cut,
    },
  };
}
