// Markdown to styled terminal rows (segments.ts), without Ink: headings, emphasis, inline code,
// links, nested lists, block quotes, tables cut to the width, highlighted code blocks, rules.
// Blocks are laid out one at a time and remembered by source, so a growing answer re-lays out
// only its end.

import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import type { CodeHighlighter } from "./highlight.ts";
import { decodeEntities } from "./highlight.ts";
import type { OpenBlock } from "./markdown-blocks.ts";
import { splitBlocks } from "./markdown-blocks.ts";
import {
  plainLine,
  prefixRows,
  segmentsText,
  withoutColor,
  type Line,
  type Segment,
  type Style,
} from "./segments.ts";
import { displayWidth, expandTabs, sanitizeText } from "./terminal-text.ts";
import { theme } from "./theme.ts";
import { truncateSegments, wrapColumns, wrapWords } from "./wrap.ts";

export interface MarkdownOptions {
  /** Columns available: prose is word-wrapped to it, code wrapped at it, tables cut to it. */
  width: number;
  /** False under NO_COLOR: no colours in the output (bold, italic, dim… remain). */
  color: boolean;
  /** Highlights fenced code; without one (or without colour) code is plain. */
  highlighter?: CodeHighlighter | undefined;
  /** Reuses the lines of blocks laid out before with the same width and colour. */
  cache?: MarkdownCache | undefined;
}

/** Lines of each block source seen, most recently used last, up to a limit. */
export interface MarkdownCache {
  get(source: string, width: number, color: boolean): Line[] | undefined;
  set(source: string, width: number, color: boolean, lines: Line[]): void;
  readonly stats: { hits: number; misses: number };
}

export function createMarkdownCache(maxBlocks = 2000): MarkdownCache {
  // Keyed by the block's source string itself: the splitter hands out the same string objects
  // while an answer streams, so lookups do not rehash long sources.
  const entries = new Map<string, { width: number; color: boolean; lines: Line[] }>();
  const stats = { hits: 0, misses: 0 };
  return {
    stats,
    get(source, width, color) {
      const entry = entries.get(source);
      if (entry === undefined || entry.width !== width || entry.color !== color) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      entries.delete(source);
      entries.set(source, entry);
      return entry.lines;
    },
    set(source, width, color, lines) {
      entries.delete(source);
      entries.set(source, { width, color, lines });
      if (entries.size > maxBlocks) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
    },
  };
}

/** The whole text as lines: its blocks separated by one blank line. */
export function markdownToLines(markdown: string, options: MarkdownOptions): Line[] {
  return joinBlocks(splitBlocks(markdown).map((block) => blockLines(block, options)));
}

/** One block's lines, from the cache when it has them. */
export function blockLines(source: string, options: MarkdownOptions): Line[] {
  const width = Math.max(1, Math.floor(options.width));
  const cached = options.cache?.get(source, width, options.color);
  if (cached !== undefined) return cached;
  // Highlighting only adds colour: without colour it is skipped.
  const layout: Layout = { highlighter: options.color ? options.highlighter : undefined };
  let lines = blockTokensLines(Lexer.lex(sanitizeText(source)), width, layout, 0);
  if (!options.color) lines = lines.map(stripColor);
  options.cache?.set(source, width, options.color, lines);
  return lines;
}

/** Blocks' lines with a blank line between consecutive non-empty blocks. */
export function joinBlocks(blocks: readonly Line[][]): Line[] {
  const lines: Line[] = [];
  for (const block of blocks) {
    if (block.length === 0) continue;
    if (lines.length > 0) lines.push(plainLine(""));
    for (const line of block) lines.push(line);
  }
  return lines;
}

/**
 * The block still being streamed, from at most its last `maxLines` rows. With `options` it is
 * drawn as it will be when done, so its rows reach the scrollback unchanged (and are not written
 * to the terminal twice): a short block is laid out as Markdown (headings, bullets, emphasis), a
 * short unclosed code block highlighted, the line being typed included. Without options, or for a
 * long block (laid out again on every token, that would cost too much), its raw text is shown as
 * plain wrapped rows.
 */
export function openBlockLines(
  open: OpenBlock,
  width: number,
  maxLines = Number.POSITIVE_INFINITY,
  options?: MarkdownOptions,
): Line[] {
  const columns = Math.max(1, Math.floor(width));
  const tail = (lines: Line[]): Line[] =>
    Number.isFinite(maxLines) ? lines.slice(-Math.max(1, maxLines)) : lines;
  if (options !== undefined) {
    if (open.code !== undefined) {
      const highlighter = options.color ? options.highlighter : undefined;
      const highlighted = highlighter && highlightedOpenCode(open.code, highlighter);
      if (highlighted) return tail(highlighted.flatMap((segments) => codeRows(segments, columns)));
    } else if (open.source.length <= MAX_OPEN_MARKDOWN_CHARS) {
      return tail(blockLines(open.source, { ...options, width: columns, cache: undefined }));
    }
  }
  // A source line longer than the rows it could fill is cut to its end first, so one huge line
  // is not re-wrapped whole on every token.
  const limit = Number.isFinite(maxLines) ? (maxLines + 1) * columns : Number.POSITIVE_INFINITY;
  const clip = (line: string) =>
    line.length > limit ? "…" + line.slice(line.length - limit) : line;
  if (open.code !== undefined) {
    return lastLines(open.code.text.replace(/\n$/, ""), maxLines).flatMap((line) =>
      codeRows(line === "" ? [] : [{ text: expandTabs(clip(line)) }], columns),
    );
  }
  return lastLines(open.source, maxLines).flatMap((line) =>
    wrapWords([{ text: expandTabs(clip(line)) }], columns).map((segments) => ({
      prefix: [],
      segments,
    })),
  );
}

/** Open blocks up to this size are laid out as Markdown on every token. */
const MAX_OPEN_MARKDOWN_CHARS = 4_000;
/** Open code blocks longer than this are shown plain until done: each token highlights all. */
const MAX_OPEN_HIGHLIGHT_LINES = 100;
/** The last open code highlighted, so a frame without new code does not highlight again. */
let openHighlight: { key: string; language: string | undefined; lines: Segment[][] } | undefined;

function highlightedOpenCode(
  code: { language: string | undefined; text: string },
  highlighter: CodeHighlighter,
): Segment[][] | undefined {
  const expanded = code.text
    .replace(/\n$/, "")
    .split("\n")
    .map((line) => expandTabs(line));
  if (expanded.length > MAX_OPEN_HIGHLIGHT_LINES) return undefined;
  const key = expanded.join("\n");
  if (openHighlight?.key !== key || openHighlight.language !== code.language) {
    const result = highlighter.highlight(key, code.language);
    if (result === undefined) return undefined;
    openHighlight = { key, language: code.language, lines: result };
  }
  return openHighlight.lines;
}

/** The last `count` lines of a text, found from its end. */
function lastLines(text: string, count: number): string[] {
  if (!Number.isFinite(count)) return sanitizeText(text).split("\n");
  let start = text.length;
  for (let found = 0; found < count && start > 0; found++) {
    start = text.lastIndexOf("\n", start - 1);
    if (start === -1) {
      start = 0;
      break;
    }
  }
  const tail = start === 0 ? text : text.slice(start + 1);
  return sanitizeText(tail).split("\n");
}

/** What every nested block is laid out with, besides its width. */
interface Layout {
  highlighter: CodeHighlighter | undefined;
}

const CODE_INDENT = "  ";
const BULLETS = ["•", "◦", "▪"];

function blockTokensLines(tokens: Token[], width: number, layout: Layout, depth: number): Line[] {
  return joinBlocks(tokens.map((token) => tokenLines(token, width, layout, depth)));
}

function tokenLines(token: Token, width: number, layout: Layout, depth: number): Line[] {
  // No marked extensions are registered, so every token is one of marked's own.
  const known = token as MarkedToken;
  switch (known.type) {
    case "space":
    case "def":
    case "checkbox":
      return [];
    case "heading":
      return proseLines(inlineSegments(known.tokens, headingStyle(known.depth)), width);
    case "paragraph":
      return proseLines(inlineSegments(known.tokens, undefined), width);
    case "text":
      return proseLines(
        known.tokens === undefined
          ? [{ text: expandTabs(decodeEntities(known.text)) }]
          : inlineSegments(known.tokens, undefined),
        width,
      );
    case "code":
      return codeLines(
        known.text,
        known.codeBlockStyle === "indented" ? undefined : known.lang,
        width,
        layout,
      );
    case "blockquote":
      return blockTokensLines(known.tokens, Math.max(1, width - 2), layout, depth).map((line) => ({
        ...line,
        prefix: [{ text: "│ ", style: { color: theme.quoteBar } }, ...line.prefix],
      }));
    case "list":
      return listLines(known, width, layout, depth);
    case "list_item":
      return blockTokensLines(known.tokens, width, layout, depth);
    case "table":
      return tableLines(known, width);
    case "hr":
      return [
        {
          prefix: [],
          segments: [{ text: "─".repeat(Math.min(width, 80)), style: { color: theme.rule } }],
        },
      ];
    case "html":
      return proseLines([{ text: expandTabs(known.text.trimEnd()) }], width);
    case "br":
    case "codespan":
    case "del":
    case "em":
    case "escape":
    case "image":
    case "link":
    case "strong":
      return proseLines(inlineSegments([known], undefined), width);
    default: {
      const unhandled: never = known;
      const raw = (unhandled as { raw?: unknown }).raw;
      return typeof raw === "string"
        ? proseLines([{ text: expandTabs(raw.trimEnd()) }], width)
        : [];
    }
  }
}

function headingStyle(depth: number): Style {
  if (depth === 1) return { bold: true, underline: true, color: theme.heading };
  if (depth === 2) return { bold: true, color: theme.heading };
  return { bold: true };
}

/** Inline segments (with "\n" for line breaks) word-wrapped into rows. */
function proseLines(segments: readonly Segment[], width: number): Line[] {
  return splitIntoLines(segments).flatMap((line) =>
    wrapWords(line, width).map((row) => ({ prefix: [], segments: row })),
  );
}

function codeLines(
  code: string,
  language: string | undefined,
  width: number,
  layout: Layout,
): Line[] {
  const expanded = code.split("\n").map((line) => expandTabs(line));
  const highlighted = layout.highlighter?.highlight(expanded.join("\n"), language);
  const lines = highlighted ?? expanded.map((line) => (line === "" ? [] : [{ text: line }]));
  return lines.flatMap((segments) => codeRows(segments, width));
}

/** A code line wrapped at the column, each row indented. */
function codeRows(segments: Segment[], width: number): Line[] {
  const rows = wrapColumns(segments, Math.max(1, width - CODE_INDENT.length));
  return prefixRows(rows, [{ text: CODE_INDENT }], [{ text: CODE_INDENT }]);
}

function listLines(list: Tokens.List, width: number, layout: Layout, depth: number): Line[] {
  const start = typeof list.start === "number" ? list.start : 1;
  const widest = list.ordered ? String(start + list.items.length - 1).length : 0;
  const lines: Line[] = [];
  list.items.forEach((item, index) => {
    let marker = list.ordered
      ? `${String(start + index).padStart(widest)}.`
      : (BULLETS[depth % BULLETS.length] ?? "•");
    if (item.task) marker = list.ordered ? `${marker} ${checkbox(item)}` : checkbox(item);
    const markerText = `${marker} `;
    const indent = displayWidth(markerText);
    const children = item.tokens.filter((token) => token.type !== "checkbox");
    const childLines = item.loose
      ? blockTokensLines(children, Math.max(1, width - indent), layout, depth + 1)
      : children.flatMap((token) =>
          tokenLines(token, Math.max(1, width - indent), layout, depth + 1),
        );
    if (item.loose && index > 0) lines.push(plainLine(""));
    if (childLines.length === 0) {
      lines.push({
        prefix: [{ text: markerText, style: markerStyle(list) }],
        segments: [],
      });
      return;
    }
    childLines.forEach((line, at) => {
      const lead: Segment =
        at === 0 ? { text: markerText, style: markerStyle(list) } : { text: " ".repeat(indent) };
      lines.push({ ...line, prefix: [lead, ...line.prefix] });
    });
  });
  return lines;
}

function checkbox(item: Tokens.ListItem): string {
  return item.checked === true ? "☑" : "☐";
}

function markerStyle(list: Tokens.List): Style | undefined {
  return list.ordered ? undefined : { color: theme.bullet };
}

const COLUMN_GAP = "  ";

/** Columns as wide as their widest cell; when too wide, the widest are narrowed to fit. */
function tableLines(table: Tokens.Table, width: number): Line[] {
  const header = table.header.map((cell) => cellSegments(cell));
  const rows = table.rows.map((row) => row.map((cell) => cellSegments(cell)));
  const count = header.length;
  const natural = Array.from({ length: count }, (_, column) =>
    Math.max(
      1,
      displayWidth(segmentsText(header[column] ?? [])),
      ...rows.map((row) => displayWidth(segmentsText(row[column] ?? []))),
    ),
  );
  const available = width - COLUMN_GAP.length * (count - 1);
  const widths = fitColumns(natural, available);
  const row = (cells: Segment[][], style: Style | undefined): Line => {
    const segments: Segment[] = [];
    widths.forEach((columnWidth, column) => {
      if (column > 0) segments.push({ text: COLUMN_GAP });
      const fitted = fitCell(cells[column] ?? [], columnWidth, table.align[column] ?? null);
      segments.push(
        ...(style === undefined
          ? fitted
          : fitted.map((s) => ({ ...s, style: { ...style, ...s.style } }))),
      );
    });
    // Columns narrowed to 3 may still not fit: then the row is cut.
    return { prefix: [], segments: truncateSegments(segments, width) };
  };
  return [
    row(header, { bold: true }),
    {
      prefix: [],
      segments: truncateSegments(
        [
          {
            text: widths.map((columnWidth) => "─".repeat(columnWidth)).join(COLUMN_GAP),
            style: { color: theme.rule },
          },
        ],
        width,
      ),
    },
    ...rows.map((cells) => row(cells, undefined)),
  ];
}

function cellSegments(cell: Tokens.TableCell): Segment[] {
  return inlineSegments(cell.tokens, undefined).map((segment) => ({
    ...segment,
    text: segment.text.replace(/\n/g, " "),
  }));
}

/** The largest cap on column widths that fits the total in `available` (at least 3 each). */
function fitColumns(natural: number[], available: number): number[] {
  const total = natural.reduce((sum, w) => sum + w, 0);
  if (total <= available) return natural;
  let low = 3;
  let high = Math.max(3, ...natural);
  while (low < high) {
    const cap = Math.ceil((low + high) / 2);
    const sum = natural.reduce((acc, w) => acc + Math.min(w, cap), 0);
    if (sum <= available) low = cap;
    else high = cap - 1;
  }
  return natural.map((w) => Math.min(w, low));
}

function fitCell(
  segments: Segment[],
  columnWidth: number,
  align: "center" | "left" | "right" | null,
): Segment[] {
  const fitted = truncateSegments(segments, columnWidth);
  const used = displayWidth(segmentsText(fitted));
  const pad = Math.max(0, columnWidth - used);
  const left = align === "right" ? pad : align === "center" ? Math.floor(pad / 2) : 0;
  if (left > 0) fitted.unshift({ text: " ".repeat(left) });
  if (pad - left > 0) fitted.push({ text: " ".repeat(pad - left) });
  return fitted;
}

/** Inline tokens as segments; "\n" inside a segment's text marks a line break. */
function inlineSegments(tokens: Token[], outer: Style | undefined): Segment[] {
  const out: Segment[] = [];
  const push = (text: string, style: Style | undefined) => {
    if (text === "") return;
    const merged =
      style === undefined ? outer : outer === undefined ? style : { ...outer, ...style };
    out.push(merged === undefined ? { text } : { text, style: merged });
  };
  const nest = (children: Token[], style: Style | undefined) => {
    const merged =
      style === undefined ? outer : outer === undefined ? style : { ...outer, ...style };
    out.push(...inlineSegments(children, merged));
  };
  for (const token of tokens) {
    const known = token as MarkedToken; // as in tokenLines: no extensions
    switch (known.type) {
      case "text":
        if (known.tokens !== undefined) nest(known.tokens, undefined);
        else push(expandTabs(decodeEntities(known.text)), undefined);
        break;
      case "escape":
        push(known.text, undefined);
        break;
      case "strong":
        nest(known.tokens, { bold: true });
        break;
      case "em":
        nest(known.tokens, { italic: true });
        break;
      case "del":
        nest(known.tokens, { strikethrough: true });
        break;
      case "codespan":
        push(known.text.replace(/\n/g, " "), { color: theme.inlineCode });
        break;
      case "br":
        push("\n", undefined);
        break;
      case "link": {
        nest(known.tokens, { color: theme.link, underline: true });
        const urlIsText = known.href === known.text || known.href === `mailto:${known.text}`;
        if (!urlIsText) {
          push(` (${known.href})`, { dim: true });
        }
        break;
      }
      case "image":
        push(known.text === "" ? "image" : known.text, { italic: true });
        push(` (${known.href})`, { dim: true });
        break;
      case "html":
        push(/^<br\s*\/?>$/i.test(known.text) ? "\n" : known.text, undefined);
        break;
      case "checkbox":
      case "space":
      case "def":
        break;
      case "heading":
      case "paragraph":
      case "code":
      case "blockquote":
      case "list":
      case "list_item":
      case "table":
      case "hr":
        push(known.raw, undefined);
        break;
      default: {
        const unhandled: never = known;
        const raw = (unhandled as { raw?: unknown }).raw;
        if (typeof raw === "string") push(raw, undefined);
      }
    }
  }
  return out;
}

/** Segments cut at each "\n" into the lines they make. */
function splitIntoLines(segments: readonly Segment[]): Segment[][] {
  const lines: Segment[][] = [[]];
  for (const segment of segments) {
    const parts = segment.text.split("\n");
    parts.forEach((part, index) => {
      if (index > 0) lines.push([]);
      // lines starts with one entry and only grows.
      if (part !== "") (lines[lines.length - 1] as Segment[]).push({ ...segment, text: part });
    });
  }
  return lines;
}

function stripColor(line: Line): Line {
  const strip = (segment: Segment): Segment => {
    const style = withoutColor(segment.style);
    return style === undefined ? { text: segment.text } : { text: segment.text, style };
  };
  return { ...line, prefix: line.prefix.map(strip), segments: line.segments.map(strip) };
}
