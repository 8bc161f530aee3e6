// Which shell runs the model's commands and with what environment: the user's bash (or /bin/sh
// when there is none), and variables that keep pagers and editors from waiting for input.

import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { delimiter, join } from "node:path";

export interface ShellChoice {
  path: string;
  /** Set when bash was not found and a fallback is used; worth telling the model. */
  note?: string;
}

/** /bin/bash, else the first `bash` on PATH, else /bin/sh with a note. */
export async function findShell(env: NodeJS.ProcessEnv): Promise<ShellChoice> {
  const candidates = [
    "/bin/bash",
    ...(env.PATH ?? "")
      .split(delimiter)
      .filter(Boolean)
      .map((dir) => join(dir, "bash")),
  ];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return { path: candidate };
  }
  return { path: "/bin/sh", note: "bash was not found; the command ran with /bin/sh." };
}

/**
 * cairn's own model credentials: a command the model writes has no business reading them (a
 * prompt-injected `curl -d "$ANTHROPIC_API_KEY"` is the classic exfiltration).
 */
const modelCredentials = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY"];

/**
 * The environment commands run with: the caller's minus cairn's model credentials, marked as
 * cairn's, with no interactive pager or editor.
 */
export function commandEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(base).filter(([name]) => !modelCredentials.includes(name)),
  );
  return {
    ...inherited,
    CAIRN: "1",
    GIT_EDITOR: "true",
    PAGER: "cat",
    GIT_PAGER: "cat",
    TERM: "dumb",
  };
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
