import { describe, expect, it } from "vitest";
import type { HistoryItem } from "../types.ts";
import { HistoryItemView } from "./history-item.tsx";
import { createRenderSettings, RenderSettingsProvider } from "./render-settings.tsx";
import { colourCodes, plain, renderInTerminal, useAnsiColours } from "./testing.ts";

useAnsiColours();

const ESC = "\u001b[";
const RED = `${ESC}31m`;
const GREEN = `${ESC}32m`;
const YELLOW = `${ESC}33m`;
const CYAN = `${ESC}36m`;
const DIM = `${ESC}2m`;

function show(
  item: HistoryItem,
  options: { width?: number; env?: Record<string, string>; expanded?: boolean } = {},
) {
  const settings = createRenderSettings(options.env ?? {});
  return renderInTerminal(
    <RenderSettingsProvider value={settings}>
      <HistoryItemView item={item} width={options.width ?? 60} expanded={options.expanded} />
    </RenderSettingsProvider>,
  );
}

const tool = (extra: Partial<Extract<HistoryItem, { type: "tool" }>>): HistoryItem => ({
  type: "tool",
  id: "t1",
  name: "Bash",
  target: "npm test",
  status: "done",
  durationMs: 1234,
  ...extra,
});

const diffItem = tool({
  name: "Edit",
  target: "src/a.ts",
  display: {
    type: "diff",
    path: "src/a.ts",
    unifiedDiff: "--- src/a.ts\n+++ src/a.ts\n@@ -1,3 +1,3 @@\n keep\n-old line\n+new line\n",
    added: 1,
    removed: 1,
    truncated: false,
  },
});

describe("HistoryItemView", () => {
  it("shows a user prompt after a coloured ›, continuation lines indented", () => {
    const { lastFrame } = show({ type: "user", id: "u", text: "fix the bug\nin parser.ts" });
    expect(plain(lastFrame())).toContain("› fix the bug\n  in parser.ts");
    expect(lastFrame()).toContain(`${ESC}35m`);
  });

  it("renders the assistant's Markdown", () => {
    const { lastFrame } = show({
      type: "assistant",
      id: "a",
      markdown: "## Plan\n\nUse **bold** and `code`.\n\n```ts\nconst x = 1;\n```",
    });
    const text = plain(lastFrame());
    expect(text).toContain("Plan\n\nUse bold and code.\n\n  const x = 1;");
    expect(text).not.toContain("**");
    expect(colourCodes(lastFrame())).toContain("35"); // the highlighted keyword
  });

  it("collapses thinking to its first line and a count, dimmed", () => {
    const item: HistoryItem = { type: "thinking", id: "th", text: "First idea\nsecond\nthird" };
    const { lastFrame } = show(item);
    expect(plain(lastFrame())).toContain("✻ First idea (thinking, 3 lines)");
    expect(plain(lastFrame())).not.toContain("second");
    expect(lastFrame()).toContain(DIM);
  });

  it("expands thinking with the prop or with CAIRN_SHOW_THINKING", () => {
    const item: HistoryItem = { type: "thinking", id: "th", text: "First idea\nsecond\nthird" };
    expect(plain(show(item, { expanded: true }).lastFrame())).toContain(
      "✻ First idea\n  second\n  third",
    );
    expect(plain(show(item, { env: { CAIRN_SHOW_THINKING: "1" } }).lastFrame())).toContain(
      "  third",
    );
    expect(
      plain(show(item, { env: { CAIRN_SHOW_THINKING: "1" }, expanded: false }).lastFrame()),
    ).not.toContain("third");
  });

  it("shows a finished tool call as one line: green ✓, name, target, duration", () => {
    const { lastFrame } = show(tool({}));
    expect(plain(lastFrame()).trim()).toBe("✓ Bash npm test  1.2s");
    expect(lastFrame()).toContain(GREEN);
  });

  it("shows a failed call with a red ✗ and at most three dimmed lines of detail", () => {
    const { lastFrame } = show(
      tool({
        status: "error",
        detail: "Error: exit 1\nline two\nline three\nline four\nline five",
      }),
    );
    const text = plain(lastFrame());
    expect(text).toContain("✗ Bash npm test  1.2s\n  Error: exit 1\n  line two\n  … 3 more lines");
    expect(text).not.toContain("line three");
    expect(lastFrame()).toContain(RED);
    expect(lastFrame()).toContain(`${DIM}Error: exit 1`);
  });

  it("shows a denied call with ⊘, the word denied and the reason", () => {
    const { lastFrame } = show(tool({ status: "denied", detail: "The user said no: use pnpm" }));
    expect(plain(lastFrame())).toContain(
      "⊘ Bash npm test  denied  1.2s\n  The user said no: use pnpm",
    );
    expect(lastFrame()).toContain(YELLOW);
  });

  it("shows an interrupted call with ⊘ and the word interrupted", () => {
    const { lastFrame } = show(tool({ status: "interrupted", durationMs: 65_000 }));
    expect(plain(lastFrame())).toContain("⊘ Bash npm test  interrupted  1m 05s");
  });

  it("keeps a tool line to one row, cutting the target", () => {
    const { lastFrame } = show(tool({ target: "x".repeat(200) }), { width: 40 });
    const rows = plain(lastFrame()).trim().split("\n");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^✓ Bash x+…  1\.2s$/);
  });

  it("shows an edit as a coloured unified diff with its counts", () => {
    const { lastFrame } = show(diffItem);
    const frame = lastFrame() ?? "";
    expect(plain(frame)).toContain(
      "✓ Edit src/a.ts  +1 -1  1.2s\n  --- src/a.ts\n  +++ src/a.ts\n  @@ -1,3 +1,3 @@\n   keep\n  -old line\n  +new line",
    );
    expect(frame).toContain(`${GREEN}+new line`);
    expect(frame).toContain(`${RED}-old line`);
    expect(frame).toContain(`${CYAN}@@ -1,3 +1,3 @@`);
    expect(frame).toContain(`${DIM}--- src/a.ts`);
  });

  it("shows a TodoWrite's list under its line", () => {
    const { lastFrame } = show(
      tool({
        name: "TodoWrite",
        target: "",
        display: {
          type: "todos",
          todos: [
            { content: "Read code", status: "completed", activeForm: "Reading code" },
            { content: "Fix bug", status: "in_progress", activeForm: "Fixing the bug" },
            { content: "Test", status: "pending", activeForm: "Testing" },
          ],
        },
      }),
    );
    expect(plain(lastFrame())).toContain(
      "✓ TodoWrite  1.2s\n  ☑ Read code\n  ◐ Fixing the bug\n  ☐ Test",
    );
  });

  it("colours notices by level: info dim, warning yellow, error red", () => {
    const info = show({ type: "notice", id: "n", text: "Compacted", level: "info" }).lastFrame();
    const warning = show({ type: "notice", id: "n", text: "Slow", level: "warning" }).lastFrame();
    const error = show({ type: "notice", id: "n", text: "Failed", level: "error" }).lastFrame();
    expect(info).toContain(`${DIM}Compacted`);
    expect(colourCodes(info)).toEqual([]);
    expect(plain(warning)).toContain("⚠ Slow");
    expect(warning).toContain(YELLOW);
    expect(plain(error)).toContain("✗ Failed");
    expect(error).toContain(RED);
  });

  it("uses no colours under NO_COLOR, keeping the text and the glyphs", () => {
    const { lastFrame } = show(diffItem, { env: { NO_COLOR: "1" } });
    expect(colourCodes(lastFrame())).toEqual([]);
    expect(plain(lastFrame())).toContain("  -old line\n  +new line");
    const markdown = show(
      { type: "assistant", id: "a", markdown: "# T\n\n```ts\nconst a = 1;\n```" },
      { env: { NO_COLOR: "1" } },
    ).lastFrame();
    expect(colourCodes(markdown)).toEqual([]);
  });

  it("does not lay an item out again when the app re-renders it unchanged", () => {
    const settings = createRenderSettings({});
    const item: HistoryItem = { type: "assistant", id: "a", markdown: "one\n\ntwo" };
    const view = (
      <RenderSettingsProvider value={settings}>
        <HistoryItemView item={item} width={60} />
      </RenderSettingsProvider>
    );
    const { rerender } = renderInTerminal(view);
    const { hits, misses } = settings.markdownCache.stats;
    rerender(
      <RenderSettingsProvider value={settings}>
        <HistoryItemView item={item} width={60} />
      </RenderSettingsProvider>,
    );
    expect(settings.markdownCache.stats).toEqual({ hits, misses });
  });
});
