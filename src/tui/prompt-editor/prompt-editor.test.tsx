import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PromptEditor, type PromptEditorProps } from "./index.ts";

const ENTER = "\r";
const ESC = "\x1b";
const UP = "\x1b[A";
const DOWN = "\x1b[B";
const TAB = "\t";
const CTRL_C = "\x03";
const BACKSPACE = "\x7f";

const commands = [
  { name: "help", description: "Show the commands" },
  { name: "clear", description: "Start a new conversation" },
  { name: "compact", description: "Summarise the conversation", argumentHint: "[instructions]" },
  { name: "cost", description: "Show the session's cost" },
];

let dir: string;
let historyFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-prompt-editor-"));
  historyFile = join(dir, "home", "history.jsonl");
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Long enough for Ink to flush a lone ESC (it waits 20 ms for the rest of a sequence) and draw. */
const settle = (ms = 40): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function setup(overrides: Partial<PromptEditorProps> = {}) {
  const props = {
    onSubmit: vi.fn<(text: string) => void>(),
    onInterrupt: vi.fn<() => void>(),
    onClearOrExit: vi.fn<() => void>(),
    onEditPrevious: vi.fn<() => void>(),
  };
  const view = render(
    <PromptEditor
      commands={commands}
      cwd={dir}
      historyFile={historyFile}
      disabled={false}
      width={60}
      {...props}
      {...overrides}
    />,
  );
  const press = async (...keys: string[]): Promise<void> => {
    for (const key of keys) {
      view.stdin.write(key);
      await settle();
    }
  };
  const frame = (): string => view.lastFrame() ?? "";
  return { ...props, ...view, press, frame };
}

/** Waits until the history file is loaded: Up shows the newest entry; Down goes back to empty. */
async function loaded(ui: ReturnType<typeof setup>): Promise<void> {
  await vi.waitFor(async () => {
    await ui.press(UP);
    expect(ui.frame()).not.toContain("Ask anything");
  });
  await ui.press(DOWN);
}

describe("PromptEditor", () => {
  it("shows what is typed with the prompt marker, and submits it on Enter", async () => {
    const ui = setup();
    await ui.press("h", "e", "l", "l", "o");
    expect(ui.frame()).toContain("› hello");
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("hello");
    expect(ui.frame()).not.toContain("hello");
    ui.unmount();
  });

  it("edits with the keys: backspace, Ctrl+W, Ctrl+U", async () => {
    const ui = setup();
    await ui.press("git commit now", BACKSPACE, "\x17", "x", ENTER);
    expect(ui.onSubmit).toHaveBeenLastCalledWith("git commit x");
    await ui.press("abc def", "\x15", "z", ENTER);
    expect(ui.onSubmit).toHaveBeenLastCalledWith("z");
    ui.unmount();
  });

  it("does not submit an empty or blank prompt", async () => {
    const ui = setup();
    await ui.press(ENTER, "   ", ENTER);
    expect(ui.onSubmit).not.toHaveBeenCalled();
    ui.unmount();
  });

  it("turns a trailing backslash plus Enter into a new line, and submits both lines", async () => {
    const ui = setup();
    await ui.press("line one\\", ENTER, "line two");
    expect(ui.frame()).toContain("› line one");
    expect(ui.frame()).toMatch(/│ {2}line two/);
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("line one\nline two");
    ui.unmount();
  });

  it("inserts a new line for Alt+Enter and for LF (Shift+Enter as terminals map it)", async () => {
    const ui = setup();
    await ui.press("a", "\x1b\r", "b", "\n", "c", ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("a\nb\nc");
    ui.unmount();
  });

  it("inserts a new line for Shift+Enter as the kitty protocol (and tmux) send it", async () => {
    const ui = setup();
    await ui.press("a", "\x1b[13;2u", "b", "\x1b[13;3u", "c", "\x1b[13u");
    expect(ui.onSubmit).toHaveBeenCalledWith("a\nb\nc");
    ui.unmount();
  });

  it("treats text and Enter arriving in one read as typing then Enter", async () => {
    const ui = setup();
    await ui.press("quick\r");
    expect(ui.onSubmit).toHaveBeenCalledWith("quick");
    ui.unmount();
  });

  it("recalls earlier prompts with Up and Down, and gives back the text being typed", async () => {
    await mkdir(join(dir, "home"), { recursive: true });
    const lines = ["first", "second"].map((text) => JSON.stringify({ text, cwd: dir }));
    await writeFile(historyFile, lines.join("\n") + "\n");
    const ui = setup();
    await loaded(ui);
    await ui.press("draft", UP);
    expect(ui.frame()).toContain("› second");
    await ui.press(UP);
    expect(ui.frame()).toContain("› first");
    await ui.press(UP);
    expect(ui.frame()).toContain("› first");
    await ui.press(DOWN, DOWN);
    expect(ui.frame()).toContain("› draft");
    ui.unmount();
  });

  it("persists submitted prompts for the next session in this folder", async () => {
    const ui = setup();
    await ui.press("remember me", ENTER);
    await settle();
    ui.unmount();
    const saved = (await readFile(historyFile, "utf8")).trim().split("\n");
    expect(saved.map((line) => (JSON.parse(line) as { text: string }).text)).toEqual([
      "remember me",
    ]);

    const next = setup();
    await vi.waitFor(async () => {
      await next.press(UP);
      expect(next.frame()).toContain("› remember me");
    });
    next.unmount();
  });

  it("shows a large bracketed paste collapsed, and submits it in full", async () => {
    const ui = setup();
    const pasted = Array.from({ length: 42 }, (_, i) => `line ${i}`).join("\n");
    await ui.press("see ", `\x1b[200~${pasted}\x1b[201~`, " please");
    expect(ui.frame()).toContain("see [Pasted text #1 +42 lines] please");
    expect(ui.frame()).not.toContain("line 41");
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith(`see ${pasted} please`);
    ui.unmount();
  });

  it("removes a collapsed paste with one Backspace", async () => {
    const ui = setup();
    await ui.press("x", `\x1b[200~${"y".repeat(900)}\x1b[201~`, BACKSPACE, ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("x");
    ui.unmount();
  });

  it("inserts a small paste as it is, line breaks included, without submitting", async () => {
    const ui = setup();
    await ui.press("\x1b[200~one\r\ntwo\x1b[201~");
    expect(ui.onSubmit).not.toHaveBeenCalled();
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("one\ntwo");
    ui.unmount();
  });

  it("treats a multi-line burst from a terminal without bracketed paste as a paste", async () => {
    const ui = setup();
    await ui.press("alpha\rbeta\rgamma");
    expect(ui.onSubmit).not.toHaveBeenCalled();
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("alpha\nbeta\ngamma");
    ui.unmount();
  });

  it("calls onInterrupt on Esc, and onEditPrevious on Esc Esc with an empty prompt", async () => {
    const ui = setup();
    await ui.press(ESC);
    expect(ui.onInterrupt).toHaveBeenCalledTimes(1);
    expect(ui.onEditPrevious).not.toHaveBeenCalled();
    await ui.press(ESC);
    expect(ui.onEditPrevious).toHaveBeenCalledTimes(1);
    ui.unmount();
  });

  it("only interrupts on Esc Esc while disabled (a run is going)", async () => {
    const ui = setup({ disabled: true });
    await ui.press(ESC, ESC);
    expect(ui.onInterrupt).toHaveBeenCalledTimes(2);
    expect(ui.onEditPrevious).not.toHaveBeenCalled();
    ui.unmount();
  });

  it("puts a draft given by the app in the prompt, replacing what was typed", async () => {
    const ui = setup();
    await ui.press("typed");
    ui.rerender(
      <PromptEditor
        commands={commands}
        cwd={dir}
        historyFile={historyFile}
        disabled={false}
        width={60}
        onSubmit={ui.onSubmit}
        onInterrupt={ui.onInterrupt}
        onClearOrExit={ui.onClearOrExit}
        draft={{ text: "an earlier message", serial: 1 }}
      />,
    );
    await settle();
    expect(ui.frame()).toContain("› an earlier message");
    expect(ui.frame()).not.toContain("typed");
    await ui.press(" again", ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("an earlier message again");
    ui.unmount();
  });

  it("does not edit the previous message on Esc Esc while text is typed", async () => {
    const ui = setup();
    await ui.press("keep", ESC, ESC);
    expect(ui.onEditPrevious).not.toHaveBeenCalled();
    expect(ui.onInterrupt).toHaveBeenCalledTimes(2);
    expect(ui.frame()).toContain("› keep");
    ui.unmount();
  });

  it("clears the text on Ctrl+C, and calls onClearOrExit when already empty", async () => {
    const ui = setup();
    await ui.press("oops", CTRL_C);
    expect(ui.frame()).not.toContain("oops");
    expect(ui.onClearOrExit).not.toHaveBeenCalled();
    await ui.press(CTRL_C);
    expect(ui.onClearOrExit).toHaveBeenCalledTimes(1);
    ui.unmount();
  });

  it("lists commands with descriptions after a leading /, and completes with Tab", async () => {
    const ui = setup();
    await ui.press("/");
    expect(ui.frame()).toContain("/help");
    expect(ui.frame()).toContain("Show the commands");
    await ui.press("c");
    expect(ui.frame()).not.toContain("/help");
    expect(ui.frame()).toContain("/compact [instructions]");
    await ui.press(DOWN, TAB);
    expect(ui.frame()).toContain("› /compact ");
    expect(ui.frame()).not.toContain("/cost");
    await ui.press("briefly", ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("/compact briefly");
    ui.unmount();
  });

  it("runs the highlighted command on Enter", async () => {
    const ui = setup();
    await ui.press("/he", ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("/help");
    ui.unmount();
  });

  it("closes a menu on Esc without interrupting", async () => {
    const ui = setup();
    await ui.press("/", ESC);
    expect(ui.frame()).not.toContain("Show the commands");
    expect(ui.onInterrupt).not.toHaveBeenCalled();
    ui.unmount();
  });

  it("completes workspace paths after @, leaving out git-ignored files", async () => {
    await writeFile(join(dir, ".gitignore"), "home/\nbuild/\n");
    await mkdir(join(dir, "src"), { recursive: true });
    await mkdir(join(dir, "build"), { recursive: true });
    await writeFile(join(dir, "src", "main.ts"), "");
    await writeFile(join(dir, "build", "main.js"), "");
    const ui = setup();
    await ui.press("read @mai");
    await settle(100);
    expect(ui.frame()).toContain("src/main.ts");
    expect(ui.frame()).not.toContain("build/main.js");
    await ui.press(TAB);
    expect(ui.frame()).toContain("› read @src/main.ts ");
    await ui.press(ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("read @src/main.ts");
    ui.unmount();
  });

  it("keeps working while disabled: the app decides what a submit means then", async () => {
    const ui = setup({ disabled: true });
    expect(ui.frame()).toContain("Esc to interrupt");
    await ui.press("queued", ENTER);
    expect(ui.onSubmit).toHaveBeenCalledWith("queued");
    ui.unmount();
  });

  it("leaves keys alone while not active, keeping what was typed", async () => {
    const ui = setup();
    await ui.press("half");
    ui.rerender(
      <PromptEditor
        commands={commands}
        cwd={dir}
        historyFile={historyFile}
        disabled={false}
        width={60}
        active={false}
        onSubmit={ui.onSubmit}
        onInterrupt={ui.onInterrupt}
        onClearOrExit={ui.onClearOrExit}
      />,
    );
    await ui.press("x", ENTER, ESC);
    expect(ui.onSubmit).not.toHaveBeenCalled();
    expect(ui.onInterrupt).not.toHaveBeenCalled();
    expect(ui.frame()).toContain("› half");
    ui.unmount();
  });

  it("never grows past ten rows of text: a long prompt scrolls", async () => {
    const ui = setup();
    for (let i = 0; i < 30; i++) await ui.press(i === 0 ? "row 0" : `\x1b\rrow ${i}`);
    const frame = ui.frame();
    expect(frame.split("\n").length).toBeLessThanOrEqual(12);
    expect(frame).toContain("row 29");
    expect(frame).not.toContain("row 0");
    ui.unmount();
  });
});
