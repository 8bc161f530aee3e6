// Runs the `apiKeyHelper` setting: a shell command whose standard output is the API key.
// It only runs when settings from a trusted place name it (the settings loader drops it otherwise).

import { spawn } from "node:child_process";
import { CairnError } from "../core/errors.ts";

const timeoutMs = 30_000;
const maxOutput = 64 * 1024;

/** The key the command prints (trimmed); a failure names the command's exit and stderr tail. */
export async function runApiKeyHelper(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<string> {
  const child = spawn("/bin/sh", ["-c", command], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    if (stdout.length < maxOutput) stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const outcome = await new Promise<{ code: number | null; signal: string | null; error?: Error }>(
    (resolve) => {
      child.on("error", (error) => resolve({ code: null, signal: null, error }));
      child.on("close", (code, signal) => resolve({ code, signal }));
    },
  );
  const key = stdout.trim();
  if (outcome.code === 0 && key !== "") return key;
  const why =
    outcome.error !== undefined
      ? outcome.error.message
      : outcome.signal !== null
        ? `it was stopped by ${outcome.signal}${outcome.signal === "SIGTERM" ? ` (it ran longer than ${timeoutMs / 1000} s)` : ""}`
        : outcome.code !== 0
          ? `it exited with code ${String(outcome.code)}`
          : "it printed nothing";
  throw new CairnError(
    "bad_config",
    `apiKeyHelper failed: ${why}`,
    `The command was: ${command}${stderr.trim() ? `\nIts stderr ended with: ${stderr.trim()}` : ""}`,
  );
}
