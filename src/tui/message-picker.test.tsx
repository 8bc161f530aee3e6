import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.tsx";
import type { UiController } from "./controller.ts";
import { MessagePicker } from "./message-picker.tsx";
import { createRenderSettings } from "./render/index.ts";
import type { EarlierPrompt, StatusLine } from "./types.ts";
import { initialViewState } from "./view-model.ts";
import { createViewStore } from "./view-store.ts";

const ENTER = "\r";
const ESC = "\x1b";
const UP = "\x1b[A";
const DOWN = "\x1b[B";

/** Long enough for Ink to take a lone ESC as a key, and to draw. */
const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-picker-"));
});
afterEach(async () => {
  cleanup();
  await rm(dir, { recursive: true, force: true });
});

const now = new Date("2026-01-02T12:00:00Z");
const prompts: EarlierPrompt[] = [
  { entry: 9, text: "third: run the tests", at: "2026-01-02T11:58:00Z", turn: 3, files: [] },
  {
    entry: 5,
    text: "second: fix the parser\nwith details",
    at: "2026-01-02T11:30:00Z",
    turn: 2,
    files: ["src/parse.ts", "src/parse.test.ts"],
  },
  { entry: 1, text: "first: read the code", at: "2026-01-02T10:00:00Z", turn: 1, files: [] },
];

function picker() {
  const onChoose = vi.fn<(prompt: EarlierPrompt, options: { files: boolean }) => void>();
  const onCancel = vi.fn<() => void>();
  const view = render(
    <MessagePicker
      prompts={prompts}
      onChoose={onChoose}
      onCancel={onCancel}
      width={80}
      now={now}
    />,
  );
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await settle();
    }
  };
  return { view, onChoose, onCancel, press, frame: () => view.lastFrame() ?? "" };
}

describe("the earlier-message picker", () => {
  it("lists the messages newest first with their age and the files changed since", async () => {
    const ui = picker();
    await settle();
    const frame = ui.frame();
    expect(frame.indexOf("third: run the tests")).toBeLessThan(frame.indexOf("second: fix"));
    expect(frame.indexOf("second: fix")).toBeLessThan(frame.indexOf("first: read"));
    expect(frame).toMatch(/❯ third: run the tests +2 min ago/);
    expect(frame).toContain("second: fix the parser …  30 min ago · 2 files changed since");
  });

  it("says it is reading the messages until they are there, and Esc cancels then too", async () => {
    const onCancel = vi.fn<() => void>();
    const view = render(
      <MessagePicker
        prompts={undefined}
        onChoose={() => undefined}
        onCancel={onCancel}
        width={80}
        now={now}
      />,
    );
    await settle();
    expect(view.lastFrame()).toContain("Reading the earlier messages");
    view.stdin.write(ESC);
    await settle();
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it("goes back to a message with nothing to put back at once", async () => {
    const ui = picker();
    await ui.press(DOWN, DOWN, ENTER);
    expect(ui.onChoose).toHaveBeenCalledWith(prompts[2], { files: false });
  });

  it("asks whether to put the files back when some changed since, files first", async () => {
    const ui = picker();
    await ui.press(DOWN, ENTER);
    expect(ui.onChoose).not.toHaveBeenCalled();
    expect(ui.frame()).toContain("changed 2 files since: src/parse.ts, src/parse.test.ts");
    expect(ui.frame()).toContain("❯ 1. Conversation and files (put the 2 files back)");
    await ui.press(ENTER);
    expect(ui.onChoose).toHaveBeenCalledWith(prompts[1], { files: true });
  });

  it("goes back in the conversation only when that is chosen", async () => {
    const ui = picker();
    await ui.press(DOWN, ENTER, DOWN, ENTER);
    expect(ui.onChoose).toHaveBeenCalledWith(prompts[1], { files: false });
  });

  it("Esc backs out of the question, then cancels", async () => {
    const ui = picker();
    await ui.press(DOWN, ENTER, ESC);
    expect(ui.frame()).toContain("Go back to an earlier message");
    expect(ui.onCancel).not.toHaveBeenCalled();
    await ui.press(UP, ESC);
    expect(ui.onCancel).toHaveBeenCalledTimes(1);
    expect(ui.onChoose).not.toHaveBeenCalled();
  });
});

const status: StatusLine = {
  model: "m",
  mode: "default",
  contextTokens: 0,
  contextWindow: 200_000,
  costUsd: 0,
  backgroundShells: 0,
};

describe("Esc Esc in the interactive screen", () => {
  function app(busy = false) {
    const store = createViewStore(initialViewState(status, dir), { frameMs: 0 });
    if (busy) store.dispatch({ type: "run_started", prompt: "working" });
    const rewindToPrompt = vi.fn(() => Promise.resolve(true));
    const earlierPrompts = vi.fn(() => Promise.resolve(prompts));
    const interrupt = vi.fn();
    const controller: UiController = {
      getState: store.getState,
      subscribe: store.subscribe,
      submit: vi.fn(),
      interrupt,
      answerPermission: vi.fn(),
      cycleMode: vi.fn(),
      earlierPrompts,
      rewindToPrompt,
      attachTerminal: () => () => undefined,
      commands: [],
      cwd: dir,
      historyFile: join(dir, "history.jsonl"),
    };
    const view = render(
      <App
        controller={controller}
        settings={createRenderSettings({ NO_COLOR: "1" })}
        now={() => now.getTime()}
      />,
    );
    const press = async (...keys: string[]): Promise<void> => {
      for (const key of keys) {
        view.stdin.write(key);
        await settle();
      }
    };
    return { view, press, rewindToPrompt, earlierPrompts, interrupt };
  }

  it("opens the picker, goes back to the chosen message and puts its text in the prompt", async () => {
    const ui = app();
    await settle(200); // the prompt takes the keyboard once its first render's effects ran
    await ui.press(ESC, ESC);
    await vi.waitFor(() => expect(ui.view.lastFrame()).toContain("Go back to an earlier message"));
    // Keys right after it appears are the picker's (it opened at the second Esc).
    await ui.press(DOWN, DOWN, ENTER);
    expect(ui.rewindToPrompt).toHaveBeenCalledWith(prompts[2], { files: false });
    await settle();
    const frame = ui.view.lastFrame() ?? "";
    expect(frame).not.toContain("Go back to an earlier message");
    expect(frame).toContain("› first: read the code");
  });

  it("only interrupts while a run is going", async () => {
    const ui = app(true);
    await settle(200);
    await ui.press(ESC, ESC);
    expect(ui.earlierPrompts).not.toHaveBeenCalled();
    expect(ui.interrupt).toHaveBeenCalledTimes(2);
    expect(ui.view.lastFrame()).not.toContain("Go back to an earlier message");
  });
});
