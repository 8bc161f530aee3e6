import { describe, expect, it } from "vitest";
import { createCodeHighlighter } from "./highlight.ts";
import { createBlockSplitter } from "./markdown-blocks.ts";
import {
  blockLines,
  createMarkdownCache,
  markdownToLines,
  openBlockLines,
  type MarkdownOptions,
} from "./markdown-to-lines.ts";
import { lineText, segmentsText, type Line, type Segment } from "./segments.ts";
import { displayWidth } from "./terminal-text.ts";

const highlighter = createCodeHighlighter();
const options: MarkdownOptions = { width: 60, color: true, highlighter };

const texts = (lines: Line[]) => lines.map(lineText);
const segmentWith = (lines: Line[], text: string): Segment | undefined =>
  lines.flatMap((line) => [...line.prefix, ...line.segments]).find((s) => s.text === text);

describe("markdown-to-lines", () => {
  it("draws headings bold and coloured, without their hashes", () => {
    const lines = markdownToLines("# Title\n\n### Small", options);
    expect(texts(lines)).toEqual(["Title", "", "Small"]);
    expect(segmentWith(lines, "Title")?.style).toMatchObject({ bold: true, color: "cyan" });
    expect(segmentWith(lines, "Small")?.style).toEqual({ bold: true });
  });

  it("styles emphasis, strong, strikethrough and inline code", () => {
    const lines = markdownToLines("a *it* **bold** ~~gone~~ `code` b", options);
    expect(texts(lines)).toEqual(["a it bold gone code b"]);
    expect(segmentWith(lines, "it")?.style).toEqual({ italic: true });
    expect(segmentWith(lines, "bold")?.style).toEqual({ bold: true });
    expect(segmentWith(lines, "gone")?.style).toEqual({ strikethrough: true });
    expect(segmentWith(lines, "code")?.style).toEqual({ color: "yellow" });
  });

  it("shows a link's text and its URL dimmed, and an autolink once", () => {
    const lines = markdownToLines("see [the docs](https://x.dev/d) or <https://y.dev>", options);
    expect(texts(lines)).toEqual(["see the docs (https://x.dev/d) or https://y.dev"]);
    expect(segmentWith(lines, " (https://x.dev/d)")?.style).toEqual({ dim: true });
    expect(segmentWith(lines, "the docs")?.style).toMatchObject({ color: "blue", underline: true });
  });

  it("decodes character references and keeps escaped characters literal", () => {
    expect(texts(markdownToLines("a &amp; b &lt;c&gt; \\*d\\*", options))).toEqual([
      "a & b <c> *d*",
    ]);
  });

  it("keeps the text's line breaks and word-wraps to the width without leading spaces", () => {
    const long = "word ".repeat(30).trim();
    const lines = markdownToLines(`first\nsecond ${long}`, { ...options, width: 20 });
    expect(texts(lines)[0]).toBe("first");
    for (const text of texts(lines)) {
      expect(displayWidth(text)).toBeLessThanOrEqual(20);
      expect(text.startsWith(" ")).toBe(false);
    }
    expect(texts(lines).join(" ")).toBe(`first second ${long}`);
  });

  it("draws nested and numbered lists with hanging indents", () => {
    const lines = markdownToLines(
      "- top\n  - nested\n    - deeper\n\n8. eight\n9. nine\n10. ten that wraps around",
      { ...options, width: 22 },
    );
    expect(texts(lines)).toEqual([
      "• top",
      "  ◦ nested",
      "    ▪ deeper",
      "",
      " 8. eight",
      " 9. nine",
      "10. ten that wraps",
      "    around",
    ]);
  });

  it("draws task list items with boxes", () => {
    expect(texts(markdownToLines("- [ ] todo\n- [x] done", options))).toEqual(["☐ todo", "☑ done"]);
  });

  it("puts a bar before every row of a block quote, nested content included", () => {
    const lines = markdownToLines("> quoted text that wraps here\n> - item", {
      ...options,
      width: 20,
    });
    expect(texts(lines)).toEqual(["│ quoted text that", "│ wraps here", "│ ", "│ • item"]);
    expect(lines[0]?.prefix[0]?.style).toEqual({ color: "gray" });
  });

  it("aligns table columns and cuts them to the width", () => {
    const table = "| name | n |\n|:--|--:|\n| alpha | 1 |\n| b | 200 |";
    expect(texts(markdownToLines(table, options))).toEqual([
      "name     n",
      "─────  ───",
      "alpha    1",
      "b      200",
    ]);
    const wide = `| a | b |\n|---|---|\n| ${"x".repeat(50)} | ${"y".repeat(50)} |`;
    const lines = markdownToLines(wide, { ...options, width: 30 });
    for (const line of lines) expect(displayWidth(lineText(line))).toBeLessThanOrEqual(30);
    expect(lineText(lines[2] as Line)).toContain("…");
  });

  it("highlights fenced code with colours and indents it, line for line", () => {
    const lines = markdownToLines("```ts\nconst n: number = 1; // one\n\nreturn n;\n```", options);
    expect(texts(lines)).toEqual(["  const n: number = 1; // one", "  ", "  return n;"]);
    expect(segmentWith(lines, "const")?.style?.color).toBe("magenta");
    expect(segmentWith(lines, "// one")?.style?.color).toBe("gray");
    expect(segmentWith(lines, "1")?.style?.color).toBe("yellow");
  });

  it("shows code in an unknown language plain, and wraps long code lines at the column", () => {
    const lines = markdownToLines("```zzz\n" + "x".repeat(25) + "\n```", { ...options, width: 12 });
    expect(texts(lines)).toEqual(["  xxxxxxxxxx", "  xxxxxxxxxx", "  xxxxx"]);
    expect(lines.every((line) => line.segments.every((s) => s.style === undefined))).toBe(true);
  });

  it("draws a thematic break as a rule", () => {
    const lines = markdownToLines("above\n\n---\n\nbelow", { ...options, width: 10 });
    expect(texts(lines)).toEqual(["above", "", "──────────", "", "below"]);
  });

  it("uses no colour at all when colour is off (NO_COLOR), but keeps emphasis", () => {
    const lines = markdownToLines(
      "# T\n\n**b** `c` [l](http://u)\n\n> q\n\n```ts\nconst a = 1;\n```",
      { ...options, color: false },
    );
    const all = lines.flatMap((line) => [...line.prefix, ...line.segments]);
    expect(
      all.some((s) => s.style?.color !== undefined || s.style?.backgroundColor !== undefined),
    ).toBe(false);
    expect(segmentWith(lines, "b")?.style).toEqual({ bold: true });
    expect(texts(lines)).toContain("  const a = 1;");
  });

  it("removes escape sequences the text carries", () => {
    const lines = markdownToLines(
      "safe \u001b]52;c;ZXZpbA==\u0007text \u001b[31mred\u001b[0m",
      options,
    );
    expect(texts(lines)).toEqual(["safe text red"]);
  });

  it("lays out each block of a growing text once, reusing earlier blocks from the cache", () => {
    const cache = createMarkdownCache();
    const withCache = { ...options, cache };
    const blocks = ["# One", "para two", "```js\nlet x = 1;\n```", "- four"];
    const first = blocks.slice(0, 2).join("\n\n");
    const before = blockLines("para two", withCache);
    markdownToLines(first, withCache);
    const misses = cache.stats.misses;
    markdownToLines(blocks.join("\n\n"), withCache);
    // Only the two new blocks were laid out; the old ones came from the cache, same arrays.
    expect(cache.stats.misses - misses).toBe(2);
    expect(blockLines("para two", withCache)).toBe(before);
  });

  it("streams: finished blocks come from the cache, the open one is plain text", () => {
    const cache = createMarkdownCache();
    const withCache = { ...options, cache };
    const splitter = createBlockSplitter();
    const text = "Intro **bold**\n\n```ts\nconst a = 1;\n```\n\nTail *not yet";
    for (let at = 1; at <= text.length; at++) {
      const split = splitter.push(text.slice(0, at));
      for (const source of split.done) blockLines(source, withCache);
    }
    expect(cache.stats.misses).toBe(2);
    const { open } = splitter.push(text);
    expect(open).toBeDefined();
    expect(texts(openBlockLines(open ?? { source: "" }, 60))).toEqual(["Tail *not yet"]);
  });

  it("shows an unclosed code block as plain indented code, from its last lines", () => {
    const open = { source: "```ts\na\nb\nc", code: { language: "ts", text: "a\nb\nc" } };
    expect(texts(openBlockLines(open, 40, 2))).toEqual(["  b", "  c"]);
  });

  it("never produces a row wider than the width", () => {
    const md = [
      "# A heading that is quite long indeed and goes on",
      "Paragraph with `inline code that is long` and a https://very.long.example.com/path/that/goes/on",
      "- list item with enough words to wrap\n  - nested one with more words to wrap",
      "> quote with words and words and words",
      "| col | col2 |\n|---|---|\n| some long cell text | another long cell text here |",
      "```\n" + "y".repeat(100) + "\n```",
    ].join("\n\n");
    for (const width of [10, 24, 40]) {
      for (const line of markdownToLines(md, { ...options, width })) {
        expect(displayWidth(lineText(line))).toBeLessThanOrEqual(width);
      }
    }
  });

  it("produces segments whose text never contains a line break", () => {
    const lines = markdownToLines("a  \nb<br>c\n\n- x\n  y", options);
    for (const line of lines) expect(segmentsText(line.segments)).not.toContain("\n");
    expect(texts(lines)).toEqual(["a", "b", "c", "", "• x", "  y"]);
  });
});
