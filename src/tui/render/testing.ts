// Helpers for this folder's component tests: a fake terminal, Ink's colours turned on (chalk
// finds no terminal under the test runner and would print none), frames read without escapes.

import chalk from "chalk";
import { render } from "ink-testing-library";
import type { ReactElement } from "react";
import { afterAll, beforeAll } from "vitest";

/**
 * ink-testing-library's render, on a fake terminal that also has a height: without `rows` Ink 8
 * asks `tput` for the size, spawning a process on every frame.
 */
export function renderInTerminal(tree: ReactElement, rows = 50): ReturnType<typeof render> {
  const instance = render(tree);
  Object.defineProperty(instance.stdout, "rows", { value: rows });
  return instance;
}

/** Makes Ink emit basic ANSI colours for the tests of the calling file. */
export function useAnsiColours(): void {
  let saved = chalk.level;
  beforeAll(() => {
    saved = chalk.level;
    chalk.level = 1;
  });
  afterAll(() => {
    chalk.level = saved;
  });
}

const SGR = /\u001b\[[0-9;]*m/g;

/** A frame's text without colour codes. */
export function plain(frame: string | undefined): string {
  return (frame ?? "").replace(SGR, "");
}

/** ANSI foreground colour codes (30–37, 90–97) present in a frame. */
export function colourCodes(frame: string | undefined): string[] {
  return [...(frame ?? "").matchAll(/\u001b\[(3[0-7]|9[0-7])m/g)].map((match) => match[1] ?? "");
}
