import { describe, expect, it } from "vitest";
import {
  createRenderSettings,
  RenderSettingsProvider,
  type RenderSettings,
} from "./render-settings.tsx";
import { StreamingMessage, type StreamingMessageProps } from "./streaming-message.tsx";
import { plain, renderInTerminal, useAnsiColours } from "./testing.ts";

useAnsiColours();

function stream(settings: RenderSettings = createRenderSettings({})) {
  const view = (props: Partial<StreamingMessageProps>) => (
    <RenderSettingsProvider value={settings}>
      <StreamingMessage text="" thinking="" width={50} {...props} />
    </RenderSettingsProvider>
  );
  const instance = renderInTerminal(view({}));
  return {
    settings,
    show: (props: Partial<StreamingMessageProps>) => {
      instance.rerender(view(props));
      return plain(instance.lastFrame());
    },
    frame: () => instance.lastFrame() ?? "",
  };
}

describe("StreamingMessage", () => {
  it("renders finished blocks as Markdown and the open block as plain text", () => {
    const { show } = stream();
    const text = show({ text: "Done with **bold**.\n\nStill **open" });
    expect(text).toContain("Done with bold.\n\nStill **open");
  });

  it("highlights an unclosed code block as the closed block will be", () => {
    const s = stream();
    expect(s.show({ text: "```ts\nconst a = 1;\nlet b" })).toContain("  const a = 1;");
    const open = s.frame();
    expect(open).toContain("\u001b[35mconst");
    // The line being typed too.
    expect(open).toContain("\u001b[35mlet");
    const closed = s.show({ text: "```ts\nconst a = 1;\nlet b = 2;\n```\n" });
    expect(closed).toContain("  const a = 1;");
    const firstRow = (frame: string) => frame.split("\n").find((row) => row.includes("const"));
    expect(firstRow(s.frame())).toBe(firstRow(open));
  });

  it("draws the paragraph being written as it will be when done: emphasis, bullets", () => {
    const s = stream();
    const open = s.show({ text: "Some **bold** words\n- one item" });
    expect(open).toContain("• one item");
    const openFrame = s.frame();
    expect(openFrame).toContain("\u001b[1mbold");
    const done = s.show({ text: "Some **bold** words\n- one item\n\nNext" });
    const row = (frame: string) => frame.split("\n").find((line) => line.includes("bold"));
    expect(row(s.frame())).toBe(row(openFrame));
    expect(done).toContain("• one item");
  });

  it("keeps to maxLines rows, showing the newest", () => {
    const { show } = stream();
    const lines = Array.from({ length: 100 }, (_, i) => `- item ${i}`).join("\n");
    const text = show({ text: lines, maxLines: 10 });
    const rows = text.split("\n");
    expect(rows.length).toBeLessThanOrEqual(10);
    // Drawn as the finished list will be.
    expect(rows.at(-1)).toBe("• item 99");
    expect(text).not.toContain("item 80");
  });

  it("counts wrapped rows against maxLines", () => {
    const { show } = stream();
    const paragraph = "word ".repeat(200);
    expect(
      show({ text: `first\n\n${paragraph}`, maxLines: 5 }).split("\n").length,
    ).toBeLessThanOrEqual(5);
  });

  it("shows the newest thinking while no answer has come, then only a count", () => {
    const { show } = stream();
    const thinking = Array.from({ length: 20 }, (_, i) => `thought ${i}`).join("\n");
    const before = show({ thinking });
    expect(before).toContain("✻ Thinking…");
    expect(before).toContain("thought 19");
    expect(before).not.toContain("thought 10\n");
    const after = show({ thinking, text: "The answer" });
    expect(after).toContain("✻ thinking, 20 lines\nThe answer");
    expect(after).not.toContain("thought 19");
  });

  it("lays out each finished block once however many tokens arrive", () => {
    const s = stream();
    const text = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} with **bold** text.`).join(
      "\n\n",
    );
    for (let at = 0; at <= text.length; at += 7) s.show({ text: text.slice(0, at), maxLines: 8 });
    s.show({ text, maxLines: 8 });
    // 29 blocks finished (the last is still open); each laid out on first sight only.
    expect(s.settings.markdownCache.stats.misses).toBe(29);
  });

  it("starts over for a new answer", () => {
    const { show } = stream();
    show({ text: "Old answer.\n\nMore old." });
    const text = show({ text: "New" });
    expect(text).toBe("New");
  });
});
