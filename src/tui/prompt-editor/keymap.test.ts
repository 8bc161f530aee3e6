import { describe, expect, it } from "vitest";
import { actionForKey, type KeyAction } from "./keymap.ts";

const edit = (type: string): KeyAction => ({ type: "edit", command: { type } }) as KeyAction;

describe("keymap", () => {
  it("maps Enter to enter, and Shift/Alt+Enter and LF to a line break", () => {
    expect(actionForKey("\r", { return: true })).toEqual({ type: "enter" });
    expect(actionForKey("\r", { return: true, shift: true })).toEqual(edit("newline"));
    expect(actionForKey("\r", { return: true, meta: true })).toEqual(edit("newline"));
    expect(actionForKey("\n", {})).toEqual(edit("newline"));
  });

  it("maps xterm's modifyOtherKeys Enter (CSI 27;mods;13~, ESC removed by Ink) to a line break", () => {
    expect(actionForKey("[27;2;13~", {})).toEqual(edit("newline"));
    expect(actionForKey("[27;5;13~", {})).toEqual(edit("newline"));
    expect(actionForKey("[27;2;9~", {})).toEqual({ type: "text", text: "[27;2;9~" });
  });

  it("maps plain input to text, and ignores empty input", () => {
    expect(actionForKey("a", {})).toEqual({ type: "text", text: "a" });
    expect(actionForKey("A", { shift: true })).toEqual({ type: "text", text: "A" });
    expect(actionForKey("", {})).toBeUndefined();
  });

  it("maps arrows, with Ctrl or Alt to word moves", () => {
    expect(actionForKey("", { leftArrow: true })).toEqual(edit("left"));
    expect(actionForKey("", { rightArrow: true })).toEqual(edit("right"));
    expect(actionForKey("", { leftArrow: true, ctrl: true })).toEqual(edit("word-left"));
    expect(actionForKey("", { rightArrow: true, meta: true })).toEqual(edit("word-right"));
    expect(actionForKey("b", { meta: true })).toEqual(edit("word-left"));
    expect(actionForKey("f", { meta: true })).toEqual(edit("word-right"));
    expect(actionForKey("", { upArrow: true })).toEqual({ type: "up" });
    expect(actionForKey("", { downArrow: true })).toEqual({ type: "down" });
  });

  it("maps Home/End and Ctrl+A/E to the line's ends", () => {
    expect(actionForKey("", { home: true })).toEqual(edit("line-start"));
    expect(actionForKey("", { end: true })).toEqual(edit("line-end"));
    expect(actionForKey("a", { ctrl: true })).toEqual(edit("line-start"));
    expect(actionForKey("e", { ctrl: true })).toEqual(edit("line-end"));
  });

  it("maps the deleting keys", () => {
    expect(actionForKey("", { backspace: true })).toEqual(edit("backspace"));
    expect(actionForKey("", { backspace: true, meta: true })).toEqual(edit("kill-word-before"));
    expect(actionForKey("", { delete: true })).toEqual(edit("delete"));
    expect(actionForKey("w", { ctrl: true })).toEqual(edit("kill-space-word-before"));
    expect(actionForKey("u", { ctrl: true })).toEqual(edit("kill-line-before"));
    expect(actionForKey("k", { ctrl: true })).toEqual(edit("kill-line-after"));
    expect(actionForKey("d", { meta: true })).toEqual(edit("kill-word-after"));
  });

  it("maps Esc, Ctrl+C and Tab, and leaves Shift+Tab to the app", () => {
    expect(actionForKey("", { escape: true })).toEqual({ type: "escape", twice: false });
    expect(actionForKey("", { escape: true, meta: true })).toEqual({ type: "escape", twice: true });
    expect(actionForKey("c", { ctrl: true })).toEqual({ type: "ctrl-c" });
    expect(actionForKey("", { tab: true })).toEqual({ type: "tab" });
    expect(actionForKey("", { tab: true, shift: true })).toBeUndefined();
  });

  it("ignores unknown Ctrl and Alt chords, key releases and paging", () => {
    expect(actionForKey("z", { ctrl: true })).toBeUndefined();
    expect(actionForKey("x", { meta: true })).toBeUndefined();
    expect(actionForKey("a", { eventType: "release" })).toBeUndefined();
    expect(actionForKey("", { pageUp: true })).toBeUndefined();
  });
});
