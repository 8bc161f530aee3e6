// How a command's exit code reads to the model: the signal a shell-style code above 128 stands
// for. Not the process handling itself (process-group.ts).

import { constants } from "node:os";

/**
 * " (128 + 9: how a shell reports a process killed by SIGKILL)" for 137, "" for a code that
 * names no signal; worded so, because a program may also exit 137 by itself. A shell reports a
 * child killed by signal n as 128 + n, and so does the sandbox (bubblewrap) for the command
 * itself; without the name the model cannot tell a kill or a crash from an ordinary failure.
 */
export function exitCodeNote(code: number): string {
  if (code <= 128) return "";
  const signal = Object.entries(constants.signals).find(([, value]) => value === code - 128)?.[0];
  return signal === undefined
    ? ""
    : ` (128 + ${code - 128}: how a shell reports a process killed by ${signal})`;
}
