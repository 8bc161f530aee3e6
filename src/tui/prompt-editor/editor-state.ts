// The prompt's text and cursor, and every edit a key can make to them, as pure functions.
// Not for keys (keymap.ts), history, pastes or completion: those build on these functions.

export interface EditorState {
  readonly text: string;
  /** An offset into `text` (UTF-16 units), always on a grapheme boundary. */
  readonly cursor: number;
  /**
   * The column a run of Up/Down presses aims for, so passing through a short line does not pull
   * the cursor left for good. Cleared by every other edit.
   */
  readonly goalColumn?: number;
}

export type EditCommand =
  | { type: "insert"; text: string }
  | { type: "newline" }
  | { type: "backspace" }
  | { type: "delete" }
  | { type: "left" }
  | { type: "right" }
  | { type: "word-left" }
  | { type: "word-right" }
  | { type: "line-start" }
  | { type: "line-end" }
  /** Ctrl+U: to the start of the line (or the line break before it, when already there). */
  | { type: "kill-line-before" }
  /** Ctrl+K: to the end of the line (or the line break after it, when already there). */
  | { type: "kill-line-after" }
  /** Ctrl+W: back to the previous whitespace, the way a shell does. */
  | { type: "kill-space-word-before" }
  /** Alt+Backspace: back to the start of the word (letters, digits, `_`). */
  | { type: "kill-word-before" }
  /** Alt+D: forward to the end of the word. */
  | { type: "kill-word-after" };

export const emptyEditor: EditorState = { text: "", cursor: 0 };

export function editorWith(text: string, cursor = text.length): EditorState {
  return { text, cursor: Math.max(0, Math.min(cursor, text.length)) };
}

/**
 * Applies one edit. `atoms` are strings the cursor treats as one character when deleting (the
 * labels of collapsed pastes): Backspace right after one removes all of it.
 */
export function applyEdit(
  state: EditorState,
  command: EditCommand,
  atoms: readonly string[] = [],
): EditorState {
  const { text, cursor } = state;
  switch (command.type) {
    case "insert":
      return replaceRange(state, cursor, cursor, command.text);
    case "newline":
      return replaceRange(state, cursor, cursor, "\n");
    case "backspace": {
      if (cursor === 0) return withoutGoal(state);
      const atom = atoms.find((a) => a !== "" && text.endsWith(a, cursor));
      const from = atom ? cursor - atom.length : previousBoundary(text, cursor);
      return replaceRange(state, from, cursor, "");
    }
    case "delete": {
      if (cursor === text.length) return withoutGoal(state);
      const atom = atoms.find((a) => a !== "" && text.startsWith(a, cursor));
      const to = atom ? cursor + atom.length : nextBoundary(text, cursor);
      return replaceRange(state, cursor, to, "");
    }
    case "left":
      return moveTo(state, previousBoundary(text, cursor));
    case "right":
      return moveTo(state, nextBoundary(text, cursor));
    case "word-left":
      return moveTo(state, wordStartBefore(text, cursor));
    case "word-right":
      return moveTo(state, wordEndAfter(text, cursor));
    case "line-start":
      return moveTo(state, lineStart(text, cursor));
    case "line-end":
      return moveTo(state, lineEnd(text, cursor));
    case "kill-line-before": {
      const start = lineStart(text, cursor);
      return replaceRange(state, start === cursor ? Math.max(0, cursor - 1) : start, cursor, "");
    }
    case "kill-line-after": {
      const end = lineEnd(text, cursor);
      return replaceRange(state, cursor, end === cursor ? Math.min(text.length, end + 1) : end, "");
    }
    case "kill-space-word-before":
      return replaceRange(state, spaceWordStartBefore(text, cursor), cursor, "");
    case "kill-word-before":
      return replaceRange(state, wordStartBefore(text, cursor), cursor, "");
    case "kill-word-after":
      return replaceRange(state, cursor, wordEndAfter(text, cursor), "");
    default: {
      const unhandled: never = command;
      throw new Error(`unhandled edit ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Enter: a `\` just before the cursor turns into a line break (the portable Shift+Enter);
 * otherwise the text is to be submitted.
 */
export function enter(
  state: EditorState,
): { type: "submit" } | { type: "edit"; state: EditorState } {
  if (state.cursor > 0 && state.text[state.cursor - 1] === "\\") {
    return { type: "edit", state: replaceRange(state, state.cursor - 1, state.cursor, "\n") };
  }
  return { type: "submit" };
}

/** Up: the same column on the line above, or undefined on the first line (history's turn). */
export function moveUp(state: EditorState): EditorState | undefined {
  const { text, cursor } = state;
  const start = lineStart(text, cursor);
  if (start === 0) return undefined;
  const column = state.goalColumn ?? cursor - start;
  const aboveStart = lineStart(text, start - 1);
  const target = Math.min(aboveStart + column, start - 1);
  return { text, cursor: snapToBoundary(text, target), goalColumn: column };
}

/** Down: the same column on the line below, or undefined on the last line (history's turn). */
export function moveDown(state: EditorState): EditorState | undefined {
  const { text, cursor } = state;
  const end = lineEnd(text, cursor);
  if (end === text.length) return undefined;
  const column = state.goalColumn ?? cursor - lineStart(text, cursor);
  const belowStart = end + 1;
  const target = Math.min(belowStart + column, lineEnd(text, belowStart));
  return { text, cursor: snapToBoundary(text, target), goalColumn: column };
}

/** Replaces text[from, to) with `insert` and puts the cursor after it. */
export function replaceRange(
  state: EditorState,
  from: number,
  to: number,
  insert: string,
): EditorState {
  const text = state.text.slice(0, from) + insert + state.text.slice(to);
  return { text, cursor: from + insert.length };
}

export function lineStart(text: string, cursor: number): number {
  return cursor === 0 ? 0 : text.lastIndexOf("\n", cursor - 1) + 1;
}

export function lineEnd(text: string, cursor: number): number {
  const end = text.indexOf("\n", cursor);
  return end === -1 ? text.length : end;
}

function moveTo(state: EditorState, cursor: number): EditorState {
  return { text: state.text, cursor };
}

function withoutGoal(state: EditorState): EditorState {
  return state.goalColumn === undefined ? state : { text: state.text, cursor: state.cursor };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
/** How far around the cursor to look for grapheme boundaries; longer clusters are split. */
const CLUSTER_WINDOW = 64;

function previousBoundary(text: string, cursor: number): number {
  if (cursor === 0) return 0;
  const from = Math.max(0, cursor - CLUSTER_WINDOW);
  let last = from;
  for (const { index } of graphemes.segment(text.slice(from, cursor))) last = from + index;
  return last;
}

function nextBoundary(text: string, cursor: number): number {
  if (cursor >= text.length) return text.length;
  for (const { segment } of graphemes.segment(text.slice(cursor, cursor + CLUSTER_WINDOW))) {
    return cursor + segment.length;
  }
  return text.length;
}

/** The nearest boundary at or before `offset`, so a column move never splits an emoji. */
function snapToBoundary(text: string, offset: number): number {
  if (offset <= 0 || offset >= text.length) return offset;
  const back = previousBoundary(text, offset);
  return nextBoundary(text, back) === offset ? offset : back;
}

const WORD = /[\p{L}\p{N}_]/u;

function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD.test(char);
}

function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && !isWordChar(text[i])) i++;
  while (i < text.length && isWordChar(text[i])) i++;
  return i;
}

function spaceWordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1] ?? "")) i--;
  while (i > 0 && !/\s/.test(text[i - 1] ?? "")) i--;
  return i;
}
