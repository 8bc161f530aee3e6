// Runs the built CLI (dist/cli.js) as a user would: a real process, a temp HOME, no inherited
// credentials, optional stdin, and a way to send it a signal once some output has appeared.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, realpath } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const cliPath = resolve(import.meta.dirname, "../../dist/cli.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  /** Send this signal once stdout or stderr contains `when`, or `afterMs` after the start. */
  signal?: { name: NodeJS.Signals; when?: string; afterMs?: number };
  /** Write these to stdin (without closing it unless keepStdinOpen is false). */
  stdinLines?: string[];
  /** Stop reading stdout after this many bytes (the reader goes away). */
  closeStdoutAfterBytes?: number;
  /** Leave stdin open and silent, like a parent process that never closes it. */
  keepStdinOpen?: boolean;
  timeoutMs?: number;
}

export async function tempDir(prefix = "cairn-e2e-"): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** A HOME and a working folder (a real path) for tests that run cairn several times in one place. */
export interface Place {
  home: string;
  cwd: string;
}

export async function place(): Promise<Place> {
  return {
    home: await tempDir("cairn-home-"),
    cwd: await realpath(await tempDir("cairn-work-")),
  };
}

export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return (await startCli(args, options)).done;
}

/** A CLI process still running: for tests that act while it works (a second process, a kill). */
export interface StartedCli {
  pid: number;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout or stderr contains `text`; rejects if the process ends first. */
  waitFor(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  done: Promise<CliRun>;
}

/** Starts the CLI like `runCli` and returns at once. */
export async function startCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<StartedCli> {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run "npm run build" first`);
  const home = await tempDir("cairn-home-");
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? home,
    env: { PATH: process.env.PATH ?? "", HOME: home, ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let signalled = false;
  const sendSignal = (): void => {
    if (options.signal && !signalled) {
      signalled = true;
      child.kill(options.signal.name);
    }
  };
  const maybeSignal = (): void => {
    const when = options.signal?.when;
    if (when !== undefined && (stdout + stderr).includes(when)) sendSignal();
  };
  if (options.signal?.afterMs !== undefined) setTimeout(sendSignal, options.signal.afterMs);
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    if (
      options.closeStdoutAfterBytes !== undefined &&
      stdout.length >= options.closeStdoutAfterBytes
    ) {
      child.stdout.destroy();
    }
    maybeSignal();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    maybeSignal();
  });
  for (const line of options.stdinLines ?? []) child.stdin.write(line);
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else if (!options.keepStdinOpen) child.stdin.end();
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
  const done = new Promise<CliRun>((resolveRun) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    }),
  );
  return {
    pid: child.pid ?? -1,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    waitFor: (text) =>
      new Promise<void>((found, ended) => {
        const check = (): void => {
          if ((stdout + stderr).includes(text)) found();
        };
        child.stdout.on("data", check);
        child.stderr.on("data", check);
        check();
        void done.then((run) =>
          ended(new Error(`cli ended (code ${run.code}) before printing ${text}: ${run.stderr}`)),
        );
      }),
    kill: (signal) => {
      child.kill(signal);
    },
    done,
  };
}

/** Parses stream-json output, failing loudly on any line that is not JSON. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new Error(`stdout line is not JSON: ${l}`);
      }
    });
}

/**
 * stderr without the one-line notice print mode gives on machines where bubblewrap is missing
 * (`npm test` must pass there too; `.ci/run` installs it).
 */
export function stderrBesidesSandboxNotice(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => !/^cairn: bubblewrap .*(not found|cannot create a sandbox)/.test(line))
    .join("\n");
}
