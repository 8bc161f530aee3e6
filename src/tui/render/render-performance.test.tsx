import { renderToString } from "ink";
import { describe, expect, it } from "vitest";
import { HistoryItemView } from "./history-item.tsx";
import { splitBlocks } from "./markdown-blocks.ts";
import { markdownToLines } from "./markdown-to-lines.ts";
import {
  createRenderSettings,
  RenderSettingsProvider,
  type RenderSettings,
} from "./render-settings.tsx";
import { StreamingMessage } from "./streaming-message.tsx";
import { renderInTerminal } from "./testing.ts";

/** An answer of about `lines` lines: headings, prose with inline Markdown, lists, code blocks. */
function longAnswer(lines: number): string {
  const parts: string[] = [];
  for (let section = 1, count = 0; count < lines; section++, count += 36) {
    parts.push(
      `## Section ${section}\n\nThis explains **step ${section}** with \`inline code\` and a ` +
        `[link](https://example.com/${section}). It is long enough to wrap once or twice.`,
      `- first point about change ${section}\n- second point, with *emphasis*\n  - nested detail`,
      "```ts\n" +
        Array.from(
          { length: 26 },
          (_, k) =>
            `export function f${section}_${k}(a: number): string { return \`v\${a + ${k}}\`; }`,
        ).join("\n") +
        "\n```",
    );
  }
  return parts.join("\n\n");
}

const item = (markdown: string) => ({ type: "assistant" as const, id: "a", markdown });

function historyView(settings: RenderSettings, markdown: string) {
  return (
    <RenderSettingsProvider value={settings}>
      <HistoryItemView item={item(markdown)} width={100} />
    </RenderSettingsProvider>
  );
}

describe("render performance", () => {
  const answer = longAnswer(5000);
  const blocks = new Set(splitBlocks(answer)).size;

  it("lays out and renders a 5,000-line answer once", () => {
    const settings = createRenderSettings({});
    let start = performance.now();
    const lines = markdownToLines(answer, {
      width: 100,
      color: true,
      highlighter: settings.highlighter,
    });
    const layoutMs = performance.now() - start;

    start = performance.now();
    const output = renderToString(historyView(settings, answer), { columns: 100 });
    const renderMs = performance.now() - start;

    console.log(
      `5,000-line answer (${answer.split("\n").length} lines, ${answer.length} chars, ${blocks} blocks): ` +
        `Markdown layout ${layoutMs.toFixed(0)} ms, Ink render of the history item ` +
        `${renderMs.toFixed(0)} ms (layout included), ${output.split("\n").length} rows`,
    );
    expect(lines.length).toBeGreaterThan(4000);
    expect(layoutMs).toBeLessThan(10_000);
  });

  it("streams a 5,000-line answer without laying out finished blocks again", () => {
    const settings = createRenderSettings({});
    const view = (text: string) => (
      <RenderSettingsProvider value={settings}>
        <StreamingMessage text={text} thinking="" width={100} maxLines={40} />
      </RenderSettingsProvider>
    );
    const instance = renderInTerminal(view(""));
    const chunk = 2000;
    let frames = 0;
    let worst = 0;
    const start = performance.now();
    for (let at = chunk; at < answer.length + chunk; at += chunk) {
      const frameStart = performance.now();
      instance.rerender(view(answer.slice(0, at)));
      worst = Math.max(worst, performance.now() - frameStart);
      frames++;
    }
    const totalMs = performance.now() - start;

    // Handing the finished answer to the history reuses every block laid out while streaming
    // (blocks that scrolled past between two frames were never laid out: that happens now).
    const { misses } = settings.markdownCache.stats;
    const handOffStart = performance.now();
    renderToString(historyView(settings, answer), { columns: 100 });
    const handOffMs = performance.now() - handOffStart;

    console.log(
      `streaming ${frames} frames of ${chunk} chars: ${(totalMs / frames).toFixed(1)} ms per frame on ` +
        `average, ${worst.toFixed(0)} ms at worst; ${misses} of ${blocks} blocks laid out while ` +
        `streaming; history render after streaming ${handOffMs.toFixed(0)} ms`,
    );
    expect(misses).toBeLessThan(blocks);
    expect(settings.markdownCache.stats.misses).toBe(blocks);
    expect(totalMs / frames).toBeLessThan(100);
    expect(instance.lastFrame()?.split("\n").length).toBeLessThanOrEqual(40);
  });
});
