import { openSync, readFileSync, closeSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { guardTerminal, restoreSequence, restoreTerminal } from "./terminal.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-terminal-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in terminal: raw mode we can see, and output going to a file. */
function fakeTerminal() {
  const path = join(dir, "out");
  const fd = openSync(path, "w");
  const stdin = {
    isTTY: true,
    isRaw: true,
    setRawMode(mode: boolean) {
      stdin.isRaw = mode;
    },
  };
  return {
    stdin,
    stdout: { isTTY: true, fd },
    written: () => {
      closeSync(fd);
      return readFileSync(path, "utf8");
    },
  };
}

describe("restoring the terminal", () => {
  it("leaves raw mode, shows the cursor, and ends synchronized output and bracketed paste", () => {
    const terminal = fakeTerminal();
    restoreTerminal(terminal.stdin, terminal.stdout);
    expect(terminal.stdin.isRaw).toBe(false);
    const out = terminal.written();
    expect(out).toBe(restoreSequence);
    expect(out).toContain("\u001B[?25h");
    expect(out).toContain("\u001B[?2026l");
    expect(out).toContain("\u001B[?2004l");
  });

  it("writes nothing to an output that is not a terminal", () => {
    const terminal = fakeTerminal();
    restoreTerminal(terminal.stdin, { ...terminal.stdout, isTTY: false });
    expect(terminal.written()).toBe("");
  });

  it("on an uncaught exception unmounts the UI first, then restores", () => {
    const terminal = fakeTerminal();
    const order: string[] = [];
    const unguard = guardTerminal({
      stdin: terminal.stdin,
      stdout: terminal.stdout,
      onCrash: (error) => {
        order.push(`crash: ${(error as Error).message}, raw ${terminal.stdin.isRaw}`);
      },
    });
    try {
      // What Node does with an exception nothing caught: calls these listeners.
      for (const listener of process.listeners("uncaughtException")) {
        if (listener.name === "onCrash") listener(new Error("boom"), "uncaughtException");
      }
    } finally {
      unguard();
    }
    expect(order).toEqual(["crash: boom, raw true"]);
    expect(terminal.stdin.isRaw).toBe(false);
    expect(terminal.written()).toBe(restoreSequence);
  });

  it("restores on process exit, and its handlers go when the guard is removed", () => {
    const terminal = fakeTerminal();
    const counts = () =>
      ["exit", "uncaughtException", "unhandledRejection"].map((e) => process.listenerCount(e));
    const before = counts();
    const unguard = guardTerminal({ ...terminal, onCrash: () => undefined });
    expect(counts()).toEqual(before.map((n) => n + 1));
    const onExit = process.listeners("exit").at(-1);
    onExit?.(0);
    expect(terminal.stdin.isRaw).toBe(false);
    unguard();
    expect(counts()).toEqual(before);
  });
});
