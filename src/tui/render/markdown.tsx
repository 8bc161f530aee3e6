// Markdown drawn with Ink: each block laid out once (cached by its source) and drawn by its own
// memoised view, with a blank row between blocks.

import { Box, Text } from "ink";
import { Fragment, memo, useMemo } from "react";
import { LinesView } from "./lines-view.tsx";
import { splitBlocks } from "./markdown-blocks.ts";
import { blockLines, type MarkdownOptions } from "./markdown-to-lines.ts";
import { useRenderSettings, type RenderSettings } from "./render-settings.tsx";
import type { Line } from "./segments.ts";

export function markdownOptions(settings: RenderSettings, width: number): MarkdownOptions {
  return {
    width,
    color: settings.color,
    highlighter: settings.highlighter,
    cache: settings.markdownCache,
  };
}

export const Markdown = memo(function Markdown({ text, width }: { text: string; width: number }) {
  const settings = useRenderSettings();
  const blocks = useMemo(() => {
    const options = markdownOptions(settings, width);
    return splitBlocks(text).map((source) => blockLines(source, options));
  }, [text, width, settings]);
  return <BlocksView blocks={blocks} />;
});

/** Blocks' lines, each block its own memoised view, separated by blank rows. */
export function BlocksView({ blocks }: { blocks: ReadonlyArray<readonly Line[]> }) {
  let first = true;
  return (
    <Box flexDirection="column">
      {blocks.map((lines, index) => {
        if (lines.length === 0) return null;
        const gap = !first;
        first = false;
        return (
          <Fragment key={index}>
            {gap && <Text> </Text>}
            <LinesView lines={lines} />
          </Fragment>
        );
      })}
    </Box>
  );
}
