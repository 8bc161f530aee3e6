// Which key does what in the prompt: turns Ink's (input, key) pair into one action.
// Not for what an action does (prompt-model.ts decides, with the menu and history in view).

import type { Key } from "ink";
import type { EditCommand } from "./editor-state.ts";

export type KeyAction =
  | { type: "edit"; command: EditCommand }
  /** Printable input: one typed character, or a burst (fast typing, an unbracketed paste). */
  | { type: "text"; text: string }
  /** Enter: submit, accept a completion, or turn a trailing `\` into a line break. */
  | { type: "enter" }
  | { type: "up" }
  | { type: "down" }
  | { type: "tab" }
  /** `twice` when both presses arrived together (ESC ESC in one read). */
  | { type: "escape"; twice: boolean }
  | { type: "ctrl-c" };

/** The subset of Ink's `Key` the map reads; tests build it without Ink. */
export type KeyInfo = Partial<
  Pick<
    Key,
    | "upArrow"
    | "downArrow"
    | "leftArrow"
    | "rightArrow"
    | "pageUp"
    | "pageDown"
    | "home"
    | "end"
    | "return"
    | "escape"
    | "ctrl"
    | "shift"
    | "tab"
    | "backspace"
    | "delete"
    | "meta"
    | "super"
    | "eventType"
  >
>;

const edit = (command: EditCommand): KeyAction => ({ type: "edit", command });

const modifiedEnter = /^\[27;\d+;13~$/;

/** The action for one key press, or undefined for keys the prompt leaves alone. */
export function actionForKey(input: string, key: KeyInfo): KeyAction | undefined {
  if (key.eventType === "release") return undefined;
  if (key.return) {
    // Shift+Enter reaches us only from terminals that report it (kitty protocol); Alt+Enter
    // (ESC CR) is the fallback many terminals can send.
    return key.shift || key.meta ? edit({ type: "newline" }) : { type: "enter" };
  }
  // LF is Ctrl+J, and what terminals configured for "Shift+Enter sends \n" send.
  if (input === "\n") return edit({ type: "newline" });
  // xterm's modifyOtherKeys reports a modified Enter as CSI 27;<mods>;13~, which Ink does not
  // decode (it reaches us without its ESC): Shift+Enter, Ctrl+Enter and the like.
  if (modifiedEnter.test(input)) return edit({ type: "newline" });
  if (key.escape) return { type: "escape", twice: key.meta === true };
  if (key.tab) return key.shift ? undefined : { type: "tab" };
  if (key.upArrow) return { type: "up" };
  if (key.downArrow) return { type: "down" };
  if (key.leftArrow) return edit({ type: key.ctrl || key.meta ? "word-left" : "left" });
  if (key.rightArrow) return edit({ type: key.ctrl || key.meta ? "word-right" : "right" });
  if (key.home) return edit({ type: "line-start" });
  if (key.end) return edit({ type: "line-end" });
  if (key.backspace) return edit({ type: key.meta || key.ctrl ? "kill-word-before" : "backspace" });
  if (key.delete) return edit({ type: key.meta || key.ctrl ? "kill-word-after" : "delete" });
  if (key.pageUp || key.pageDown) return undefined;
  if (key.ctrl) return ctrlAction(input);
  if (key.meta) return metaAction(input);
  if (key.super) return undefined;
  return input === "" ? undefined : { type: "text", text: input };
}

function ctrlAction(input: string): KeyAction | undefined {
  switch (input) {
    case "c":
      return { type: "ctrl-c" };
    case "a":
      return edit({ type: "line-start" });
    case "e":
      return edit({ type: "line-end" });
    case "b":
      return edit({ type: "left" });
    case "f":
      return edit({ type: "right" });
    case "d":
      return edit({ type: "delete" });
    case "u":
      return edit({ type: "kill-line-before" });
    case "k":
      return edit({ type: "kill-line-after" });
    case "w":
      return edit({ type: "kill-space-word-before" });
    case "p":
      return { type: "up" };
    case "n":
      return { type: "down" };
    default:
      return undefined;
  }
}

/** Alt+letter arrives as ESC + letter; macOS terminals send Option+Left/Right as Alt+B/F. */
function metaAction(input: string): KeyAction | undefined {
  switch (input) {
    case "b":
      return edit({ type: "word-left" });
    case "f":
      return edit({ type: "word-right" });
    case "d":
      return edit({ type: "kill-word-after" });
    default:
      return undefined;
  }
}
