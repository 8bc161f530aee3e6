// Finds the `@path` import references in the prose lines of a memory file. Resolving and reading
// the files they name is expand-imports.ts's job.

import type { MarkdownLine } from "./markdown-lines.ts";

export interface ImportRef {
  /** The path as written after `@`, trailing punctuation removed. */
  spec: string;
  /** 1-based line number in the importing file. */
  line: number;
}

// `@` at the start of a line or after whitespace, so `a@b.c` (an address) is never a reference.
const reference = /(?<=^|\s)@(\S+)/g;
// Sentence punctuation after a reference ("see @docs/style.md.") is not part of the path.
const trailingPunctuation = /[.,;:!?)\]}"'>]+$/;

export function findImportRefs(lines: readonly MarkdownLine[]): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const line of lines) {
    if (line.code || !line.text.includes("@")) continue;
    const spans = codeSpans(line.text);
    for (const match of line.text.matchAll(reference)) {
      const at = match.index;
      if (spans.some(([from, to]) => at >= from && at < to)) continue;
      const spec = (match[1] ?? "").replace(trailingPunctuation, "");
      if (spec === "" || spec.startsWith("@") || spec.includes("://")) continue;
      refs.push({ spec, line: line.number });
    }
  }
  return refs;
}

/**
 * The [start, end) ranges of inline code spans on one line: a run of n backticks up to the next
 * run of exactly n. Spans that continue onto the next line are not recognised (kept simple on
 * purpose; such spans are rare in instruction files).
 */
export function codeSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, length: m[0].length }));
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i];
    if (!open) continue;
    const closeIndex = runs.findIndex((run, j) => j > i && run.length === open.length);
    const close = runs[closeIndex];
    if (!close) continue;
    spans.push([open.at, close.at + close.length]);
    i = closeIndex;
  }
  return spans;
}
