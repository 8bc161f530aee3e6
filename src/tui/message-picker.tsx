// Esc Esc on an empty prompt: the session's earlier messages, newest first, to go back to one and
// edit it. When cairn's tools changed files since that message, a second step asks whether to put
// them back too. Only draws and reads keys; the controller does the rewinding.

import { Box, Text, useInput } from "ink";
import { useState } from "react";
import { formatAge } from "../core/format-age.ts";
import { plural } from "./commands/format.ts";
import { firstLine } from "./tool-target.ts";
import type { EarlierPrompt } from "./types.ts";

export interface MessagePickerProps {
  /** Newest first; undefined while they are being read. */
  prompts: readonly EarlierPrompt[] | undefined;
  onChoose: (prompt: EarlierPrompt, options: { files: boolean }) => void;
  onCancel: () => void;
  width: number;
  now: Date;
}

/** Rows of messages shown at once; the list scrolls with the selection. */
const shownAtOnce = 8;

export function MessagePicker({ prompts, onChoose, onCancel, width, now }: MessagePickerProps) {
  const [selected, setSelected] = useState(0);
  const [chosen, setChosen] = useState<EarlierPrompt | undefined>(undefined);
  const [option, setOption] = useState(0);

  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === "c")) {
      if (chosen) setChosen(undefined);
      else onCancel();
      return;
    }
    if (!prompts) return;
    if (chosen) {
      if (key.upArrow || key.downArrow) setOption(option === 0 ? 1 : 0);
      else if (input === "1" || input === "2") onChoose(chosen, { files: input === "1" });
      else if (key.return) onChoose(chosen, { files: option === 0 });
      return;
    }
    if (key.upArrow) setSelected(Math.max(0, selected - 1));
    else if (key.downArrow) setSelected(Math.min(prompts.length - 1, selected + 1));
    else if (key.return) {
      const prompt = prompts[selected];
      if (!prompt) return;
      // Nothing to put back: the conversation alone goes back, without a second question.
      if (prompt.files.length === 0) onChoose(prompt, { files: false });
      else setChosen(prompt);
    }
  });

  if (chosen) {
    const count = chosen.files.length;
    const files = plural(count, "file");
    return (
      <Box flexDirection="column" borderStyle="round" paddingX={1} width={width}>
        <Text bold wrap="truncate-end">{`Go back to before: ${firstLine(chosen.text)}`}</Text>
        <Text wrap="truncate-end">{`cairn's tools changed ${files} since: ${chosen.files.join(", ")}`}</Text>
        <Text bold={option === 0}>
          {option === 0 ? "❯ " : "  "}
          {`1. Conversation and files (put the ${files} back)`}
        </Text>
        <Text bold={option === 1}>
          {option === 1 ? "❯ " : "  "}2. Conversation only (files stay as they are)
        </Text>
        <Text dimColor>↑↓ or 1-2 · Enter to confirm · Esc to pick another message</Text>
      </Box>
    );
  }

  if (!prompts) {
    return (
      <Box borderStyle="round" paddingX={1} width={width}>
        <Text dimColor>Reading the earlier messages… (Esc to cancel)</Text>
      </Box>
    );
  }
  const first = Math.max(0, Math.min(selected - shownAtOnce + 1, prompts.length - shownAtOnce));
  const visible = prompts.slice(first, first + shownAtOnce);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} width={width}>
      <Text bold>Go back to an earlier message (newest first)</Text>
      {visible.map((prompt, index) => {
        const at = first + index;
        const when = new Date(prompt.at);
        const age = Number.isNaN(when.getTime()) ? "" : formatAge(when, now);
        const changed =
          prompt.files.length > 0 ? ` · ${plural(prompt.files.length, "file")} changed since` : "";
        return (
          <Text key={prompt.entry} wrap="truncate-end" bold={at === selected}>
            {at === selected ? "❯ " : "  "}
            {firstLine(prompt.text)}
            <Text dimColor>{`  ${age}${changed}`}</Text>
          </Text>
        );
      })}
      <Text dimColor>↑↓ to choose · Enter to go back there and edit it · Esc to cancel</Text>
    </Box>
  );
}
