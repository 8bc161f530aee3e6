// Splits Markdown into top-level blocks as it streams, so finished blocks are laid out once and
// only the block still being written changes. Not a Markdown parser: marked parses each block.

/**
 * The block still being written: its source so far, and when it is a fenced code block that has
 * not closed yet, the language and the code so far (shown as code, highlighted once it closes).
 */
export interface OpenBlock {
  source: string;
  code?: { language: string | undefined; text: string };
}

export interface BlockSplit {
  /** Finished blocks, oldest first; the array and its strings are reused as text grows. */
  done: readonly string[];
  open: OpenBlock | undefined;
}

export interface BlockSplitter {
  /** Takes the whole text so far; text that does not extend the last one starts over. */
  push(text: string): BlockSplit;
}

interface Fence {
  char: string;
  length: number;
  /** At column 0: the fence is a block of its own, finished when it closes. */
  topLevel: boolean;
  language: string | undefined;
  bodyStart: number;
}

const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^\s*(`{3,}|~{3,})\s*$/;

/**
 * A block ends at a blank line followed by a line starting at column 0 (an indented line after
 * a blank one continues a list item), before a fence at column 0, and after that fence closes.
 * Blank lines inside fences never split. Each line is classified once, when its "\n" arrives;
 * only a partial line's first character is looked at early.
 */
export function createBlockSplitter(): BlockSplitter {
  let text = "";
  let scanned = 0;
  let blockStart = -1;
  let sawBlank = false;
  let fence: Fence | undefined;
  let done: string[] = [];

  const commit = (from: number, to: number) => {
    const source = text.slice(from, to).trimEnd();
    if (source.trim() !== "") done.push(source);
    blockStart = -1;
  };

  const classify = (line: string, lineStart: number, nextStart: number) => {
    if (fence !== undefined) {
      const close = FENCE_CLOSE.exec(line);
      if (close?.[1]?.[0] === fence.char && close[1].length >= fence.length) {
        const topLevel = fence.topLevel;
        fence = undefined;
        if (topLevel) commit(blockStart, nextStart);
      }
      return;
    }
    if (line.trim() === "") {
      if (blockStart >= 0) sawBlank = true;
      return;
    }
    const opener = fenceOpener(line, nextStart);
    if (opener?.topLevel === true) {
      if (blockStart >= 0) commit(blockStart, lineStart);
      blockStart = lineStart;
      sawBlank = false;
      fence = opener;
      return;
    }
    if (blockStart >= 0 && sawBlank && !/^\s/.test(line)) commit(blockStart, lineStart);
    if (blockStart < 0) blockStart = lineStart;
    sawBlank = false;
    fence = opener;
  };

  return {
    push(next) {
      if (!next.startsWith(text)) {
        scanned = 0;
        blockStart = -1;
        sawBlank = false;
        fence = undefined;
        // A new array: splits handed out earlier stay as they were.
        done = [];
      }
      text = next;
      for (let nl = text.indexOf("\n", scanned); nl !== -1; nl = text.indexOf("\n", scanned)) {
        classify(text.slice(scanned, nl), scanned, nl + 1);
        scanned = nl + 1;
      }
      // A partial line that starts at column 0 after a blank line already ends the block above.
      const partial = text.slice(scanned);
      if (fence === undefined && partial.trim() !== "") {
        if (blockStart >= 0 && sawBlank && !/^\s/.test(partial)) {
          commit(blockStart, scanned);
          sawBlank = false;
        }
        if (blockStart < 0) blockStart = scanned;
      }
      return { done, open: openBlock() };
    },
  };

  function openBlock(): OpenBlock | undefined {
    if (blockStart < 0) return undefined;
    const source = text.slice(blockStart).trimEnd();
    if (source.trim() === "") return undefined;
    if (fence?.topLevel === true) {
      return { source, code: { language: fence.language, text: text.slice(fence.bodyStart) } };
    }
    return { source };
  }
}

function fenceOpener(line: string, bodyStart: number): Fence | undefined {
  const match = FENCE_OPEN.exec(line);
  if (match === null) return undefined;
  const [, indent = "", marks = "", info = ""] = match;
  // A backtick fence's info string cannot contain a backtick (that is inline code).
  if (marks.startsWith("`") && info.includes("`")) return undefined;
  const language = info
    .trim()
    .split(/\s+/)[0]
    ?.replace(/^\{?\.?|\}$/g, "");
  return {
    char: marks[0] ?? "`",
    length: marks.length,
    topLevel: indent === "",
    language: language === undefined || language === "" ? undefined : language,
    bodyStart,
  };
}

/** All blocks of a finished text, the same ones the streaming split produces. */
export function splitBlocks(text: string): string[] {
  const { done, open } = createBlockSplitter().push(text);
  return open === undefined ? [...done] : [...done, open.source];
}
