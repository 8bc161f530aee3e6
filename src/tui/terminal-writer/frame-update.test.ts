// The writer's bytes, played into a real terminal emulator (xterm.js headless): whatever frames
// and scrollback lines come, the terminal must end up showing exactly the lines sent to the
// scrollback followed by the live region, as a full redraw would.

import xterm from "@xterm/headless";
import fc from "fast-check";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { frameUpdate } from "./frame-update.ts";

const { Terminal } = xterm;
const ansi = /\u001B\[[0-?]*[ -/]*[@-~]/g;
const width = (plain: string): number => stringWidth(plain);
const COLUMNS = 40;

/** A terminal, and the live region as the writer last drew it. */
function screen(rows: number) {
  const terminal = new Terminal({
    cols: COLUMNS,
    rows,
    scrollback: 10_000,
    allowProposedApi: true,
    // What a tty's ONLCR does for the frames Ink writes.
    convertEol: true,
  });
  let live: string[] = [];
  const committed: string[] = [];
  const write = (data: string): Promise<void> =>
    new Promise((resolve) => terminal.write(data, resolve));
  return {
    async show(next: string[], toScrollback: string[] = []): Promise<boolean> {
      const bytes = frameUpdate({
        previous: live,
        next: [...toScrollback, ...next],
        screenRows: rows,
        width,
      });
      // Else the caller's fallback: erase the region upward and draw everything again.
      const lines = [...toScrollback, ...next];
      const fallback =
        "\u001B[1A\u001B[2K".repeat(live.length) + "\r" + lines.map((line) => `${line}\n`).join("");
      await write(bytes ?? fallback);
      committed.push(...toScrollback);
      live = next;
      return bytes !== undefined;
    },
    /** Scrollback and screen, top to bottom, trailing blank rows dropped, styles removed. */
    text(): string[] {
      const buffer = terminal.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i++) {
        lines.push((buffer.getLine(i)?.translateToString(true) ?? "").trimEnd());
      }
      while (lines.length > 0 && lines.at(-1) === "") lines.pop();
      return lines;
    },
    /** Every cell with its character, boldness and colour, as the user sees them. */
    cells: () => cellsOf(terminal),
    /** The same lines written once into a fresh terminal: what the screen must look like. */
    async redrawn(): Promise<string[]> {
      const fresh = new Terminal({
        cols: COLUMNS,
        rows,
        scrollback: 10_000,
        allowProposedApi: true,
        convertEol: true,
      });
      const all = [...committed, ...live].map((line) => `${line}\n`).join("");
      await new Promise<void>((resolve) => fresh.write(all, resolve));
      const cells = cellsOf(fresh);
      fresh.dispose();
      return cells;
    },
    expected(): string[] {
      const lines = [...committed, ...live].map((line) => line.replace(ansi, "").trimEnd());
      while (lines.length > 0 && lines.at(-1) === "") lines.pop();
      return lines;
    },
    rows(): number {
      return committed.length + live.length;
    },
    cursorRow(): number {
      const buffer = terminal.buffer.active;
      return buffer.baseY + buffer.cursorY;
    },
    dispose: () => terminal.dispose(),
  };
}

function cellsOf(terminal: InstanceType<typeof Terminal>): string[] {
  const buffer = terminal.buffer.active;
  const rows: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    const cells: string[] = [];
    for (let x = 0; line && x < COLUMNS; x++) {
      const cell = line.getCell(x);
      if (!cell) continue;
      const styled = cell.isBold() !== 0 || cell.getFgColor() !== 0 || cell.isDim() !== 0;
      const char = cell.getChars() || " ";
      cells.push(styled ? `${char}[${cell.isBold()}${cell.isDim()}${cell.getFgColor()}]` : char);
    }
    rows.push(cells.join("").trimEnd());
  }
  while (rows.length > 0 && rows.at(-1) === "") rows.pop();
  return rows;
}

describe("frameUpdate", () => {
  it("adds streamed lines above the unchanged bottom rows without writing them again", async () => {
    const term = screen(12);
    const bottom = ["", "╭──────╮", "│ ›    │", "╰──────╯", " footer"];
    await term.show(["Hello", "⠋ Working", ...bottom]);
    const bytes = frameUpdate({
      previous: ["Hello", "⠋ Working", ...bottom],
      next: ["Hello", "world, more", "⠙ Working", ...bottom],
      screenRows: 12,
      width,
    });
    expect(bytes).toBeDefined();
    expect(bytes).not.toContain("footer");
    expect(bytes).not.toContain("Working");
    expect(bytes).toContain("world, more");
    await term.show(["Hello", "world, more", "⠙ Working", ...bottom]);
    expect(term.text()).toEqual(term.expected());
    term.dispose();
  });

  it("writes only the new end of a line that grew, and only a changed spinner frame", () => {
    const grown = frameUpdate({
      previous: ["The answer is", "x"],
      next: ["The answer is forty-two", "x"],
      screenRows: 10,
      width,
    });
    expect(grown).toBe("\u001B[2A\u001B[14G forty-two\n\u001B[1B");
    const spinner = frameUpdate({
      previous: ["\u001B[36m⠋\u001B[39m Working… \u001B[2m3s\u001B[22m"],
      next: ["\u001B[36m⠙\u001B[39m Working… \u001B[2m3s\u001B[22m"],
      screenRows: 10,
      width,
    });
    expect(spinner).toBe("\u001B[1A\u001B[1G\u001B[36m⠙\u001B[0m\n");
  });

  it("sends lines to the scrollback without writing again what is already on screen", async () => {
    const term = screen(8);
    await term.show(["one", "two", "thr", "> prompt"]);
    const bytes = frameUpdate({
      previous: ["one", "two", "thr", "> prompt"],
      next: ["one", "two", "three", "> prompt"],
      screenRows: 8,
      width,
    });
    expect(bytes).not.toContain("one");
    await term.show(["three", "> prompt"], ["one", "two"]);
    expect(term.text()).toEqual(term.expected());
    term.dispose();
  });

  it("says when a change reaches above the top of the screen", () => {
    const tall = Array.from({ length: 10 }, (_, i) => `row ${i}`);
    expect(
      frameUpdate({ previous: tall, next: ["changed", ...tall.slice(1)], screenRows: 6, width }),
    ).toBeUndefined();
  });

  it("leaves the terminal as a full redraw would, whatever the frames (property)", async () => {
    const word = fc.constantFrom(
      "a",
      "bb",
      "ccc",
      "日本",
      "⠋",
      "\u001B[1mb\u001B[22m",
      "\u001B[36mc\u001B[39m",
      "\u001B[2md\u001B[22m",
      "\u001B[1m\u001B[2mbd\u001B[22m",
      "\u001B[38;5;208mo\u001B[39m",
      " ",
    );
    const line = fc
      .array(word, { maxLength: 8 })
      .map((words) => words.join(""))
      .filter((text) => width(text.replace(ansi, "")) <= COLUMNS);
    const step = fc.record({
      frame: fc.array(line, { minLength: 1, maxLength: 9 }),
      scrollback: fc.array(line, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 6, max: 14 }),
        async (steps, rows) => {
          const term = screen(rows);
          try {
            for (const { frame, scrollback } of steps) {
              await term.show(frame.slice(0, rows - 2), scrollback);
              expect(term.text()).toEqual(term.expected());
              expect(term.cursorRow()).toBe(term.rows());
            }
          } finally {
            term.dispose();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
