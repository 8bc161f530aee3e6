// Runs the user's editor ($VISUAL, then $EDITOR, else vi) on one file and waits for it to exit.
// The caller hands it the terminal first (Ink's suspendTerminal).

import { spawn } from "node:child_process";
import { CairnError } from "../core/errors.ts";
import type { Env } from "../providers/index.ts";

export async function runEditor(path: string, env: Env): Promise<void> {
  const editor = env.VISUAL?.trim() || env.EDITOR?.trim() || "vi";
  // Through the shell, because $EDITOR may carry arguments ("code --wait"); the path goes in as
  // $1, so no quoting of it is needed.
  const child = spawn("/bin/sh", ["-c", `${editor} "$1"`, "sh", path], {
    stdio: "inherit",
    env: { ...env },
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) {
    throw new CairnError(
      "editor_failed",
      `the editor (${editor}) exited with ${code === null ? "a signal" : `code ${code}`}`,
      "Set $VISUAL or $EDITOR to the editor you use, e.g. export EDITOR=nano",
    );
  }
}
