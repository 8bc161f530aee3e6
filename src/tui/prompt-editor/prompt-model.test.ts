import { describe, expect, it } from "vitest";
import type { KeyAction } from "./keymap.ts";
import { makePaste } from "./paste.ts";
import {
  DOUBLE_ESCAPE_MS,
  currentMenu,
  handleAction,
  handlePaste,
  initialModel,
  wantsFiles,
  withDraft,
  withLoadedHistory,
  type PromptContext,
  type PromptEffect,
  type PromptModel,
} from "./prompt-model.ts";

const commands = [
  { name: "clear", description: "Start over" },
  { name: "help", description: "Show help" },
];
const files = ["src/", "src/main.ts", "README.md"];

function context(now = 0): PromptContext {
  return { now, commands, files };
}

/** Runs actions (strings are typed text) and returns the model and every effect. */
function play(
  model: PromptModel,
  ...actions: Array<KeyAction | string>
): { model: PromptModel; effects: PromptEffect[] } {
  const effects: PromptEffect[] = [];
  for (const action of actions) {
    const step = handleAction(
      model,
      typeof action === "string" ? { type: "text", text: action } : action,
      context(),
    );
    model = step.model;
    effects.push(...step.effects);
  }
  return { model, effects };
}

const ENTER: KeyAction = { type: "enter" };
const UP: KeyAction = { type: "up" };
const DOWN: KeyAction = { type: "down" };
const TAB: KeyAction = { type: "tab" };
const ESC: KeyAction = { type: "escape", twice: false };

describe("prompt model", () => {
  it("submits the trimmed text, clears the prompt and remembers the entry", () => {
    const { model, effects } = play(initialModel, "\n  hi there  \n", ENTER);
    expect(effects).toEqual([
      { type: "submit", text: "  hi there", entry: { text: "\n  hi there  \n", pastes: [] } },
    ]);
    expect(model.editor.text).toBe("");
    expect(model.history.map((e) => e.text)).toEqual(["\n  hi there  \n"]);
  });

  it("types then submits when text and Enter come in one read", () => {
    const { effects } = play(initialModel, "go\r");
    expect(effects).toEqual([{ type: "submit", text: "go", entry: { text: "go", pastes: [] } }]);
  });

  it("recalls an entry with its collapsed paste, and submits the paste in full", () => {
    const paste = makePaste(1, "x\n".repeat(20));
    const history = withLoadedHistory(initialModel, [
      { text: `fix ${paste.label}`, pastes: [paste] },
    ]);
    const recalled = play(history, UP);
    expect(recalled.model.editor.text).toBe(`fix ${paste.label}`);
    const { effects } = play(recalled.model, ENTER);
    expect(effects[0]).toMatchObject({ type: "submit", text: `fix ${"x\n".repeat(20).trimEnd()}` });
  });

  it("numbers a new paste after those of a recalled entry", () => {
    const paste = makePaste(1, "y".repeat(900));
    const history = withLoadedHistory(initialModel, [{ text: paste.label, pastes: [paste] }]);
    const model = handlePaste(play(history, UP).model, "z".repeat(900));
    expect(model.editor.text).toBe(`${paste.label}[Pasted text #2 900 chars]`);
  });

  it("walks past a recalled /command without its menu taking Up over", () => {
    const history = withLoadedHistory(initialModel, [
      { text: "older", pastes: [] },
      { text: "/help", pastes: [] },
    ]);
    const first = play(history, UP).model;
    expect(first.editor.text).toBe("/help");
    expect(currentMenu(first, context())).toBeUndefined();
    expect(play(first, UP).model.editor.text).toBe("older");
  });

  it("moves through a menu with Up/Down instead of the history", () => {
    const history = withLoadedHistory(initialModel, [{ text: "old", pastes: [] }]);
    const { model } = play(history, "/", DOWN);
    expect(model.editor.text).toBe("/");
    expect(currentMenu(model, context())?.selected).toBe(1);
    expect(play(model, UP, UP).model.editor.text).toBe("/");
  });

  it("does not run a command on Enter after a lone /, unless one was chosen", () => {
    const lone = play(initialModel, "/", ENTER);
    expect(lone.effects).toEqual([]);
    const chosen = play(initialModel, "/", DOWN, UP, ENTER);
    expect(chosen.effects[0]).toMatchObject({ type: "submit", text: "/clear" });
  });

  it("accepts a file with Enter without submitting, and keeps completing inside a folder", () => {
    const file = play(initialModel, "@mai", ENTER);
    expect(file.effects).toEqual([]);
    expect(file.model.editor.text).toBe("@src/main.ts ");
    const folder = play(initialModel, "@sr", TAB);
    expect(folder.model.editor.text).toBe("@src/");
    expect(currentMenu(folder.model, context())?.items.map((i) => i.value)[0]).toBe("src/");
  });

  it("shows a loading menu while files are listed, and asks for them only for an @ token", () => {
    const { model } = play(initialModel, "see @x");
    expect(wantsFiles(model)).toBe(true);
    expect(currentMenu(model, { ...context(), files: undefined })).toMatchObject({ loading: true });
    expect(wantsFiles(play(initialModel, "see x").model)).toBe(false);
  });

  it("keeps a menu closed after Esc until the text changes", () => {
    const closed = play(initialModel, "/", ESC).model;
    expect(currentMenu(closed, context())).toBeUndefined();
    expect(currentMenu(play(closed, "h").model, context())).toBeDefined();
  });

  it("counts two Esc presses as a double only within the time window", () => {
    const first = handleAction(initialModel, ESC, context(1000));
    expect(first.effects).toEqual([{ type: "interrupt" }]);
    const quick = handleAction(first.model, ESC, context(1000 + DOUBLE_ESCAPE_MS));
    expect(quick.effects).toEqual([{ type: "edit-previous" }]);
    const slow = handleAction(first.model, ESC, context(1001 + DOUBLE_ESCAPE_MS));
    expect(slow.effects).toEqual([{ type: "interrupt" }]);
  });

  it("does not count Esc, a key, then Esc as a double", () => {
    const first = handleAction(initialModel, ESC, context(0));
    const key = handleAction(first.model, { type: "edit", command: { type: "left" } }, context(1));
    expect(handleAction(key.model, ESC, context(2)).effects).toEqual([{ type: "interrupt" }]);
  });

  it("never counts Esc as a double while a run is going: each press interrupts", () => {
    const busy = { ...context(1000), busy: true };
    const first = handleAction(initialModel, ESC, busy);
    expect(first.effects).toEqual([{ type: "interrupt" }]);
    expect(handleAction(first.model, ESC, { ...busy, now: 1100 }).effects).toEqual([
      { type: "interrupt" },
    ]);
    // Nor does a press while busy pair with one just after the run ended.
    expect(handleAction(first.model, ESC, context(1100)).effects).toEqual([{ type: "interrupt" }]);
  });

  it("puts an earlier message back in the prompt to edit, cursor at its end", () => {
    const walked = play(withLoadedHistory(initialModel, [{ text: "old", pastes: [] }]), UP).model;
    const model = withDraft(walked, "fix @src/a.ts please");
    expect(model.editor).toEqual({ text: "fix @src/a.ts please", cursor: 20 });
    expect(model.recall).toBeUndefined();
    const { effects } = play(model, ENTER);
    expect(effects).toMatchObject([{ type: "submit", text: "fix @src/a.ts please" }]);
  });

  it("treats ESC ESC in one read as a double", () => {
    const step = handleAction(initialModel, { type: "escape", twice: true }, context());
    expect(step.effects).toEqual([{ type: "edit-previous" }]);
  });

  it("clears with Ctrl+C, ending a history walk", () => {
    const history = withLoadedHistory(initialModel, [{ text: "old", pastes: [] }]);
    const { model, effects } = play(history, "draft", UP, { type: "ctrl-c" });
    expect(effects).toEqual([]);
    expect(model.editor.text).toBe("");
    expect(model.recall).toBeUndefined();
    expect(play(model, { type: "ctrl-c" }).effects).toEqual([{ type: "clear-or-exit" }]);
  });

  it("puts loaded history before what was submitted while it loaded", () => {
    const submitted = play(initialModel, "new", ENTER).model;
    const loaded = withLoadedHistory(submitted, [{ text: "old", pastes: [] }]);
    expect(loaded.history.map((e) => e.text)).toEqual(["old", "new"]);
  });
});
