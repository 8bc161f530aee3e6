// The answer being streamed, in the live region. Finished blocks are drawn as Markdown (laid
// out once, cached); the block still open is shown as plain text until it closes, so a new token
// re-lays out only that block. With maxLines, only the newest rows that fit are drawn.

import { Box } from "ink";
import { useRef } from "react";
import { LinesView } from "./lines-view.tsx";
import { BlocksView, markdownOptions } from "./markdown.tsx";
import { createBlockSplitter, type BlockSplit, type BlockSplitter } from "./markdown-blocks.ts";
import { blockLines, openBlockLines, type MarkdownOptions } from "./markdown-to-lines.ts";
import { useRenderSettings } from "./render-settings.tsx";
import { plainLine, type Line } from "./segments.ts";
import { expandTabs, sanitizeText } from "./terminal-text.ts";
import { newestRows } from "./visible-tail.ts";
import { truncateSegments } from "./wrap.ts";

export interface StreamingMessageProps {
  text: string;
  thinking: string;
  width: number;
  /** Rows the message may take at most (the live region must stay shorter than the screen). */
  maxLines?: number;
}

/** Rows of thinking shown while it streams and no answer text has come yet (header included). */
const THINKING_ROWS = 6;
const THINKING_STYLE = { dim: true, italic: true } as const;

export function StreamingMessage({ text, thinking, width, maxLines }: StreamingMessageProps) {
  const settings = useRenderSettings();
  // The splitter remembers how far the text was split; a text that does not extend the last
  // one (a new answer) starts it over.
  const splitter = useRef<BlockSplitter | undefined>(undefined);
  splitter.current ??= createBlockSplitter();
  const split = splitter.current.push(text);
  const options = markdownOptions(settings, width);

  const budget = maxLines === undefined ? Number.POSITIVE_INFINITY : Math.max(1, maxLines);
  const thinkingPart = thinkingRows(thinking, text !== "", Math.min(budget, THINKING_ROWS), width);

  if (maxLines === undefined) {
    const blocks = split.done.map((source) => blockLines(source, options));
    if (split.open !== undefined)
      blocks.push(openBlockLines(split.open, width, undefined, options));
    return (
      <Box flexDirection="column" width={width}>
        <LinesView lines={thinkingPart} />
        <BlocksView blocks={blocks} />
      </Box>
    );
  }
  const rows = budget - thinkingPart.length;
  const lines = newestRows(newestLinesFirst(split, options, rows), rows);
  return (
    <Box flexDirection="column" width={width}>
      <LinesView lines={[...thinkingPart, ...lines]} />
    </Box>
  );
}

/**
 * The message's rows from the newest back, as the blocks would be joined (a blank row between
 * blocks). Blocks are laid out only as far back as the caller reads (and come from the cache).
 */
export function* newestLinesFirst(
  split: BlockSplit,
  options: MarkdownOptions,
  maxOpenLines: number,
): Generator<Line> {
  let emitted = false;
  const emitBlock = function* (lines: readonly Line[]): Generator<Line> {
    if (lines.length === 0) return;
    if (emitted) yield plainLine("");
    for (let index = lines.length - 1; index >= 0; index--) {
      yield lines[index] as Line; // index is within bounds
    }
    emitted = true;
  };
  if (split.open !== undefined) {
    yield* emitBlock(openBlockLines(split.open, options.width, maxOpenLines, options));
  }
  for (let index = split.done.length - 1; index >= 0; index--) {
    yield* emitBlock(blockLines(split.done[index] as string, options)); // index is within bounds
  }
}

/** While only thinking has come: a header and its newest lines; once the answer starts, a count. */
function thinkingRows(thinking: string, answering: boolean, rows: number, width: number): Line[] {
  const trimmed = sanitizeText(thinking).trim();
  if (trimmed === "" || rows < 1) return [];
  const all = trimmed.split("\n");
  const title = answering
    ? `✻ thinking, ${all.length} line${all.length === 1 ? "" : "s"}`
    : "✻ Thinking…";
  const header: Line = {
    prefix: [],
    segments: truncateSegments([{ text: title, style: THINKING_STYLE }], width),
  };
  if (answering || rows === 1) return [header];
  const tail = all.slice(-(rows - 1)).map((line): Line => ({
    prefix: [{ text: "  " }],
    segments:
      line === ""
        ? []
        : truncateSegments([{ text: expandTabs(line), style: THINKING_STYLE }], width - 2),
  }));
  return [header, ...tail];
}
