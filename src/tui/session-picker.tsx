// `cairn --resume` without an id: this folder's sessions, newest first, to pick one with the
// arrow keys and Enter (Esc starts a new session instead). Shown before the session opens.

import { Box, Text, useApp, useInput, useWindowSize } from "ink";
import { useEffect, useState } from "react";
import type { SessionSummary } from "../sessions/index.ts";
import { formatAge } from "../core/format-age.ts";

export interface SessionPickerProps {
  sessions: readonly SessionSummary[];
  onPick: (sessionId: string | undefined) => void;
  now: Date;
}

const shownAtOnce = 10;

export function SessionPicker({ sessions, onPick, now }: SessionPickerProps) {
  const [selected, setSelected] = useState(0);
  const [picked, setPicked] = useState(false);
  const { exit } = useApp();
  const { columns } = useWindowSize();
  // The list goes from the screen before the session opens below it.
  useEffect(() => {
    if (picked) exit();
  }, [picked, exit]);
  const pick = (id: string | undefined): void => {
    onPick(id);
    setPicked(true);
  };
  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === "c")) pick(undefined);
    else if (key.upArrow) setSelected(Math.max(0, selected - 1));
    else if (key.downArrow) setSelected(Math.min(sessions.length - 1, selected + 1));
    else if (key.return) pick(sessions[selected]?.sessionId);
  });
  if (picked) return null;
  const first = Math.max(0, Math.min(selected - shownAtOnce + 1, sessions.length - shownAtOnce));
  const visible = sessions.slice(first, first + shownAtOnce);
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold>Resume a session of this folder</Text>
      {visible.map((session, index) => {
        const at = first + index;
        const title = session.title ?? (session.firstPrompt || "(no prompt yet)");
        return (
          <Text key={session.sessionId} wrap="truncate-end" bold={at === selected}>
            {at === selected ? "❯ " : "  "}
            {title}
            <Text dimColor>
              {`  ${formatAge(session.lastActivity, now)} · ${session.messageCount} messages · ${session.sessionId.slice(0, 8)}${session.busy ? " · in use" : ""}`}
            </Text>
          </Text>
        );
      })}
      <Text dimColor>↑↓ to choose · Enter to resume · Esc for a new session</Text>
    </Box>
  );
}
