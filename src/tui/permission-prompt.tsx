// The inline question "may this tool call run?": four answers chosen with the arrow keys or
// their number and Enter; the last one takes a note for the model. It owns the keyboard while
// shown (the prompt editor steps aside); Esc denies.

import { Box, Text, useInput } from "ink";
import { useState } from "react";
import { useRenderSettings } from "./render/index.ts";
import type { PendingPermission, PermissionChoice } from "./types.ts";

export interface PermissionPromptProps {
  pending: PendingPermission;
  onAnswer: (choice: PermissionChoice) => void;
  /** Ctrl+C: the app's usual meaning (stop the run; twice exits). */
  onCtrlC: () => void;
  width: number;
}

type Option = { label: string; choice: () => PermissionChoice | "note" };

const maxTargetLines = 12;

export function PermissionPrompt({ pending, onAnswer, onCtrlC, width }: PermissionPromptProps) {
  const { color } = useRenderSettings();
  const [selected, setSelected] = useState(0);
  const [note, setNote] = useState<string | undefined>(undefined);
  const rule = pending.suggestedRule;
  const options: Option[] = [
    { label: "Yes", choice: () => ({ type: "allow_once" }) },
    {
      label: `Yes, and don't ask again this session for ${rule}`,
      choice: () => ({ type: "allow_session", rule }),
    },
    {
      label: `Yes, and always allow ${rule} in this project (.cairn/settings.local.json)`,
      choice: () => ({ type: "allow_project", rule }),
    },
    { label: "No, and tell the model what to do instead", choice: () => "note" },
  ];

  const choose = (index: number): void => {
    const option = options[index];
    if (!option) return;
    const choice = option.choice();
    if (choice === "note") setNote("");
    else onAnswer(choice);
  };

  useInput((input, key) => {
    if (key.ctrl && input === "c") {
      onCtrlC();
      return;
    }
    if (note !== undefined) {
      if (key.escape) setNote(undefined);
      else if (key.return) onAnswer({ type: "deny", ...(note.trim() !== "" ? { note } : {}) });
      else if (key.backspace || key.delete) setNote(note.slice(0, -1));
      else if (!key.ctrl && !key.meta && input !== "")
        setNote(note + input.replace(/[\r\n]+/g, " "));
      return;
    }
    if (key.escape) onAnswer({ type: "deny" });
    else if (key.upArrow) setSelected((selected + options.length - 1) % options.length);
    else if (key.downArrow || key.tab) setSelected((selected + 1) % options.length);
    else if (key.return) choose(selected);
    else if (/^[1-4]$/.test(input)) choose(Number(input) - 1);
  });

  const accent = color ? "yellow" : undefined;
  const targetLines = pending.target.split("\n");
  const shown =
    targetLines.length > maxTargetLines
      ? [
          ...targetLines.slice(0, maxTargetLines),
          `… ${targetLines.length - maxTargetLines} more lines`,
        ]
      : targetLines;
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={accent}
      paddingX={1}
      width={Math.max(20, width)}
    >
      <Text bold color={accent}>
        {`${pending.toolName} wants to ${verbFor(pending.toolName)}:`}
      </Text>
      <Box flexDirection="column" marginLeft={2}>
        {shown.map((line, index) => (
          <Text key={index} wrap="truncate-end">
            {line === "" ? " " : line}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {pending.reason}
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {options.map((option, index) => (
          <Text key={index} wrap="truncate-end" {...(index === selected ? { bold: true } : {})}>
            {index === selected ? "❯ " : "  "}
            {`${index + 1}. ${option.label}`}
          </Text>
        ))}
      </Box>
      {note !== undefined ? (
        <Box marginTop={1}>
          <Text wrap="truncate-start">
            {"What should the model do instead? "}
            <Text inverse={note === ""}>{note === "" ? " " : note}</Text>
            {note === "" ? "" : "▏"}
          </Text>
        </Box>
      ) : null}
      <Text dimColor>
        {note !== undefined
          ? "Enter sends the note (empty: just no) · Esc goes back"
          : "↑↓ or 1-4 to choose · Enter to confirm · Esc to deny"}
      </Text>
    </Box>
  );
}

function verbFor(tool: string): string {
  switch (tool) {
    case "Bash":
      return "run";
    case "Write":
    case "Edit":
    case "MultiEdit":
    case "apply_patch":
    case "NotebookEdit":
      return "change";
    case "Read":
    case "Glob":
    case "Grep":
    case "LS":
      return "read";
    case "WebFetch":
      return "fetch";
    default:
      return "use";
  }
}
