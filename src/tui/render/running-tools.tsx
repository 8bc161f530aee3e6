// The tool calls in flight, one line each with a spinner and the seconds so far. It has no timer
// of its own: the spinner and the seconds follow the `now` the app re-renders it with.

import { Box, Text } from "ink";
import type { RunningTool } from "../types.ts";
import { formatElapsed, spinnerFrame } from "./format.ts";
import { useRenderSettings } from "./render-settings.tsx";
import { sanitizeText } from "./terminal-text.ts";
import { theme } from "./theme.ts";

export function RunningTools({ tools, now }: { tools: RunningTool[]; now: number }) {
  const { color } = useRenderSettings();
  if (tools.length === 0) return null;
  const frame = spinnerFrame(now);
  return (
    <Box flexDirection="column">
      {tools.map((tool) => (
        <Box key={tool.id} flexDirection="row">
          <Box flexShrink={1}>
            <Text wrap="truncate-end">
              <Text color={color ? theme.spinner : undefined}>{frame}</Text>{" "}
              <Text bold>{sanitizeText(tool.name)}</Text>
              {tool.target === ""
                ? ""
                : ` ${sanitizeText(tool.target).replace(/\s*\n\s*/g, " ⏎ ")}`}
            </Text>
          </Box>
          <Box flexShrink={0}>
            <Text dimColor>{`  ${formatElapsed(tool.startedAt, now)}`}</Text>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
