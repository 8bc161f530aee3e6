// The first interactive run in a folder whose repository configures cairn (settings files,
// .mcp.json) asks whether to trust it. Until trusted, those files only add deny and ask rules;
// nothing they name runs. Shown before the session opens; the answer is kept in trusted-folders.json.

import { Box, Text, useApp, useInput } from "ink";
import { useEffect, useState } from "react";

export interface TrustPromptProps {
  folder: string;
  files: readonly string[];
  onAnswer: (trust: boolean) => void;
}

export function TrustPrompt({ folder, files, onAnswer }: TrustPromptProps) {
  const [selected, setSelected] = useState(0);
  const [answered, setAnswered] = useState(false);
  const { exit } = useApp();
  useEffect(() => {
    if (answered) exit();
  }, [answered, exit]);
  const answer = (trust: boolean): void => {
    onAnswer(trust);
    setAnswered(true);
  };
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === "c")) answer(false);
    else if (key.upArrow || key.downArrow) setSelected(selected === 0 ? 1 : 0);
    else if (input === "1") answer(true);
    else if (input === "2") answer(false);
    else if (key.return) answer(selected === 0);
  });
  if (answered) return null;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Do you trust the files in this folder?</Text>
      <Text>{folder}</Text>
      <Text> </Text>
      <Text>
        It configures cairn: {files.join(", ")}. Trusted, these may allow tools without asking, set
        environment variables, run hooks and start MCP servers. Untrusted, only their deny and ask
        rules apply.
      </Text>
      <Text> </Text>
      <Text bold={selected === 0}>{selected === 0 ? "❯ " : "  "}1. Yes, trust this folder</Text>
      <Text bold={selected === 1}>
        {selected === 1 ? "❯ " : "  "}2. No, go on without its settings
      </Text>
      <Text dimColor>↑↓ or 1-2 · Enter to confirm · Esc for no · cairn trust does it later</Text>
    </Box>
  );
}
