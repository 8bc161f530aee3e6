// The line under the prompt: model, permission mode (Shift+Tab cycles it), how full the context
// window is, what the session has cost, and background shells still running. A hint (such as
// "press Ctrl+C again to exit") takes the line's place while it lasts.

import { Box, Text } from "ink";
import type { PermissionMode } from "../permissions/index.ts";
import { useRenderSettings } from "./render/index.ts";
import type { StatusLine } from "./types.ts";

export interface FooterProps {
  status: StatusLine;
  hint: string | undefined;
  width: number;
}

const modes: Readonly<Record<PermissionMode, { label: string; color: string | undefined }>> = {
  default: { label: "ask before changes", color: undefined },
  acceptEdits: { label: "accept edits", color: "green" },
  plan: { label: "plan mode", color: "cyan" },
  dontAsk: { label: "don't ask", color: "yellow" },
  bypassPermissions: { label: "bypass permissions", color: "red" },
};

export function Footer({ status, hint, width }: FooterProps) {
  const { color } = useRenderSettings();
  if (hint !== undefined) {
    return (
      <Box width={width} paddingX={1}>
        <Text color={color ? "yellow" : undefined}>{hint}</Text>
      </Box>
    );
  }
  const mode = modes[status.mode];
  const percent = contextPercent(status);
  const percentColor = percent >= 90 ? "red" : percent >= 70 ? "yellow" : undefined;
  const shells = status.backgroundShells;
  return (
    <Box width={width} paddingX={1}>
      <Text wrap="truncate-end">
        <Text dimColor>{status.model}</Text>
        <Text dimColor>{" · "}</Text>
        <Text color={color ? mode.color : undefined} bold={status.mode !== "default"}>
          {mode.label}
        </Text>
        <Text dimColor>{" (shift+tab)"}</Text>
        <Text dimColor>{" · "}</Text>
        <Text color={color ? percentColor : undefined} dimColor={percentColor === undefined}>
          {`${percent}% context`}
        </Text>
        <Text dimColor>{` · ${formatCost(status.costUsd)}`}</Text>
        {shells > 0 ? (
          <Text color={color ? "cyan" : undefined}>
            {` · ${shells} background ${shells === 1 ? "shell" : "shells"}`}
          </Text>
        ) : null}
      </Text>
    </Box>
  );
}

export function contextPercent(
  status: Pick<StatusLine, "contextTokens" | "contextWindow">,
): number {
  if (status.contextWindow <= 0) return 0;
  return Math.min(100, Math.round((status.contextTokens / status.contextWindow) * 100));
}

export function formatCost(usd: number): string {
  if (usd === 0) return "$0";
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}
