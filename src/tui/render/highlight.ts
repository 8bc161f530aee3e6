// Syntax highlighting of fenced code blocks: highlight.js's core with a dozen common languages,
// its HTML output turned back into styled segments line by line. Not for Markdown itself.

import type { HLJSApi } from "highlight.js";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import type { Segment, Style } from "./segments.ts";
import { codePalette } from "./theme.ts";

const LANGUAGES = {
  typescript,
  javascript,
  json,
  bash,
  python,
  go,
  rust,
  diff,
  yaml,
  markdown,
  css,
  xml,
} as const;

/** Fence names highlight.js does not know itself. */
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  shell: "bash",
  console: "bash",
  shellsession: "bash",
  terminal: "bash",
  cts: "typescript",
  mts: "typescript",
};

/** Above this size (about 1,000 lines) a block is shown plain: highlighting it would stall. */
const MAX_HIGHLIGHT_CHARS = 50_000;

export interface CodeHighlighter {
  /**
   * The code's lines as styled segments, or undefined when the language is unknown (or missing)
   * and the block should be shown plain.
   */
  highlight(code: string, language: string | undefined): Segment[][] | undefined;
}

/**
 * A highlighter with its own highlight.js instance. The instance and its languages are set up on
 * the first call, and each language compiles its grammar the first time it is used.
 */
export function createCodeHighlighter(): CodeHighlighter {
  let engine: HLJSApi | undefined;
  const setUp = (): HLJSApi => {
    const instance = hljs.newInstance();
    for (const [name, definition] of Object.entries(LANGUAGES)) {
      instance.registerLanguage(name, definition);
    }
    instance.configure({ ignoreUnescapedHTML: true, throwUnescapedHTML: false });
    return instance;
  };
  return {
    highlight(code, language) {
      if (language === undefined || code.length > MAX_HIGHLIGHT_CHARS) return undefined;
      const name = language.toLowerCase();
      engine ??= setUp();
      const resolved = Object.hasOwn(EXTRA_ALIASES, name) ? (EXTRA_ALIASES[name] ?? name) : name;
      if (engine.getLanguage(resolved) === undefined) return undefined;
      let html: string;
      try {
        html = engine.highlight(code, { language: resolved, ignoreIllegals: true }).value;
      } catch {
        // A grammar that fails on some input costs the block its colours, not the screen.
        return undefined;
      }
      return htmlToLines(html);
    },
  };
}

const TAG_OR_TEXT = /<span class="([^"]*)">|<\/span>|[^<]+/g;

/**
 * highlight.js's output (text with HTML entities inside nested `<span class="hljs-…">`) as lines
 * of segments. Spans may cross line ends (block comments, template strings).
 */
export function htmlToLines(html: string): Segment[][] {
  const lines: Segment[][] = [[]];
  const styles: Array<Style | undefined> = [];
  for (const match of html.matchAll(TAG_OR_TEXT)) {
    const token = match[0];
    if (match[1] !== undefined) {
      styles.push(scopeStyle(match[1], styles.at(-1)));
    } else if (token === "</span>") {
      styles.pop();
    } else {
      const style = styles.at(-1);
      const parts = decodeEntities(token).split("\n");
      parts.forEach((part, index) => {
        if (index > 0) lines.push([]);
        if (part === "") return;
        const line = lines[lines.length - 1] as Segment[]; // lines is never empty
        const last = line.at(-1);
        if (last !== undefined && last.style === style) last.text += part;
        else line.push(style === undefined ? { text: part } : { text: part, style });
      });
    }
  }
  return lines;
}

/** The style of a span: its scope's entry in the palette, else the enclosing span's. */
function scopeStyle(classes: string, enclosing: Style | undefined): Style | undefined {
  const [first, ...rest] = classes.split(" ");
  if (first === undefined || !first.startsWith("hljs-")) return enclosing;
  // "hljs-title function_ invoke__" is the scope "title.function.invoke".
  const parts = [first.slice(5), ...rest.map((part) => part.replace(/_+$/, ""))];
  for (let length = parts.length; length > 0; length--) {
    const key = parts.slice(0, length).join(".");
    if (Object.hasOwn(codePalette, key)) return codePalette[key] ?? undefined;
  }
  return enclosing;
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** Decodes the named and numeric character references found in HTML text. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith("#")) {
      const code =
        body[1] === "x" || body[1] === "X"
          ? Number.parseInt(body.slice(2), 16)
          : Number.parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    const name = body.toLowerCase();
    return Object.hasOwn(ENTITIES, name) ? (ENTITIES[name] ?? whole) : whole;
  });
}
