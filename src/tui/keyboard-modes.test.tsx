import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  modifiedKeysOff,
  modifiedKeysOn,
  translateInput,
  translateModifiedKeys,
  withPlainKeys,
} from "./keyboard-modes.ts";
import { PromptEditor } from "./prompt-editor/index.ts";
import { restoreSequence } from "./terminal.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-keys-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const settle = (ms = 40): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("telling Shift+Enter from Enter", () => {
  it("rewrites modifyOtherKeys' CSI 27;mods;code~ into the CSI code;mods u Ink decodes", () => {
    expect(translateModifiedKeys("\u001B[27;2;13~")).toBe("\u001B[13;2u");
    expect(translateModifiedKeys("a\u001B[27;5;13~b\u001B[27;6;99~")).toBe(
      "a\u001B[13;5ub\u001B[99;6u",
    );
    expect(translateModifiedKeys("\u001B[A plain \r")).toBe("\u001B[A plain \r");
  });

  it("translates what is read from a stream, and stops when undone", () => {
    const stream = new PassThrough({ encoding: "utf8" });
    const undo = translateInput(stream);
    stream.write("\u001B[27;2;13~");
    expect(stream.read()).toBe("\u001B[13;2u");
    undo();
    stream.write("\u001B[27;2;13~");
    expect(stream.read()).toBe("\u001B[27;2;13~");
    expect(Object.prototype.hasOwnProperty.call(stream, "read")).toBe(false);
  });

  it("makes xterm's and tmux 3.5's Shift+Enter a new line in the prompt", async () => {
    const onSubmit = vi.fn<(text: string) => void>();
    const view = render(
      <PromptEditor
        commands={[]}
        cwd={dir}
        historyFile={join(dir, "history.jsonl")}
        disabled={false}
        width={60}
        onSubmit={onSubmit}
        onInterrupt={() => undefined}
        onClearOrExit={() => undefined}
      />,
    );
    translateInput(view.stdin);
    for (const key of ["a", "\u001B[27;2;13~", "b", "\r"]) {
      view.stdin.write(key);
      await settle();
    }
    expect(onSubmit).toHaveBeenCalledWith("a\nb");
    view.unmount();
  });

  it("hands an editor the keys as they were, and takes them back after", async () => {
    const written: string[] = [];
    const stdout = { isTTY: true, write: (text: string) => written.push(text) };
    await withPlainKeys(stdout, async () => {
      written.push("editor");
      await Promise.resolve();
    });
    expect(written).toEqual([modifiedKeysOff, "editor", modifiedKeysOn]);
    await expect(
      withPlainKeys(stdout, () => Promise.reject(new Error("editor failed"))),
    ).rejects.toThrow("editor failed");
    expect(written.at(-1)).toBe(modifiedKeysOn);
  });

  it("puts modifyOtherKeys back and pops the kitty flags when the terminal is restored", () => {
    expect(restoreSequence).toContain(modifiedKeysOff);
    expect(restoreSequence).toContain("\u001B[<u");
  });
});
