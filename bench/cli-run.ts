// Runs the built CLI as a child process with a clean, explicit environment and a time limit.
// Used by the parts that talk to the fake model server over HTTP; not a general process helper.

import { spawn } from "node:child_process";

export interface CliRunOptions {
  cliPath: string;
  args: readonly string[];
  /** The whole environment of the child: nothing is inherited, so the host's keys cannot leak in. */
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
  /** Called right before spawn, so callers can time from the same clock as the server. */
  onSpawn?: () => void;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runCli(options: CliRunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    options.onSpawn?.();
    const child = spawn(process.execPath, [options.cliPath, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** The environment every bench run of the CLI starts from: a PATH, a temp HOME, no retries. */
export function cliEnv(home: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    CAIRN_MAX_RETRIES: "0",
    ...extra,
  };
}

export function describeFailure(run: CliRun): string {
  if (run.timedOut) return "timed out";
  const stderr = run.stderr.trim().split("\n").slice(-3).join(" / ");
  return `exit ${run.code}${stderr ? `: ${stderr}` : ""}`;
}
