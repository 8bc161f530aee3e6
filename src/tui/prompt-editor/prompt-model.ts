// The prompt editor's behaviour without Ink: given its state and one key action (or a paste),
// the next state and what the app must hear of (submit, interrupt, clear-or-exit, edit previous).
// Not for key decoding (keymap.ts), file I/O or drawing (prompt-editor.tsx).

import {
  applyEdit,
  editorWith,
  emptyEditor,
  enter,
  lineEnd,
  moveDown,
  moveUp,
  type EditorState,
} from "./editor-state.ts";
import {
  acceptCompletion,
  commandItems,
  completionTarget,
  fileItems,
  type CommandInfo,
  type CompletionItem,
  type CompletionTarget,
} from "./completion.ts";
import {
  newerEntry,
  olderEntry,
  withEntry,
  type PromptDraft,
  type Recall,
  type RecallStep,
} from "./history.ts";
import type { KeyAction } from "./keymap.ts";
import {
  cleanInput,
  expandPastes,
  makePaste,
  pastesIn,
  shouldCollapse,
  type PastedText,
} from "./paste.ts";
import { HISTORY_CAP } from "./history-file.ts";

/** A second Esc within this many milliseconds of the first, on an empty prompt, edits the previous message. */
export const DOUBLE_ESCAPE_MS = 800;

export interface PromptModel {
  editor: EditorState;
  /** Collapsed pastes whose labels are in the text. */
  pastes: readonly PastedText[];
  nextPasteId: number;
  /** Earlier prompts, oldest first. */
  history: readonly PromptDraft[];
  recall: Recall | undefined;
  /** The highlighted menu row. */
  selected: number;
  /** Up/Down moved through the menu since the last edit: a choice was made, not defaulted. */
  menuMoved: boolean;
  /** The text and token a menu was closed on with Esc: it stays closed until either changes. */
  dismissed: { text: string; start: number } | undefined;
  /** When the last Esc was pressed, if nothing else came after it. */
  lastEscapeAt: number | undefined;
}

export type PromptEffect =
  /** `text` is what to send (pastes expanded); `entry` is what history keeps. */
  | { type: "submit"; text: string; entry: PromptDraft }
  | { type: "interrupt" }
  | { type: "clear-or-exit" }
  | { type: "edit-previous" };

/** What a step needs from outside the model. */
export interface PromptContext {
  now: number;
  commands: readonly CommandInfo[];
  /** Workspace paths for `@`, or undefined while they are being listed. */
  files: readonly string[] | undefined;
  /**
   * A run is going: Esc only interrupts, and does not start a double press (the run ending by
   * the second press must not open the earlier-messages picker). Default false.
   */
  busy?: boolean;
}

export interface Menu {
  target: CompletionTarget;
  items: CompletionItem[];
  selected: number;
  /** File paths are still being listed. */
  loading: boolean;
}

export interface Step {
  model: PromptModel;
  effects: PromptEffect[];
}

export const initialModel: PromptModel = {
  editor: emptyEditor,
  pastes: [],
  nextPasteId: 1,
  history: [],
  recall: undefined,
  selected: 0,
  menuMoved: false,
  dismissed: undefined,
  lastEscapeAt: undefined,
};

/** The completion menu showing now, if any (a menu with nothing to offer is not shown). */
export function currentMenu(model: PromptModel, context: PromptContext): Menu | undefined {
  const { text, cursor } = model.editor;
  const target = completionTarget(text, cursor);
  if (!target) return undefined;
  const { dismissed } = model;
  if (dismissed && dismissed.text === text && dismissed.start === target.start) return undefined;
  if (target.type === "file" && context.files === undefined) {
    return { target, items: [], selected: 0, loading: true };
  }
  const items =
    target.type === "file"
      ? fileItems(target.query, context.files ?? [])
      : commandItems(target.query, context.commands);
  if (items.length === 0) return undefined;
  return { target, items, selected: Math.min(model.selected, items.length - 1), loading: false };
}

/** Whether the text holds an `@` token, so the workspace should be listed. */
export function wantsFiles(model: PromptModel): boolean {
  return completionTarget(model.editor.text, model.editor.cursor)?.type === "file";
}

export function handleAction(model: PromptModel, action: KeyAction, context: PromptContext): Step {
  const base = action.type === "escape" ? model : { ...model, lastEscapeAt: undefined };
  const menu = currentMenu(base, context);
  if (menu && menu.items.length > 0) {
    const step = menuAction(base, menu, action);
    if (step) return step;
  }
  switch (action.type) {
    case "edit":
      return only(withEditor(base, applyEdit(base.editor, action.command, labels(base))));
    case "text":
      return insertInput(base, action.text, context);
    case "enter":
      return pressEnter(base);
    case "up": {
      const moved = moveUp(base.editor);
      if (moved) return only({ ...base, editor: moved });
      return only(
        showRecalled(base, olderEntry(base.history, base.recall, draftOf(base)), "older"),
      );
    }
    case "down": {
      const moved = moveDown(base.editor);
      if (moved) return only({ ...base, editor: moved });
      return only(showRecalled(base, newerEntry(base.history, base.recall), "newer"));
    }
    case "tab":
      return only(base);
    case "escape":
      return pressEscape(base, action.twice, context, menu !== undefined);
    case "ctrl-c":
      if (base.editor.text === "") return { model: base, effects: [{ type: "clear-or-exit" }] };
      return only({ ...withEditor(base, emptyEditor), pastes: [], recall: undefined });
    default: {
      const unhandled: never = action;
      throw new Error(`unhandled key action ${JSON.stringify(unhandled)}`);
    }
  }
}

/** A bracketed paste: inserted as is, or collapsed to a label when large. */
export function handlePaste(model: PromptModel, raw: string): PromptModel {
  return insertText({ ...model, lastEscapeAt: undefined }, cleanInput(raw));
}

/**
 * The prompt replaced by `text` (an earlier message brought back to edit), cursor at its end;
 * a history walk ends, and a menu its text would open stays closed until it is edited.
 */
export function withDraft(model: PromptModel, text: string): PromptModel {
  const target = completionTarget(text, text.length);
  return {
    ...model,
    editor: editorWith(text, text.length),
    pastes: [],
    recall: undefined,
    selected: 0,
    menuMoved: false,
    dismissed: target && { text, start: target.start },
    lastEscapeAt: undefined,
  };
}

/** History loaded from disk goes before what was submitted while it loaded. */
export function withLoadedHistory(model: PromptModel, loaded: readonly PromptDraft[]): PromptModel {
  return { ...model, history: [...loaded, ...model.history].slice(-HISTORY_CAP) };
}

function menuAction(model: PromptModel, menu: Menu, action: KeyAction): Step | undefined {
  const count = menu.items.length;
  const item = menu.items[menu.selected];
  switch (action.type) {
    case "up":
      return only({ ...model, selected: (menu.selected - 1 + count) % count, menuMoved: true });
    case "down":
      return only({ ...model, selected: (menu.selected + 1) % count, menuMoved: true });
    case "tab":
      return item
        ? only(withEditor(model, acceptCompletion(model.editor, menu.target, item)))
        : undefined;
    case "enter": {
      if (!item) return undefined;
      const accepted = acceptCompletion(model.editor, menu.target, item);
      if (menu.target.type === "file") return only(withEditor(model, accepted));
      // A lone "/" then Enter must not run whichever command happens to sort first.
      if (menu.target.query === "" && !model.menuMoved) return only(model);
      // Enter on a command runs it as completed; Tab completes it to add arguments.
      return submit(withEditor(model, { text: accepted.text.trimEnd(), cursor: 0 }));
    }
    case "escape":
      return only({
        ...model,
        dismissed: { text: model.editor.text, start: menu.target.start },
        lastEscapeAt: undefined,
      });
    default:
      return undefined;
  }
}

/** Typed characters go in as they are; a burst is a paste unless it is text then one Enter. */
function insertInput(model: PromptModel, raw: string, context: PromptContext): Step {
  // Fast typing (or tmux send-keys) can deliver "text⏎" in one read: that is typing and Enter.
  const typedThenEnter = raw.length > 1 && raw.endsWith("\r") && !/[\r\n]/.test(raw.slice(0, -1));
  if (typedThenEnter) {
    const typed = insertText(model, cleanInput(raw.slice(0, -1)));
    return handleAction(typed, { type: "enter" }, context);
  }
  return only(insertText(model, cleanInput(raw)));
}

function insertText(model: PromptModel, text: string): PromptModel {
  if (text === "") return model;
  if (!shouldCollapse(text)) {
    return withEditor(model, applyEdit(model.editor, { type: "insert", text }));
  }
  const paste = makePaste(model.nextPasteId, text);
  return {
    ...withEditor(model, applyEdit(model.editor, { type: "insert", text: paste.label })),
    pastes: [...model.pastes, paste],
    nextPasteId: model.nextPasteId + 1,
  };
}

function pressEnter(model: PromptModel): Step {
  const result = enter(model.editor);
  if (result.type === "edit") return only(withEditor(model, result.state));
  return submit(model);
}

function submit(model: PromptModel): Step {
  const pastes = pastesIn(model.editor.text, model.pastes);
  const text = tidy(expandPastes(model.editor.text, pastes));
  if (text === "") return only(model);
  const entry: PromptDraft = { text: model.editor.text, pastes };
  return {
    model: {
      ...model,
      editor: emptyEditor,
      pastes: [],
      nextPasteId: 1,
      history: withEntry(model.history, entry, HISTORY_CAP),
      recall: undefined,
      selected: 0,
      menuMoved: false,
      dismissed: undefined,
    },
    effects: [{ type: "submit", text, entry }],
  };
}

function pressEscape(
  model: PromptModel,
  twice: boolean,
  { now, busy }: PromptContext,
  menuShown: boolean,
): Step {
  if (menuShown) {
    // A menu still listing files: Esc closes it like any other menu.
    const target = completionTarget(model.editor.text, model.editor.cursor);
    const dismissed = target && { text: model.editor.text, start: target.start };
    return only({ ...model, dismissed, lastEscapeAt: undefined });
  }
  if (busy === true) {
    return { model: { ...model, lastEscapeAt: undefined }, effects: [{ type: "interrupt" }] };
  }
  const second =
    twice || (model.lastEscapeAt !== undefined && now - model.lastEscapeAt <= DOUBLE_ESCAPE_MS);
  if (second && model.editor.text === "") {
    return { model: { ...model, lastEscapeAt: undefined }, effects: [{ type: "edit-previous" }] };
  }
  return { model: { ...model, lastEscapeAt: now }, effects: [{ type: "interrupt" }] };
}

function showRecalled(
  model: PromptModel,
  step: RecallStep,
  direction: "older" | "newer",
): PromptModel {
  if (!step) return model;
  const { text, pastes } = step.shown;
  // Going back, the cursor lands on the first line so the next Up goes further back at once;
  // coming forward, on the last line so the next Down does.
  const cursor = direction === "older" ? lineEnd(text, 0) : text.length;
  // A recalled "/command" or "@path" would open a menu that takes over Up/Down: keep it closed
  // until the entry is edited.
  const target = completionTarget(text, cursor);
  return {
    ...model,
    editor: editorWith(text, cursor),
    pastes,
    nextPasteId: Math.max(0, ...pastes.map((paste) => paste.id)) + 1,
    recall: step.recall,
    selected: 0,
    menuMoved: false,
    dismissed: target && { text, start: target.start },
  };
}

function withEditor(model: PromptModel, editor: EditorState): PromptModel {
  const moved = editor.text !== model.editor.text || editor.cursor !== model.editor.cursor;
  return moved ? { ...model, editor, selected: 0, menuMoved: false } : { ...model, editor };
}

function draftOf(model: PromptModel): PromptDraft {
  return { text: model.editor.text, pastes: model.pastes };
}

function labels(model: PromptModel): string[] {
  return model.pastes.map((paste) => paste.label);
}

/** Leading blank lines and trailing whitespace are dropped; indentation of the first line stays. */
function tidy(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").trimEnd();
}

function only(model: PromptModel): Step {
  return { model, effects: [] };
}
