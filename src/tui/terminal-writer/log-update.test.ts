// The wrapper around Ink's writer: it writes the frames it can improve on itself and keeps Ink's
// writer in step (sync), and hands the others (a visible cursor, no previous frame) to Ink.

import { describe, expect, it } from "vitest";
import {
  createLogUpdate,
  type CursorPosition,
  type InkLogUpdate,
  type InkLogUpdateModule,
} from "./log-update.ts";

function fakeInk(calls: string[]): InkLogUpdateModule {
  return {
    create(stream) {
      let last = "";
      let cursor: CursorPosition | undefined;
      const render = ((text: string) => {
        calls.push(`ink:${JSON.stringify(text)}`);
        stream.write(`<ink ${text}>`);
        last = text;
        return true;
      }) as InkLogUpdate;
      render.clear = () => calls.push("ink:clear");
      render.done = () => calls.push("ink:done");
      render.reset = () => calls.push("ink:reset");
      render.sync = (text) => {
        calls.push(`ink:sync:${JSON.stringify(text)}`);
        last = text;
      };
      render.setCursorPosition = (position) => (cursor = position);
      render.isCursorDirty = () => false;
      render.willRender = (text) => text !== last;
      render.getCursorPosition = () => cursor;
      return render;
    },
  };
}

function setup() {
  const calls: string[] = [];
  const written: string[] = [];
  const stream = { rows: 20, isTTY: true, write: (data: string) => written.push(data) > 0 };
  const log = createLogUpdate(fakeInk(calls), stream);
  return { calls, written, log };
}

describe("createLogUpdate", () => {
  it("lets Ink draw the first frame, then writes only what changed and syncs Ink", () => {
    const { calls, written, log } = setup();
    log("one\ntwo\n");
    expect(written).toEqual(["<ink one\ntwo\n>"]);
    log("one\ntwo!\n");
    expect(written.at(-1)).toBe("\u001B[1A\u001B[4G!\n");
    expect(calls.at(-1)).toBe('ink:sync:"one\\ntwo!\\n"');
  });

  it("commits lines to the scrollback without erasing the region", () => {
    const { calls, written, log } = setup();
    log("done line\ntyping\n> prompt\n");
    log.commit("done line\n", "typing more\n> prompt\n");
    expect(calls).not.toContain("ink:clear");
    expect(written.at(-1)).not.toContain("done line");
    expect(written.at(-1)).toContain(" more");
  });

  it("leaves frames to Ink while a cursor is shown", () => {
    const { calls, written, log } = setup();
    log("a\n");
    log.setCursorPosition({ x: 1, y: 0 });
    log("b\n");
    expect(written.at(-1)).toBe("<ink b\n>");
    log.commit("a\n", "c\n");
    expect(calls.slice(-2)).toEqual(["ink:clear", 'ink:"c\\n"']);
  });
});
