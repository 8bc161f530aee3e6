// Which shell runs the model's commands and with what environment: the user's bash (or /bin/sh
// when there is none), and variables that keep pagers and editors from waiting for input.

import { findOnPath, isExecutableFile } from "../config/index.ts";

export interface ShellChoice {
  path: string;
  /** Set when bash was not found and a fallback is used; worth telling the model. */
  note?: string;
}

/** /bin/bash, else the first `bash` on PATH, else /bin/sh with a note. */
export function findShell(env: NodeJS.ProcessEnv): Promise<ShellChoice> {
  const bash = isExecutableFile("/bin/bash") ? "/bin/bash" : findOnPath(["bash"], env);
  return Promise.resolve(
    bash !== undefined
      ? { path: bash }
      : { path: "/bin/sh", note: "bash was not found; the command ran with /bin/sh." },
  );
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
    ...gitConfigOverrides(base),
    CAIRN: "1",
    GIT_EDITOR: "true",
    PAGER: "cat",
    GIT_PAGER: "cat",
    TERM: "dumb",
  };
}

/**
 * Repository config that makes read-only git commands run programs (a hostile `.git/config`
 * with `core.fsmonitor` runs it on every `git status`), switched off for the model's commands
 * through git's environment config, after any the user set. (`diff.external` cannot be unset
 * this way: an empty value makes git fail; the sandbox confines it.)
 */
const neutralisedGitConfig: ReadonlyArray<readonly [string, string]> = [
  ["core.fsmonitor", "false"],
];

function gitConfigOverrides(base: NodeJS.ProcessEnv): Record<string, string> {
  const existing = Number(base.GIT_CONFIG_COUNT ?? "0");
  const start = Number.isInteger(existing) && existing > 0 ? existing : 0;
  const vars: Record<string, string> = {
    GIT_CONFIG_COUNT: String(start + neutralisedGitConfig.length),
  };
  neutralisedGitConfig.forEach(([key, value], i) => {
    vars[`GIT_CONFIG_KEY_${start + i}`] = key;
    vars[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return vars;
}
