// Lets the terminal tell Shift+Enter from Enter. Two ways exist: the kitty keyboard protocol (Ink
// negotiates it: `kittyKeyboardOption`) and xterm's modifyOtherKeys, which xterm, tmux (with
// `extended-keys on`) and others speak. Not for what a key does (prompt-editor/keymap.ts).

import type { KittyKeyboardOptions } from "ink";

/** For Ink's render(): ask the terminal whether it speaks the kitty protocol, and use it if so. */
export const kittyKeyboardOption: KittyKeyboardOptions = {
  mode: "auto",
  flags: ["disambiguateEscapeCodes"],
};

/** xterm's modifyOtherKeys level 1: modified keys that would read as plain ones get a sequence. */
export const modifiedKeysOn = "\u001B[>4;1m";
/** Back to the terminal's own modifyOtherKeys setting. */
export const modifiedKeysOff = "\u001B[>4m";

/** CSI 27 ; modifiers ; code ~ — modifyOtherKeys' default form. */
const xtermModifiedKey = /\u001B\[27;(\d+);(\d+)~/g;

/**
 * Rewrites modifyOtherKeys' default form (`CSI 27;2;13~`, sent by xterm and by tmux 3.5+) into
 * the kitty protocol's `CSI 13;2u`, which means the same: Ink decodes the latter and drops the
 * former as a key it cannot represent.
 */
export function translateModifiedKeys(chunk: string): string {
  return chunk.includes("\u001B[27;") ? chunk.replace(xtermModifiedKey, "\u001B[$2;$1u") : chunk;
}

interface ReadableInput {
  read(size?: number): unknown;
}

/**
 * Passes every chunk Ink reads from `stdin` through `translateModifiedKeys`; returns the undo.
 * Ink reads with `stdin.read()` on 'readable' events, so wrapping that one method is enough, and
 * nothing is consumed while Ink is not reading (an editor has the terminal).
 */
export function translateInput(stdin: ReadableInput): () => void {
  // Bound and put back as it was; the instance property shadows the prototype's method.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const own = Object.prototype.hasOwnProperty.call(stdin, "read") ? stdin.read : undefined;
  const read = stdin.read.bind(stdin);
  stdin.read = (size?: number): unknown => {
    const chunk = read(size);
    return typeof chunk === "string" ? translateModifiedKeys(chunk) : chunk;
  };
  return () => {
    if (own) stdin.read = own;
    else delete (stdin as { read?: unknown }).read;
  };
}

interface Output {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Turns modifyOtherKeys on for the UI's lifetime (the terminal restore turns it off). */
export function enableModifiedKeys(stdout: Output): void {
  if (stdout.isTTY === true) stdout.write(modifiedKeysOn);
}

/** Runs `run` (an editor) with the terminal's keys as a child program expects them, then back. */
export async function withPlainKeys(stdout: Output, run: () => Promise<void>): Promise<void> {
  if (stdout.isTTY !== true) return run();
  stdout.write(modifiedKeysOff);
  try {
    await run();
  } finally {
    stdout.write(modifiedKeysOn);
  }
}
