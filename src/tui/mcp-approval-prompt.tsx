// The inline question about an MCP server: a project server from .mcp.json awaiting approval
// ("approve / deny"), or an approved server whose tool definitions changed ("accept / keep
// withheld"). It waits in the live region without taking the keyboard, so the first prompt can
// be typed meanwhile; Tab gives it the keyboard, Esc hands it back.

import { Box, Text, useInput } from "ink";
import { useState } from "react";
import type { McpApprovalRequest } from "../mcp/index.ts";
import { describeServer } from "./mcp-ui.ts";
import { useRenderSettings } from "./render/index.ts";

export interface McpApprovalPromptProps {
  request: McpApprovalRequest;
  /** Questions waiting behind this one. */
  more: number;
  /** Whether it has the keyboard (after Tab). */
  focused: boolean;
  onAnswer: (approve: boolean) => void;
  /** Esc: back to the prompt, the question stays. */
  onBlur: () => void;
  /** Ctrl+C: the app's usual meaning. */
  onCtrlC: () => void;
  width: number;
}

export function McpApprovalPrompt(props: McpApprovalPromptProps) {
  const { request, more, focused, onAnswer, onBlur, onCtrlC, width } = props;
  const { color } = useRenderSettings();
  const [selected, setSelected] = useState(0);
  const project = request.kind === "project-server";
  const options = project
    ? [
        "Approve: start it now, and remember the choice (.cairn/settings.local.json)",
        "Deny: leave it off, and remember the choice",
      ]
    : ["Accept the changed tools", "Keep them withheld (asked again next session)"];

  useInput(
    (input, key) => {
      if (key.ctrl && input === "c") onCtrlC();
      else if (key.escape) onBlur();
      else if (key.upArrow || key.downArrow || (key.tab && !key.shift))
        setSelected(selected === 0 ? 1 : 0);
      else if (key.return) onAnswer(selected === 0);
      else if (input === "1") onAnswer(true);
      else if (input === "2") onAnswer(false);
    },
    { isActive: focused },
  );

  const accent = color ? "yellow" : undefined;
  const title = project
    ? `MCP server "${request.server}" (${request.source}) wants to start:`
    : `MCP server "${request.server}" changed tool definitions since you approved them:`;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={focused ? accent : "gray"}
      borderDimColor={!focused}
      paddingX={1}
      width={Math.max(20, width)}
    >
      <Text bold color={accent} wrap="truncate-end">
        {title}
      </Text>
      <Box marginLeft={2}>
        <Text wrap="truncate-end">{describeServer(request)}</Text>
      </Box>
      {!project ? (
        <Text dimColor wrap="truncate-end">
          Their new definitions are not offered to the model until accepted.
        </Text>
      ) : null}
      {focused ? (
        <Box flexDirection="column" marginTop={1}>
          {options.map((label, index) => (
            <Text key={index} wrap="truncate-end" {...(index === selected ? { bold: true } : {})}>
              {index === selected ? "❯ " : "  "}
              {`${index + 1}. ${label}`}
            </Text>
          ))}
        </Box>
      ) : null}
      <Text dimColor wrap="truncate-end">
        {focused
          ? "↑↓ or 1-2 to choose · Enter to confirm · Esc back to the prompt"
          : `Tab to answer (${project ? "approve / deny" : "accept / keep withheld"}) · or /mcp approve|deny ${request.server} · typing goes to the prompt${more > 0 ? ` · ${more} more waiting` : ""}`}
      </Text>
    </Box>
  );
}
