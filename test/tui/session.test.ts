// The interactive UI end to end in a real terminal (tmux): a whole working session against the
// scripted model server, judged by what the screen shows, what the server received and what is
// on disk. Skipped where tmux is missing (`.ci/run` installs it).

import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scenario } from "../fake-llm/index.ts";
import { createTuiWorld, hasTmux, type TuiSession, type TuiWorld } from "./tmux.ts";

const prompt = "Ask anything";

const markdownAnswer = [
  "Here is **the plan** for the change:",
  "",
  "- read the module",
  "- write the notes",
  "",
  "```ts",
  "const answer = 42;",
  "```",
  "",
  "That is the whole plan, FINISHED.",
].join("\n");

const slowWords = Array.from({ length: 80 }, (_, i) => `word${i}`).join(" ");

describe.skipIf(!hasTmux)("interactive UI in a terminal", () => {
  let world: TuiWorld;
  beforeAll(async () => {
    world = await createTuiWorld({ scenario: { turns: [] } });
  });
  afterAll(async () => {
    await world?.close();
  });

  /** The conversation a recorded request sent, as JSON text. */
  const sentMessages = (index: number): string =>
    JSON.stringify(
      (world.llm.requests[index]?.body as { messages?: unknown } | undefined)?.messages ?? null,
    );

  it("runs a whole session: answer, permissions, diff, command, interrupt, exit, resume", async () => {
    const notes = join(world.cwd, "notes.md");
    const refused = join(world.cwd, "other.md");
    const scenario: Scenario = {
      turns: [
        { blocks: [{ type: "text", text: markdownAnswer }], chunkSize: 8, delayMs: 25 },
        {
          blocks: [
            {
              type: "tool_use",
              name: "Write",
              input: { file_path: notes, content: "alpha\nbeta\n" },
            },
          ],
        },
        { blocks: [{ type: "text", text: "Created notes.md for you." }] },
        {
          blocks: [
            { type: "tool_use", name: "Write", input: { file_path: refused, content: "gamma\n" } },
          ],
        },
        { blocks: [{ type: "text", text: "Understood, no second file." }] },
        {
          blocks: [{ type: "text", text: `Counting slowly: ${slowWords} LAST-WORD` }],
          chunkSize: 4,
          delayMs: 60,
        },
        { blocks: [{ type: "text", text: "Picked up again after the stop." }] },
        { blocks: [{ type: "text", text: "Resumed with the earlier context." }] },
      ],
    };
    world.llm.setScenario(scenario);
    const tui = await world.launch();
    await tui.waitFor(prompt);

    // A streamed Markdown answer: seen while it arrives, then whole, rendered (no raw markers).
    await tui.type("explain the plan");
    await tui.press("Enter");
    const partial = await tui.waitFor("Here is");
    expect(partial).not.toContain("FINISHED");
    const answered = await tui.waitFor("FINISHED.");
    expect(answered).toContain("const answer = 42;");
    expect(answered).toContain("the plan for the change");
    expect(answered).not.toContain("```");
    expect(answered).not.toContain("**");
    const coloured = await tui.screen({ colors: true });
    expect(lineWith(coloured, "answer")).toMatch(/\u001B\[[0-9;]*m/); // highlighted code
    expect(coloured).toMatch(/\u001B\[1m[^\n]*the plan/); // bold
    await tui.waitFor(prompt);

    // A Write in default mode asks first, inline; nothing is written before the answer.
    await tui.type("write the notes");
    await tui.press("Enter");
    const asked = await tui.waitFor("Write wants to change");
    expect(asked).toContain("notes.md");
    expect(asked).toMatch(/1\. Yes/);
    expect(existsSync(notes)).toBe(false);
    await tui.press("1");
    const written = await tui.waitFor("Created notes.md for you.");
    expect(await readFile(notes, "utf8")).toBe("alpha\nbeta\n");
    expect(written).not.toContain("Write wants to change");
    expect(written).toContain("+alpha");
    expect(written).toContain("+beta");
    const diff = await tui.screen({ colors: true });
    expect(isGreen(colourBefore(diff, "+alpha"))).toBe(true);
    expect(sentMessages(2)).toContain('"tool_use_id":"toolu_fake_2_1"');
    expect(sentMessages(2)).not.toContain('"is_error":true');

    // "Yes" was for that call only: the next Write asks again, and Esc refuses it.
    await tui.type("and another");
    await tui.press("Enter");
    expect(await tui.waitFor("Write wants to change")).toContain("other.md");
    await tui.press("Escape");
    await tui.waitFor("Understood, no second file.");
    expect(existsSync(refused)).toBe(false);
    expect(sentMessages(4)).toContain('"tool_use_id":"toolu_fake_4_1"');
    expect(sentMessages(4)).toContain('"is_error":true');

    // A slash command answers in the UI and never reaches the model.
    const requestsBefore = world.llm.requests.length;
    await tui.type("/cost");
    await tui.press("Enter");
    await tui.waitFor("Session cost:");
    expect(world.llm.requests).toHaveLength(requestsBefore);

    // Esc stops a slow stream at once, and the next prompt works.
    await tui.type("count for me");
    await tui.press("Enter");
    await tui.waitFor("Counting slowly");
    await tui.press("Escape");
    // Well before the ~8 s the whole stream would take.
    const stopped = await tui.waitFor("Interrupted.", { timeoutMs: 3_000 });
    expect(stopped).not.toContain("LAST-WORD");
    await tui.waitFor(prompt);
    await tui.type("go on");
    await tui.press("Enter");
    await tui.waitFor("Picked up again after the stop.");
    expect(await tui.screen()).not.toContain("LAST-WORD");
    // The model hears of the interruption, and gets the new prompt as a block of its own.
    expect(sentMessages(6)).toMatch(
      /"count for me"\},\{"type":"text","text":"\[Request interrupted by user\]"\},\{"type":"text","text":"go on"/,
    );

    // Ctrl+C twice leaves: the conversation stays on screen, the prompt and footer go, the tty
    // is as it was.
    await tui.waitFor(prompt);
    await tui.press("C-c");
    await tui.waitFor("Ctrl+C again");
    await tui.press("C-c");
    expect(await tui.waitForExit()).toEqual({ code: 0, ttyRestored: true });
    await expectCleanExit(tui, "Picked up again after the stop.");

    // `cairn -c` resumes: the earlier turns are on screen and in the next request.
    const resumed = await world.launch(["-c"]);
    const restored = await resumed.waitFor(prompt);
    expect(restored).toContain("Picked up again after the stop.");
    await resumed.type("what did we do?");
    await resumed.press("Enter");
    await resumed.waitFor("Resumed with the earlier context.");
    const last = sentMessages(world.llm.requests.length - 1);
    for (const earlier of ["explain the plan", "FINISHED.", '"name":"Write"', "go on"]) {
      expect(last).toContain(earlier);
    }
    expect(last).toContain("what did we do?");
    await resumed.type("/exit");
    await resumed.press("Enter");
    expect(await resumed.waitForExit()).toEqual({ code: 0, ttyRestored: true });
    await expectCleanExit(resumed, "Resumed with the earlier context.");
    expect(world.llm.violations).toEqual([]);
  });

  it("goes back: /rewind restores a file, Esc Esc edits an earlier message, Shift+Enter breaks a line", async () => {
    const notes = join(world.cwd, "rewound.md");
    await writeFile(notes, "original\n");
    const write = (content: string) => ({
      blocks: [{ type: "tool_use" as const, name: "Write", input: { file_path: notes, content } }],
    });
    world.llm.setScenario({
      turns: [
        // An existing file is read before it is written (Write refuses otherwise).
        {
          blocks: [{ type: "tool_use", name: "Read", input: { file_path: notes } }],
        },
        write("one\n"),
        { blocks: [{ type: "text", text: "Wrote one." }] },
        write("two\n"),
        { blocks: [{ type: "text", text: "Wrote two." }] },
        { blocks: [{ type: "text", text: "Answered the edited message." }] },
      ],
    });
    const first = world.llm.requests.length;
    const tui = await world.launch(["--permission-mode", "acceptEdits"]);
    await tui.waitFor(prompt);
    await tui.type("first note");
    await tui.press("Enter");
    await tui.waitFor("Wrote one.");
    await tui.type("second note");
    await tui.press("Enter");
    await tui.waitFor("Wrote two.");
    expect(await readFile(notes, "utf8")).toBe("two\n");

    // /rewind 1 puts the file back as it was before the first turn; the conversation stays.
    await tui.type("/rewind 1");
    await tui.press("Enter");
    await tui.waitFor("The conversation is unchanged");
    expect(await readFile(notes, "utf8")).toBe("original\n");

    // Esc Esc on the empty prompt: the earlier messages, newest first.
    await tui.waitFor(prompt);
    await tui.press("Escape", "Escape");
    const picker = await tui.waitFor("Go back to an earlier message");
    const list = picker.slice(picker.indexOf("Go back to an earlier message"));
    expect(list.indexOf("second note")).toBeLessThan(list.indexOf("first note"));
    expect(list).toContain("1 file changed since");
    await tui.press("Enter");
    // The file changed since that message: cairn asks whether to put it back too.
    expect(await tui.waitFor("Conversation only")).toContain("changed 1 file since: rewound.md");
    await tui.press("2");
    await tui.waitFor('Went back to before "second note"');
    await tui.waitFor(/│› second note\s*│/); // in the prompt box, not the history above

    // Edited in place, with Shift+Enter starting a second line, and sent again.
    await tui.press("End");
    await tui.type(" again");
    await tui.press("S-Enter");
    await tui.type("line two");
    const edited = await tui.waitFor("line two");
    expect(lineWith(edited, "second note again")).not.toContain("line two");
    await tui.press("Enter");
    await tui.waitFor("Answered the edited message.");
    const sent = sentMessages(world.llm.requests.length - 1);
    expect(world.llm.requests.length - first).toBe(6);
    expect(sent).toContain('"text":"second note again\\nline two"');
    expect(sent).toContain("Wrote one.");
    expect(sent).not.toContain("Wrote two.");
    await tui.kill();
  });

  it("writes an answer longer than the screen to the scrollback whole, once, in order", async () => {
    const sections = Array.from({ length: 20 }, (_, n) =>
      [
        `Section ${n} sets eight values:`,
        "",
        "```ts",
        ...Array.from({ length: 8 }, (_, m) => `const v${n}_${m} = ${m};`),
        "```",
      ].join("\n"),
    );
    world.llm.setScenario({
      turns: [
        { blocks: [{ type: "text", text: sections.join("\n\n") }], chunkSize: 16, delayMs: 1 },
      ],
    });
    const tui = await world.launch();
    await tui.waitFor(prompt);
    await tui.type("list the values");
    await tui.press("Enter");
    await tui.waitFor("const v19_7 = 7;");
    await tui.waitFor(prompt);
    const scrollback = await tui.screen({ scrollback: true });
    const seen = [...scrollback.matchAll(/const (v\d+_\d+) = \d;/g)].map((m) => m[1]);
    const expected = Array.from({ length: 160 }, (_, i) => `v${Math.floor(i / 8)}_${i % 8}`);
    expect(seen).toEqual(expected);
    await tui.kill();
  });

  it("gives the terminal back when SIGTERM arrives mid-turn", async () => {
    world.llm.setScenario({ turns: [{ kind: "hang" }] });
    const tui = await world.launch();
    await tui.waitFor(prompt);
    await tui.type("wait for ever");
    await tui.press("Enter");
    await tui.waitFor("Esc to interrupt");
    const pid = await tui.pid();
    process.kill(pid, "SIGTERM");
    expect(await tui.waitForExit()).toEqual({ code: 143, ttyRestored: true });
    expect(isRunning(pid)).toBe(false);
    await expectCleanExit(tui, "wait for ever");
  });

  it("stays interactive, keys and all, when CI=true is set in the environment", async () => {
    world.llm.setScenario({ turns: [] });
    const tui = await world.launch([], { env: { CI: "true" } });
    await tui.waitFor(prompt);
    await tui.type("/cost");
    await tui.press("Enter");
    await tui.waitFor("Session cost:");
    await tui.press("BTab"); // Shift+Tab: the next permission mode, shown in the footer
    await tui.waitFor("accept edits");
    await tui.type("/exit");
    await tui.press("Enter");
    expect(await tui.waitForExit()).toEqual({ code: 0, ttyRestored: true });
  });
});

/**
 * After cairn ended: its last frame holds the conversation without the live region (no prompt
 * box, footer or spinner), nothing follows but the shell's exit line, and the modes are reset.
 */
async function expectCleanExit(tui: TuiSession, lastWords: string): Promise<void> {
  const screen = await tui.screen();
  expect(screen).toContain(lastWords);
  for (const leftover of [prompt, "shift+tab", "Esc to interrupt", "╭", "╰"]) {
    expect(screen).not.toContain(leftover);
  }
  expect(screen).not.toMatch(/\[\?\d+[hl]|\u001B/); // no escape sequences printed as text
  const lines = screen.split("\n").filter((line) => line.trim() !== "");
  expect(lines.at(-1)).toMatch(/^\[cairn exited \d+, tty restored\]$/);
  expect(await tui.modes()).toEqual({
    cursorVisible: true,
    alternateScreen: false,
    mouseReporting: false,
    applicationKeypad: false,
  });
}

function lineWith(screen: string, text: string): string {
  return screen.split("\n").find((line) => line.includes(text)) ?? "";
}

/** The SGR parameters of the last escape before `text` on its line ("" when none). */
function colourBefore(screen: string, text: string): string {
  const line = lineWith(screen, text);
  const before = line.slice(0, line.indexOf(text));
  const escapes = [...before.matchAll(/\u001B\[([0-9;]*)m/g)];
  return escapes.at(-1)?.[1] ?? "";
}

function isGreen(sgr: string): boolean {
  if (/(^|;)(32|92)(;|$)/.test(sgr) || /38;5;(2|10)(;|$)/.test(sgr)) return true;
  const rgb = /38;2;(\d+);(\d+);(\d+)/.exec(sgr);
  return rgb !== null && Number(rgb[2]) > Number(rgb[1]) && Number(rgb[2]) > Number(rgb[3]);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
