import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./app.tsx";
import type { TerminalHooks, UiController } from "./controller.ts";
import { createRenderSettings } from "./render/index.ts";
import type { PendingPermission, PermissionChoice, StatusLine } from "./types.ts";
import { initialViewState, type UiAction } from "./view-model.ts";
import { createViewStore } from "./view-store.ts";

const ENTER = "\r";
const ESC = "\x1b";
const DOWN = "\x1b[B";
const SHIFT_TAB = "\x1b[Z";
const CTRL_C = "\x03";

const status: StatusLine = {
  model: "claude-sonnet-5-5",
  mode: "default",
  contextTokens: 50_000,
  contextWindow: 200_000,
  costUsd: 0.1234,
  backgroundShells: 1,
};

/** Long enough for Ink to take a lone ESC as a key (it waits for the rest of a sequence) and draw. */
const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-app-"));
});
afterEach(async () => {
  cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** A controller over a real view store that records what the screen asks of it. */
function fakeController() {
  const store = createViewStore(initialViewState(status, dir), { frameMs: 0 });
  const calls = {
    submit: vi.fn<(text: string) => void>(),
    interrupt: vi.fn<() => void>(),
    answerPermission: vi.fn<(choice: PermissionChoice) => void>(),
    cycleMode: vi.fn<() => void>(),
  };
  let terminal: TerminalHooks | undefined;
  const controller: UiController = {
    getState: store.getState,
    subscribe: store.subscribe,
    ...calls,
    attachTerminal(hooks) {
      terminal = hooks;
      return () => undefined;
    },
    commands: [{ name: "help", description: "Show help", run: () => undefined }],
    cwd: dir,
    historyFile: join(dir, "history.jsonl"),
  };
  return {
    controller,
    calls,
    dispatch: (action: UiAction) => store.dispatch(action),
    terminal: () => terminal,
  };
}

function setup() {
  const fake = fakeController();
  const view = render(
    <App controller={fake.controller} settings={createRenderSettings({ NO_COLOR: "1" })} />,
  );
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await settle();
    }
  };
  return { ...fake, view, press };
}

const pending: PendingPermission = {
  toolUseId: "toolu_1",
  toolName: "Bash",
  target: "npm test -- --watch",
  reason: "Bash(npm test -- --watch) needs approval",
  suggestedRule: "Bash(npm test:*)",
};

const occurrences = (text: string, part: string): number => text.split(part).length - 1;

describe("the interactive screen", () => {
  it("prints each finished item once, however often the live region changes", async () => {
    const { view, dispatch } = setup();
    dispatch({ type: "run_started", prompt: "first prompt" });
    await settle();
    for (const delta of ["Streaming ", "the ", "answer"]) {
      dispatch({
        type: "agent",
        now: 0,
        event: { type: "stream", event: { type: "text_delta", index: 0, text: delta } },
      });
      await settle(10);
    }
    expect(view.lastFrame()).toContain("Streaming the answer");
    dispatch({ type: "notice", text: "a notice line", level: "info" });
    dispatch({ type: "status", status: { costUsd: 0.5 } });
    await settle();
    const frame = view.lastFrame() ?? "";
    // Ink's test renderer repeats all <Static> output in every frame: an item printed twice
    // would show twice here.
    expect(occurrences(frame, "first prompt")).toBe(1);
    expect(occurrences(frame, "a notice line")).toBe(1);
    expect(frame).toContain("$0.50");
  });

  it("shows the footer: model, mode, context use, cost and background shells", async () => {
    const { view } = setup();
    await settle();
    const frame = view.lastFrame() ?? "";
    expect(frame).toContain("claude-sonnet-5-5");
    expect(frame).toContain("ask before changes");
    expect(frame).toContain("25% context");
    expect(frame).toContain("$0.12");
    expect(frame).toContain("1 background shell");
  });

  it("cycles the permission mode on Shift+Tab", async () => {
    const { press, calls } = setup();
    await settle();
    await press(SHIFT_TAB);
    expect(calls.cycleMode).toHaveBeenCalledTimes(1);
  });

  it("sends what is typed to the controller, and Esc interrupts", async () => {
    const { press, calls, dispatch } = setup();
    await settle();
    await press("hello", ENTER);
    expect(calls.submit).toHaveBeenCalledWith("hello");
    dispatch({ type: "run_started", prompt: "hello" });
    await settle();
    await press(ESC);
    expect(calls.interrupt).toHaveBeenCalled();
  });

  describe("the permission prompt", () => {
    async function asked() {
      const screen = setup();
      screen.dispatch({ type: "run_started", prompt: "test it" });
      screen.dispatch({ type: "permission_asked", pending });
      await settle();
      return screen;
    }

    it("shows the call, the reason and the four answers", async () => {
      const { view } = await asked();
      const frame = view.lastFrame() ?? "";
      expect(frame).toContain("Bash wants to run:");
      expect(frame).toContain("npm test -- --watch");
      expect(frame).toContain("needs approval");
      expect(frame).toContain("1. Yes");
      expect(frame).toContain("don't ask again this session for Bash(npm test:*)");
      expect(frame).toContain("always allow Bash(npm test:*) in this project");
      expect(frame).toContain("4. No, and tell the model what to do instead");
    });

    it("answers with a number key", async () => {
      const { press, calls } = await asked();
      await press("2");
      expect(calls.answerPermission).toHaveBeenCalledWith({
        type: "allow_session",
        rule: "Bash(npm test:*)",
      });
    });

    it("moves with the arrow keys and confirms with Enter", async () => {
      const { press, calls } = await asked();
      await press(DOWN, DOWN, ENTER);
      expect(calls.answerPermission).toHaveBeenCalledWith({
        type: "allow_project",
        rule: "Bash(npm test:*)",
      });
    });

    it("takes a note for the model with the fourth answer", async () => {
      const { press, calls, view } = await asked();
      await press("4");
      expect(view.lastFrame()).toContain("What should the model do instead?");
      await press("use pnpm", ENTER);
      expect(calls.answerPermission).toHaveBeenCalledWith({ type: "deny", note: "use pnpm" });
    });

    it("denies on Esc, and keys do not reach the prompt meanwhile", async () => {
      const { press, calls } = await asked();
      await press("x", ESC);
      expect(calls.answerPermission).toHaveBeenCalledWith({ type: "deny" });
      expect(calls.submit).not.toHaveBeenCalled();
      expect(calls.interrupt).not.toHaveBeenCalled();
    });
  });

  it("cuts the streaming text to the rows that fit, newest last", async () => {
    const { view, dispatch } = setup();
    dispatch({ type: "run_started", prompt: "count" });
    const text = Array.from({ length: 200 }, (_, i) => `row ${i + 1}`).join("\n");
    dispatch({
      type: "agent",
      now: 0,
      event: { type: "stream", event: { type: "text_delta", index: 0, text } },
    });
    await settle();
    const frame = view.lastFrame() ?? "";
    expect(frame).toContain("row 200");
    expect(frame).not.toContain("row 1\n");
    expect(frame.split("\n").length).toBeLessThan(60);
  });

  it("exits on a second Ctrl+C within a second, leaving only the conversation", async () => {
    const { press, view, dispatch } = setup();
    dispatch({ type: "notice", text: "kept in the scrollback", level: "info" });
    await settle();
    await press(CTRL_C);
    expect(view.lastFrame()).toContain("Press Ctrl+C again to exit");
    await press(CTRL_C);
    // The frame drawn on the way out (Ink's test renderer repeats <Static> output in each).
    const last = view.frames.filter((f) => f.trim() !== "").at(-1) ?? "";
    expect(last).toContain("kept in the scrollback");
    expect(last).not.toContain("Ask anything");
  });

  it("stops a run on Ctrl+C", async () => {
    const { press, calls, dispatch } = setup();
    dispatch({ type: "run_started", prompt: "long job" });
    await settle();
    await press(CTRL_C);
    expect(calls.interrupt).toHaveBeenCalled();
  });

  it("hands the controller a way to exit and to suspend the terminal", async () => {
    const { terminal } = setup();
    await settle();
    expect(terminal()).toBeDefined();
  });

  it("runs a timer only while busy", async () => {
    const timers = trackTimers();
    try {
      const { dispatch } = setup();
      await settle();
      dispatch({ type: "run_started", prompt: "go" });
      await settle();
      expect(timers.live()).toBeGreaterThan(0);
      dispatch({
        type: "run_ended",
        now: 0,
        result: {
          outcome: "success",
          finalText: "",
          numTurns: 1,
          usage: {
            inputTokens: 0,
            outputTokens: 0,
            cacheCreationInputTokens: 0,
            cacheReadInputTokens: 0,
          },
          costUsd: 0,
          apiDurationMs: 0,
          stopReason: "end_turn",
        },
      });
      await settle(200);
      expect(timers.live()).toBe(0);
    } finally {
      timers.restore();
    }
  });
});

/**
 * Counts timers and intervals set since it was called that have neither fired (timeouts) nor
 * been cleared. The test's own waits have fired by the time it looks.
 */
function trackTimers(): { live: () => number; restore: () => void } {
  const live = new Set<unknown>();
  const spies = [
    vi.spyOn(globalThis, "setTimeout").mockImplementation(((
      callback: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      const handle: NodeJS.Timeout = originalSetTimeout(() => {
        live.delete(handle);
        callback(...args);
      }, ms);
      live.add(handle);
      return handle;
    }) as typeof setTimeout),
    vi.spyOn(globalThis, "setInterval").mockImplementation(((
      callback: (...args: unknown[]) => void,
      ms?: number,
      ...args: unknown[]
    ) => {
      const handle = originalSetInterval(() => callback(...args), ms);
      live.add(handle);
      return handle;
    }) as typeof setInterval),
    vi.spyOn(globalThis, "clearTimeout").mockImplementation((handle) => {
      live.delete(handle);
      originalClearTimeout(handle);
    }),
    vi.spyOn(globalThis, "clearInterval").mockImplementation((handle) => {
      live.delete(handle);
      originalClearInterval(handle);
    }),
  ];
  return {
    live: () => live.size,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

const originalSetTimeout = globalThis.setTimeout;
const originalSetInterval = globalThis.setInterval;
const originalClearTimeout = globalThis.clearTimeout;
const originalClearInterval = globalThis.clearInterval;
