// Gives the terminal back as it was found, whatever ends the process: a normal exit, a signal,
// or a crash. Ink undoes its own modes when it unmounts; this is the net under it for the paths
// where Ink cannot run (an uncaught exception, process.exit from elsewhere).

import { writeSync } from "node:fs";
import { modifiedKeysOff } from "./keyboard-modes.ts";

interface Input {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

interface Output {
  isTTY?: boolean;
  fd?: number;
}

/**
 * End a synchronized update (so the screen is not left frozen), leave bracketed paste, show the
 * cursor, reset colours, put modifyOtherKeys back to the terminal's own setting and pop the kitty
 * keyboard flags Ink may have pushed (Ink pops them when it unmounts; a pop with nothing pushed
 * leaves the flags reset); all harmless when already so.
 */
export const restoreSequence = `\u001B[?2026l\u001B[?2004l\u001B[?25h\u001B[0m${modifiedKeysOff}\u001B[<u`;

/** Raw mode off and the modes above reset. Synchronous: it also runs in an 'exit' handler. */
export function restoreTerminal(stdin: Input, stdout: Output): void {
  if (stdin.isTTY && stdin.isRaw) {
    try {
      stdin.setRawMode?.(false);
    } catch {
      // The terminal is gone (SIGHUP): there is nothing left to restore.
    }
  }
  if (stdout.isTTY && stdout.fd !== undefined) {
    try {
      writeSync(stdout.fd, restoreSequence);
    } catch {
      // Same: a closed terminal cannot be written to, and the process is ending anyway.
    }
  }
}

export interface TerminalGuardOptions {
  stdin: Input;
  stdout: Output;
  /** An uncaught exception or unhandled rejection: unmount the UI; the guard restores and reports. */
  onCrash: (error: unknown) => void;
}

/**
 * Installs the process-wide handlers for the UI's lifetime; returns their removal. On a crash
 * the UI is unmounted (onCrash), the terminal restored, and then the error shown.
 */
export function guardTerminal(options: TerminalGuardOptions): () => void {
  const { stdin, stdout } = options;
  const onExit = (): void => restoreTerminal(stdin, stdout);
  const onCrash = (error: unknown): void => {
    try {
      options.onCrash(error);
    } finally {
      restoreTerminal(stdin, stdout);
    }
  };
  process.on("exit", onExit);
  process.on("uncaughtException", onCrash);
  process.on("unhandledRejection", onCrash);
  return () => {
    process.off("exit", onExit);
    process.off("uncaughtException", onCrash);
    process.off("unhandledRejection", onCrash);
  };
}
