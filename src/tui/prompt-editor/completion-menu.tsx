// The completion menu under the prompt: a window of at most MENU_ROWS items around the selected
// one, each a label and a dimmed description. Not for choosing the items (completion.ts).

import { Box, Text } from "ink";
import type { JSX } from "react";
import type { Menu } from "./prompt-model.ts";

export const MENU_ROWS = 8;

export function CompletionMenu(props: { menu: Menu; width: number }): JSX.Element {
  const { menu, width } = props;
  if (menu.loading) {
    return (
      <Box paddingLeft={2}>
        <Text dimColor>Listing files…</Text>
      </Box>
    );
  }
  const first = Math.max(
    0,
    Math.min(menu.selected - Math.floor(MENU_ROWS / 2), menu.items.length - MENU_ROWS),
  );
  const shown = menu.items.slice(first, first + MENU_ROWS);
  // Paths take the whole width; commands share it with their descriptions.
  const described = shown.some((item) => item.description);
  const labelWidth = described
    ? Math.min(
        Math.max(...shown.map((item) => item.label.length)) + 2,
        Math.max(10, Math.floor(width / 2)),
      )
    : Math.max(1, width - 2);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((item, i) => {
        const selected = first + i === menu.selected;
        return (
          <Box key={item.value}>
            {/* A marker as well as the colour, so the selection shows under NO_COLOR too. */}
            <Text color={selected ? "cyan" : undefined}>{selected ? "› " : "  "}</Text>
            <Box width={labelWidth} flexShrink={0}>
              <Text color={selected ? "cyan" : undefined} bold={selected} wrap="truncate-middle">
                {item.label}
              </Text>
            </Box>
            {item.description ? (
              <Text dimColor wrap="truncate-end">
                {item.description}
              </Text>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}
