// Plain-text helpers for what reaches the terminal: removing escape sequences that model or tool
// text could smuggle in, expanding tabs, and measuring columns. No styling here (see segments.ts).

// CSI (cursor moves, colours), OSC (titles, hyperlinks, clipboard writes) and two-byte escapes.
// Ink keeps SGR and OSC sequences it finds in text; text we did not write must not carry them
// (an OSC 52 in a tool's output would set the user's clipboard).
const ESCAPE_SEQUENCE =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[\s\S]?/g;
// C0 controls except tab and newline, DEL and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text without escape sequences or control characters other than "\n" and "\t". */
export function sanitizeText(text: string): string {
  if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text)) return text;
  return text.replace(ESCAPE_SEQUENCE, "").replace(/\r\n/g, "\n").replace(CONTROL, "");
}

/**
 * Tabs replaced by spaces up to the next multiple of `tabSize` columns. Terminal width tables
 * count a tab as zero columns, so a tab left in would break the layout Ink computes.
 */
export function expandTabs(line: string, tabSize = 4): string {
  if (!line.includes("\t")) return line;
  let out = "";
  let column = 0;
  for (const char of line) {
    if (char === "\t") {
      const pad = tabSize - (column % tabSize);
      out += " ".repeat(pad);
      column += pad;
    } else if (char === "\n") {
      out += char;
      column = 0;
    } else {
      out += char;
      column += charWidth(char.codePointAt(0) ?? 0);
    }
  }
  return out;
}

/** Columns a string takes in a terminal (no escape sequences expected). */
export function displayWidth(text: string): number {
  // Fast path: printable ASCII is one column per character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/** The longest start of `text` that fits in `columns`, with "…" when something was cut. */
export function truncateToWidth(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  if (columns <= 0) return "";
  let out = "";
  let width = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (width + w > columns - 1) break;
    out += char;
    width += w;
  }
  return out + "…";
}

const ZERO_WIDTH = /^[\p{Mark}\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]$/u;

/** 0, 1 or 2 columns: combining marks take none, East Asian wide characters and emoji two. */
function charWidth(code: number): number {
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 0;
  if (code < 0x300) return 1;
  if (ZERO_WIDTH.test(String.fromCodePoint(code))) return 0;
  return isWide(code) ? 2 : 1;
}

// The wide ranges of Unicode's East Asian Width table, coarsened, plus the emoji blocks.
const WIDE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x23e9, 0x23ec],
  [0x25fd, 0x25fe],
  [0x2614, 0x2615],
  [0x26aa, 0x26ab],
  [0x26bd, 0x26be],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2b1b, 0x2b1c],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

function isWide(code: number): boolean {
  for (const [from, to] of WIDE_RANGES) {
    if (code < from) return false;
    if (code <= to) return true;
  }
  return false;
}

/** The end of `text` that fits in `columns`, with "…" in front when something was cut. */
export function takeLastColumns(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  if (columns <= 0) return "";
  const chars = [...text];
  let width = 0;
  let from = chars.length;
  while (from > 0) {
    const w = charWidth(chars[from - 1]?.codePointAt(0) ?? 0);
    if (width + w > columns - 1) break;
    width += w;
    from--;
  }
  return "…" + chars.slice(from).join("");
}

/** The longest start of `text` that fits in `columns` (no ellipsis). */
export function takeFirstColumns(text: string, columns: number): string {
  if (columns <= 0) return "";
  if (/^[\x20-\x7e]*$/.test(text)) return text.slice(0, columns);
  let out = "";
  let width = 0;
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0);
    if (width + w > columns) break;
    out += char;
    width += w;
  }
  return out;
}
