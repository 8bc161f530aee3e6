// The bytes that turn the live region on screen from one frame into the next, touching only the
// rows that changed. Ink's own incremental writer compares row i with row i, so one line added
// to the streaming answer shifts the prompt box and footer below it and rewrites them all, and
// every line sent to the scrollback erases and redraws the whole region. Here unchanged rows at
// the top and at the bottom are kept: rows are inserted (IL) or deleted (DL) above the unchanged
// bottom part, and lines leaving for the scrollback that are already on screen are not written
// again. Pure: the caller writes the result.

const CSI = "\u001B[";
const cursorUp = (rows: number): string => (rows > 0 ? `${CSI}${rows}A` : "");
const cursorDown = (rows: number): string => (rows > 0 ? `${CSI}${rows}B` : "");
const insertLines = (rows: number): string => `${CSI}${rows}L`;
const deleteLines = (rows: number): string => `${CSI}${rows}M`;
const toColumn = (column: number): string => `${CSI}${column + 1}G`;
const eraseLine = `${CSI}2K`;
const eraseToEnd = `${CSI}K`;
const resetStyle = `${CSI}0m`;
/**
 * LF moves down inside the screen and scrolls at its bottom; the terminal's output processing
 * (ONLCR) adds the carriage return, as Ink's own frames assume.
 */
const newRow = "\n";

export interface FrameUpdate {
  /** The rows of the live region now on screen, top first; the cursor sits at column 0 below them. */
  previous: readonly string[];
  /**
   * What the screen should show from the region's top down: any lines leaving for the
   * scrollback first, then the next live region.
   */
  next: readonly string[];
  /** The terminal's height: rows above the top of the screen can no longer be reached. */
  screenRows: number;
  /** Display width of a line without escape sequences (wide characters count two). */
  width: (plain: string) => number;
}

/**
 * The escape sequence for the change, leaving the cursor at column 0 of the row below the new
 * region; or undefined when the change reaches above the top of the screen, where only erasing
 * and redrawing everything visible is left to do (the caller's fallback).
 */
export function frameUpdate(update: FrameUpdate): string | undefined {
  const { previous, next } = update;
  const p = previous.length;
  const v = next.length;
  if (p === 0) return next.map((line) => line + newRow).join("");

  let a = 0;
  while (a < p && a < v && previous[a] === next[a]) a++;
  let b = 0;
  while (b < p - a && b < v - a && previous[p - 1 - b] === next[v - 1 - b]) b++;
  const oldMiddle = p - a - b;
  const newMiddle = v - a - b;
  if (oldMiddle === 0 && newMiddle === 0) return "";
  // The top changed row must be on screen both before and after the change.
  if (Math.max(p, v) - a > update.screenRows - 1) return undefined;

  const grow = newMiddle - oldMiddle;
  const rows = alignRows(previous.slice(a, p - b), next.slice(a, v - b), update.width);
  const out: string[] = [];
  // Rows added go in at one place inside the changed part, and removed ones come out there; the
  // rows below that place move with the unchanged bottom part.
  const below = oldMiddle - rows.top.length + b;
  if (grow > 0 && below > 0) {
    // Make `grow` rows at the bottom (scrolling the screen if it is full), then open them at
    // that place: everything below it moves down into them.
    out.push(newRow.repeat(grow), cursorUp(grow + below), insertLines(grow));
    out.push(cursorUp(rows.top.length));
  } else {
    out.push(cursorUp(p - a));
  }
  for (const row of rows.top) out.push(row, newRow);
  for (const line of rows.added) out.push(line, newRow);
  if (grow < 0) out.push(deleteLines(-grow));
  for (const row of rows.bottom) out.push(row, newRow);
  out.push(cursorDown(b));
  return out.join("");
}

interface AlignedRows {
  /** Rewrites of the rows kept at the top of the changed part (each from the old row). */
  top: string[];
  /** Rows written into newly opened rows. */
  added: string[];
  /** Rewrites of the rows kept at its bottom, after the added or removed ones. */
  bottom: string[];
}

/** Beyond this many rows, rows are simply paired from the top. */
const MAX_ALIGNED_ROWS = 12;

/**
 * Which old rows the new rows are written over: the first `s` from the top, the rest from the
 * bottom, rows added or removed between them. The answer being streamed grows above the
 * spinner, so pairing the spinner with its old row (a few bytes) instead of with a row of text
 * matters; every place is tried and the fewest bytes win.
 */
function alignRows(
  before: readonly string[],
  after: readonly string[],
  width: (plain: string) => number,
): AlignedRows {
  const shared = Math.min(before.length, after.length);
  const build = (s: number): AlignedRows => {
    const kept = shared - s;
    return {
      top: after.slice(0, s).map((line, i) => rewriteRow(before[i], line, width)),
      added: after.slice(s, after.length - kept),
      bottom: after
        .slice(after.length - kept)
        .map((line, j) => rewriteRow(before[before.length - kept + j], line, width)),
    };
  };
  if (shared > MAX_ALIGNED_ROWS || before.length === after.length) return build(shared);
  let best = build(shared);
  let bestBytes = bytesOf(best);
  for (let s = 0; s < shared; s++) {
    const candidate = build(s);
    const bytes = bytesOf(candidate);
    if (bytes < bestBytes) {
      best = candidate;
      bestBytes = bytes;
    }
  }
  return best;
}

function bytesOf(rows: AlignedRows): number {
  let total = 0;
  for (const part of [rows.top, rows.added, rows.bottom])
    for (const row of part) total += row.length;
  return total;
}

/**
 * Turns a row showing `old` (undefined: a blank row) into `line`, cursor at column 0. Only the
 * part between the unchanged start and the unchanged end is written when that is shorter: a
 * line of the answer being typed out gets its new characters, a spinner its new frame.
 */
function rewriteRow(
  old: string | undefined,
  line: string,
  width: (plain: string) => number,
): string {
  if (old === undefined) return line;
  if (old === line) return "";
  const whole = eraseLine + line;
  const part = changedPart(old, line, width);
  return part !== undefined && part.length < whole.length ? part : whole;
}

interface Token {
  text: string;
  /** An escape sequence (no width); a style (SGR) one when `style` is set. */
  escape: boolean;
  style: boolean;
}

const escapes = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B./g;
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const text = (from: number, to: number): void => {
    for (const { segment } of graphemes.segment(line.slice(from, to))) {
      tokens.push({ text: segment, escape: false, style: false });
    }
  };
  for (const match of line.matchAll(escapes)) {
    text(at, match.index);
    tokens.push({ text: match[0], escape: true, style: /^\u001B\[[0-9;]*m$/.test(match[0]) });
    at = match.index + match[0].length;
  }
  text(at, line.length);
  return tokens;
}

const plain = (tokens: readonly Token[]): string =>
  tokens
    .filter((t) => !t.escape)
    .map((t) => t.text)
    .join("");

/**
 * The bytes that rewrite only the differing middle of a row, assuming (as Ink's rows do) that
 * each row starts in the default style: the styles in force at the first difference are set
 * again, and reset after. Undefined when the unchanged start holds an escape that is not a
 * style (a hyperlink), whose state cannot be replayed that simply.
 */
function changedPart(
  old: string,
  line: string,
  width: (plain: string) => number,
): string | undefined {
  const before = tokenize(old);
  const after = tokenize(line);
  let start = 0;
  while (
    start < before.length &&
    start < after.length &&
    before[start]?.text === after[start]?.text
  ) {
    start++;
  }
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end]?.text === after[after.length - 1 - end]?.text
  ) {
    end++;
  }
  const prefix = after.slice(0, start);
  if (prefix.some((t) => t.escape && !t.style)) return undefined;
  const oldMiddle = before.slice(start, before.length - end);
  const newMiddle = after.slice(start, after.length - end);
  const sameWidth = width(plain(oldMiddle)) === width(plain(newMiddle));
  // When the middle changed width, the rest of the row moves and is written again.
  const written = sameWidth ? newMiddle : after.slice(start);
  const styles = styleInForce(prefix.filter((t) => t.style).map((t) => t.text));
  const styled = styles.length > 0 || written.some((t) => t.escape);
  const shrunk = !sameWidth && width(plain(after)) < width(plain(before));
  return (
    toColumn(width(plain(prefix))) +
    styles +
    written.map((t) => t.text).join("") +
    (styled ? resetStyle : "") +
    (shrunk ? eraseToEnd : "")
  );
}

/** Each SGR parameter's slot: a later code for the same slot replaces an earlier one. */
function slotOf(code: number): string | undefined {
  if (code === 1 || code === 2 || code === 22) return "weight";
  if (code === 3 || code === 23) return "italic";
  if (code === 4 || code === 24) return "underline";
  if (code === 5 || code === 25) return "blink";
  if (code === 7 || code === 27) return "inverse";
  if (code === 8 || code === 28) return "hidden";
  if (code === 9 || code === 29) return "strike";
  if ((code >= 30 && code <= 37) || code === 39 || (code >= 90 && code <= 97)) return "fg";
  if ((code >= 40 && code <= 47) || code === 49 || (code >= 100 && code <= 107)) return "bg";
  return undefined;
}

/** Codes that put a slot back to the default: nothing to replay. */
const RESETS = new Set([22, 23, 24, 25, 27, 28, 29, 39, 49]);

/**
 * The style a row is in after `codes` (SGR sequences, from the default style), as one short
 * sequence: open-and-closed pairs cancel out, so a highlighted line's prefix costs a code or two
 * instead of every colour it passed through. Bold and dim share one reset (22), so both are kept
 * in order. With a code it does not model (256-colour, RGB), every code is replayed as written.
 */
function styleInForce(codes: readonly string[]): string {
  const slots = new Map<string, string[]>();
  const order: string[] = [];
  for (const sequence of codes) {
    const params = sequence.slice(2, -1);
    const parts = params === "" ? ["0"] : params.split(";");
    // 38;5;n, 48;2;r;g;b and the like: too rare to model; everything is replayed as written.
    if (parts.length > 1 || parts.some((part) => !/^\d+$/.test(part))) return codes.join("");
    const code = Number(parts[0]);
    if (code === 0) {
      slots.clear();
      order.length = 0;
      continue;
    }
    const slot = slotOf(code);
    if (slot === undefined) {
      order.push(sequence);
      continue;
    }
    if (RESETS.has(code)) slots.delete(slot);
    else if (slot === "weight") slots.set(slot, [...(slots.get(slot) ?? []), String(code)]);
    else slots.set(slot, [String(code)]);
  }
  const kept = [...slots.values()].flat();
  return (kept.length > 0 ? `${CSI}${kept.join(";")}m` : "") + order.join("");
}
