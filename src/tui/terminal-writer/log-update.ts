// Ink's frame writer ("log update"), with frame-update.ts underneath: the same interface, so Ink
// drives it as its own, plus `commit`, which Ink calls (see scripts/build.mjs) when lines go to
// the scrollback instead of erasing the live region, writing them and drawing it again. Frames
// it cannot improve on (a cursor shown for an input method, a frame without its trailing
// newline, a change reaching above the screen) go to Ink's writer unchanged.

import stringWidth from "string-width";
import { frameUpdate } from "./frame-update.ts";

export interface CursorPosition {
  x: number;
  y: number;
}

/** The writer Ink creates per render; its methods as ink/build/log-update.js defines them. */
export interface InkLogUpdate {
  (text: string): boolean;
  clear(): void;
  done(): void;
  reset(): void;
  sync(text: string): void;
  setCursorPosition(position: CursorPosition | undefined): void;
  isCursorDirty(): boolean;
  willRender(text: string): boolean;
  getCursorPosition(): CursorPosition | undefined;
}

export interface CairnLogUpdate extends InkLogUpdate {
  /** Writes `staticOutput` to the scrollback above the live region, which becomes `text`. */
  commit(staticOutput: string, text: string): void;
}

export interface WritableTerminal {
  write(data: string): boolean;
  readonly rows?: number;
  readonly isTTY?: boolean;
}

export interface InkLogUpdateModule {
  create(
    stream: WritableTerminal,
    options?: { showCursor?: boolean; incremental?: boolean },
  ): InkLogUpdate;
}

/** Rows of a frame as Ink writes it: lines joined by "\n", ending with one. */
function rowsOf(text: string): string[] | undefined {
  if (!text.endsWith("\n")) return undefined;
  return text.slice(0, -1).split("\n");
}

export function createLogUpdate(
  ink: InkLogUpdateModule,
  stream: WritableTerminal,
  options?: { showCursor?: boolean; incremental?: boolean },
): CairnLogUpdate {
  const inner = ink.create(stream, options);
  /** The rows on screen, when this writer knows them; undefined: Ink's writer is in charge. */
  let onScreen: string[] | undefined;
  /** Ink sets the cursor before every frame, mostly to "none"; a position means it is shown. */
  let cursor: CursorPosition | undefined;

  const cursorInUse = (): boolean =>
    cursor !== undefined || inner.getCursorPosition() !== undefined;

  /** Writes the change itself when it can; false when Ink's writer must. */
  const update = (
    next: string[] | undefined,
    committed: readonly string[],
    text: string,
  ): boolean => {
    if (onScreen === undefined || onScreen.length === 0 || next === undefined || cursorInUse()) {
      return false;
    }
    const bytes = frameUpdate({
      previous: onScreen,
      next: committed.length > 0 ? [...committed, ...next] : next,
      screenRows: stream.rows ?? 24,
      // string-width leaves escape sequences (CSI, OSC hyperlinks) out of the width itself.
      width: (line) => stringWidth(line),
    });
    if (bytes === undefined) return false;
    if (bytes !== "") stream.write(bytes);
    inner.sync(text);
    onScreen = next;
    return true;
  };

  const render = ((text: string): boolean => {
    if (!inner.willRender(text)) return false;
    if (update(rowsOf(text), [], text)) return true;
    const wrote = inner(text);
    onScreen = cursorInUse() ? undefined : rowsOf(text);
    return wrote;
  }) as CairnLogUpdate;

  render.commit = (staticOutput: string, text: string): void => {
    const committed = rowsOf(staticOutput);
    if (committed !== undefined && update(rowsOf(text), committed, text)) return;
    inner.clear();
    stream.write(staticOutput);
    inner(text);
    onScreen = cursorInUse() ? undefined : rowsOf(text);
  };
  render.clear = () => {
    inner.clear();
    onScreen = [];
  };
  render.done = () => {
    inner.done();
    onScreen = [];
  };
  render.reset = () => {
    inner.reset();
    onScreen = [];
  };
  render.sync = (text: string) => {
    inner.sync(text);
    onScreen = cursorInUse() ? undefined : rowsOf(text);
  };
  render.setCursorPosition = (position) => {
    cursor = position;
    inner.setCursorPosition(position);
  };
  render.isCursorDirty = () => inner.isCursorDirty();
  render.willRender = (text) => inner.willRender(text);
  render.getCursorPosition = () => inner.getCursorPosition();
  return render;
}

/** Ink's writer module with ours in its place; scripts/build.mjs makes Ink use this. */
export function wrapInkLogUpdate(ink: InkLogUpdateModule): InkLogUpdateModule {
  return { create: (stream, options) => createLogUpdate(ink, stream, options) };
}
