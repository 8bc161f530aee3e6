// Reads a memory file's Markdown line by line: drops block-level HTML comments and marks the lines
// of fenced code blocks, so imports are looked for in prose only. Not a Markdown parser.

export interface MarkdownLine {
  text: string;
  /** 1-based line number in the file as written (before comments were dropped). */
  number: number;
  /** A fence of a fenced code block, or a line inside one. */
  code: boolean;
}

const fenceOpen = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** The lines of `text`, without block-level HTML comments, each marked as code or prose. */
export function markdownLines(text: string): MarkdownLine[] {
  const raw = text.split(/\r?\n/);
  const out: MarkdownLine[] = [];
  let fence: { char: string; length: number } | undefined;
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i] ?? "";
    if (fence) {
      out.push({ text: line, number: i + 1, code: true });
      if (closesFence(line, fence)) fence = undefined;
      continue;
    }
    const open = fenceOpen.exec(line);
    const marker = open?.[1];
    // A backtick fence's info string may not contain a backtick (CommonMark); such a line is prose.
    if (marker && !(marker.startsWith("`") && open[2]?.includes("`"))) {
      fence = { char: marker.charAt(0), length: marker.length };
      out.push({ text: line, number: i + 1, code: true });
      continue;
    }
    const commentEnd = blockCommentEnd(raw, i);
    if (commentEnd !== undefined) {
      i = commentEnd;
      continue;
    }
    out.push({ text: line, number: i + 1, code: false });
  }
  return out;
}

function closesFence(line: string, fence: { char: string; length: number }): boolean {
  const match = /^ {0,3}(`+|~+)\s*$/.exec(line);
  const marker = match?.[1];
  return marker !== undefined && marker.charAt(0) === fence.char && marker.length >= fence.length;
}

/**
 * When line `start` opens an HTML comment that stands on its own lines (nothing but blanks after
 * the closing `-->`), the index of the closing line. A comment sharing a line with text is kept,
 * and so is one never closed: dropping the rest of the file silently would hide too much.
 */
function blockCommentEnd(lines: readonly string[], start: number): number | undefined {
  const first = lines[start] ?? "";
  const open = /^ {0,3}<!--/.exec(first);
  if (!open) return undefined;
  let from = open[0].length;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const close = line.indexOf("-->", i === start ? from : 0);
    if (close !== -1) return line.slice(close + 3).trim() === "" ? i : undefined;
    from = 0;
  }
  return undefined;
}
