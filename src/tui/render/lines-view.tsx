// Draws lines (segments.ts) with Ink. Each line is one row already fitted to the width, so a
// whole block is one <Text> with a nested <Text> per styled segment: few nodes for Ink to lay out.

import { Text } from "ink";
import { memo, type ReactNode } from "react";
import { useRenderSettings } from "./render-settings.tsx";
import { withoutColor, type Line, type Segment } from "./segments.ts";

export const LinesView = memo(function LinesView({
  lines,
  wrap,
}: {
  lines: readonly Line[];
  /** For rows laid out without knowing the width: Ink cuts each to the terminal's width. */
  wrap?: "truncate-end";
}) {
  const { color } = useRenderSettings();
  if (lines.length === 0) return null;
  const children: ReactNode[] = [];
  let blank = true;
  lines.forEach((line, index) => {
    if (index > 0) children.push("\n");
    if (line.prefix.length > 0 || line.segments.length > 0) blank = false;
    pushSegments(children, line.prefix, color, `${index}p`);
    pushSegments(children, line.segments, color, `${index}s`);
  });
  // Ink drops an empty <Text>; blank rows still take their place.
  if (blank) return <Text>{" " + "\n ".repeat(lines.length - 1)}</Text>;
  return <Text wrap={wrap}>{children}</Text>;
});

/** Segments as Ink children: plain text as strings, styled text as nested <Text>. */
function pushSegments(
  children: ReactNode[],
  segments: readonly Segment[],
  color: boolean,
  keyPrefix: string,
): void {
  segments.forEach((segment, index) => {
    const style = color ? segment.style : withoutColor(segment.style);
    if (style === undefined) {
      children.push(segment.text);
      return;
    }
    children.push(
      <Text
        key={keyPrefix + String(index)}
        color={style.color}
        backgroundColor={style.backgroundColor}
        bold={style.bold}
        italic={style.italic}
        underline={style.underline}
        strikethrough={style.strikethrough}
        dimColor={style.dim}
      >
        {segment.text}
      </Text>,
    );
  });
}
