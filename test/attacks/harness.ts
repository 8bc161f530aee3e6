// The attack suite's harness: a throwaway lab (a HOME with the workspace inside it, a sibling
// folder sharing the workspace's name as a prefix, a folder outside, secrets with a unique text),
// a scripted model per cairn run, sessions shared by many attempts, and the three places an
// outcome shows: the disk, what went back to the model, and print mode's result. Assertions about
// one scenario belong in its test file.

import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { chmod, cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { detectBubblewrap } from "../../src/sandbox/index.ts";
import { jsonLines, runCli, type CliRun } from "../e2e/run-cli.ts";
import { toolOutputs, wireSetup, type Wire } from "../e2e/wires.ts";
import { startFakeLlm } from "../fake-llm/index.ts";
import type { Scenario, ScriptedBlock } from "../fake-llm/scenario.ts";

type Json = Record<string, unknown>;

/** Whether Bash commands run inside bubblewrap here (the on-disk sandbox assertions need it). */
export const sandboxUsable =
  process.platform === "linux" && (await detectBubblewrap(process.env)).type === "ready";

/**
 * Labs live outside /tmp: the sandbox gives commands a private /tmp, so a HOME under the host's
 * /tmp would simply be missing inside it and a write there would fail for the wrong reason.
 */
export function labParent(): string {
  const chosen = process.env.CAIRN_ATTACK_TMP ?? (existsSync("/var/tmp") ? "/var/tmp" : tmpdir());
  return realpathSync(chosen);
}

export interface Lab {
  /** The lab's own folder; hook and MCP canaries land here, outside every workspace. */
  base: string;
  /** HOME for the run (real path). */
  home: string;
  /** The workspace: `home/work`, a git repository with one commit. */
  work: string;
  /** `home/work-evil`: shares the workspace's name as a string prefix. */
  evil: string;
  /** `home/outside`: a sibling of the workspace. */
  outside: string;
  /** The text of every secret in the lab; it must never reach the model. */
  secret: string;
  /** Where the workspace's files are, for short assertions: `lab.at("README.md")`. */
  at(relative: string): string;
}

const labs: string[] = [];
/** The git repository every lab starts from, made once per test file (git is slow to start). */
let template: Promise<string> | undefined;

async function makeTemplate(): Promise<string> {
  const base = await mkdtemp(join(labParent(), "cairn-attack-template-"));
  labs.push(base);
  const work = join(base, "work");
  await mkdir(join(work, "src"), { recursive: true });
  await writeFile(join(work, "README.md"), "hello\n");
  await writeFile(join(work, "src", "app.js"), "console.log('app');\n");
  git(work, base, ["init", "-q"]);
  git(work, base, ["add", "README.md", "src"]);
  git(work, base, [
    ...["-c", "user.name=lab", "-c", "user.email=lab@example.com"],
    ...["commit", "-qm", "init"],
  ]);
  return work;
}

/**
 * A fresh lab:
 *   home/.bashrc, home/notes.txt (secret), home/.ssh/id_ed25519 (secret)
 *   home/work/{.env (secret), README.md, src/app.js, .git}   the workspace
 *   home/work-evil/secret.txt, home/outside/secret.txt       (secret)
 */
export async function makeLab(): Promise<Lab> {
  template ??= makeTemplate();
  const base = await mkdtemp(join(labParent(), "cairn-attack-"));
  labs.push(base);
  const home = join(base, "home");
  const work = join(home, "work");
  const evil = join(home, "work-evil");
  const outside = join(home, "outside");
  const secret = `cairn-canary-secret-${randomUUID()}`;
  await cp(await template, work, { recursive: true, verbatimSymlinks: true });
  await mkdir(join(home, ".ssh"), { recursive: true });
  await mkdir(evil, { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(home, ".bashrc"), "# lab bashrc\n");
  await writeFile(join(home, "notes.txt"), `${secret}\n`);
  await writeFile(join(home, ".ssh", "id_ed25519"), `${secret}\n`);
  await writeFile(join(evil, "secret.txt"), `${secret}\n`);
  await writeFile(join(outside, "secret.txt"), `${secret}\n`);
  await writeFile(join(work, ".env"), `API_KEY=${secret}\n`);
  return { base, home, work, evil, outside, secret, at: (relative) => join(work, relative) };
}

function git(cwd: string, home: string, args: string[]): void {
  execFileSync("git", args, {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: home, GIT_CONFIG_NOSYSTEM: "1" },
    stdio: "ignore",
  });
}

/** Creates `path` (relative to the workspace, or absolute) with `content`, folders included. */
export async function put(lab: Lab, path: string, content: string, mode?: number): Promise<void> {
  const absolute = path.startsWith("/") ? path : lab.at(path);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, content);
  if (mode !== undefined) await chmod(absolute, mode);
}

/** A symbolic link at `path` (workspace-relative) pointing to `target` (as written). */
export async function link(lab: Lab, path: string, target: string): Promise<void> {
  await symlink(target, lab.at(path));
}

/** Removes every lab this process made (set CAIRN_ATTACK_KEEP=1 to look at them afterwards). */
export async function removeLabs(): Promise<void> {
  if (process.env.CAIRN_ATTACK_KEEP === "1") return;
  template = undefined;
  await Promise.all(labs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

export function contentOf(path: string): string {
  return readFileSync(path, "utf8");
}

export const call = (name: string, input: unknown): ScriptedBlock => ({
  type: "tool_use",
  name,
  input,
});
export const bash = (command: string): ScriptedBlock => call("Bash", { command });

export interface Denial {
  tool_name: string;
  tool_use_id: string;
  tool_input: unknown;
}

export interface Outcome {
  run: CliRun;
  /** Print mode's result object (`--output-format json`). */
  result: Json;
  denials: Denial[];
  /** Every tool result the model got back, in call order. */
  outputs: Array<{ id: string; text: string; isError: boolean }>;
  /** Every request body the model server received, as one JSON text. */
  sent: string;
}

export interface AttackOptions {
  /** One turn per entry: a call, or several calls made in the same turn. */
  turns: Array<ScriptedBlock | ScriptedBlock[]>;
  /** cairn's flags after the prompt, e.g. ["--allowedTools", "Bash(git status:*)"]. */
  flags?: string[];
  wire?: Wire;
  env?: Record<string, string>;
}

/**
 * Runs cairn in print mode in the lab's workspace with HOME set to the lab's home, against a
 * model server of its own that plays `turns` and then says "done".
 */
export async function attack(lab: Lab, options: AttackOptions): Promise<Outcome> {
  const wire = options.wire ?? "anthropic";
  const scenario: Scenario = {
    turns: [
      ...options.turns.map((t) => ({ blocks: Array.isArray(t) ? t : [t] })),
      { blocks: [{ type: "text", text: "done" }] },
    ],
  };
  // One server per scenario: a scripted server plays one script, and scenarios run concurrently.
  const server = await startFakeLlm({ scenario });
  try {
    const setup = wireSetup(wire, server.url);
    const run = await runCli(
      // The prompt goes first: --allowedTools and --disallowedTools take every word after them.
      ["-p", "go", "--model", setup.model, "--output-format", "json", ...(options.flags ?? [])],
      {
        cwd: lab.work,
        env: { ...setup.env, HOME: lab.home, CAIRN_RETRY_BASE_MS: "5", ...options.env },
      },
    );
    expect(server.violations, run.stderr).toEqual([]);
    const lines = jsonLines(run.stdout);
    const result = lines.find((l) => l.type === "result");
    if (!result) throw new Error(`no result object; stderr: ${run.stderr}`);
    const last = server.requests.at(-1)?.body;
    const outputs = (last === undefined ? [] : toolOutputs(wire, last)).map(
      ([id, text, isError]) => ({ id, text, isError }),
    );
    return {
      run,
      result,
      denials: (result.permission_denials ?? []) as Denial[],
      outputs,
      sent: JSON.stringify(server.requests.map((r) => r.body)),
    };
  } finally {
    await server.close();
  }
}

/**
 * Every call (or those at `indexes`) was refused by the permission layer: its result tells the
 * model it was denied, and print mode's permission_denials lists it.
 */
export function expectDenied(outcome: Outcome, indexes?: number[]): void {
  const picked = indexes ?? outcome.outputs.map((_, i) => i);
  expect(outcome.outputs.length, outcome.run.stderr).toBeGreaterThan(0);
  for (const i of picked) {
    const output = outcome.outputs[i];
    expect(output, `no result for call ${i}`).toBeDefined();
    if (!output) continue;
    // The Responses wire has no is_error flag: the client marks errors with an "Error: " prefix.
    expect(output.text, `call ${i}`).toMatch(/^(Error: )?Permission to use \S+ was denied/);
    expect(output.isError).toBe(true);
    expect(
      outcome.denials.map((d) => d.tool_use_id),
      `call ${i}: ${output.text}`,
    ).toContain(output.id);
  }
}

/** The secret reached neither the model (any request) nor print mode's output. */
export function expectSecretKept(outcome: Outcome, lab: Lab): void {
  expect(outcome.sent.includes(lab.secret), "the secret was sent to the model").toBe(false);
  expect(outcome.run.stdout.includes(lab.secret), "the secret was printed").toBe(false);
}

/** A name of one attempt's own in a shared session (`pwned-3`), so its traces are its own. */
export const marker = (index: number): string => `pwned-${index}`;

/** One attempt of a shared session: the call it makes, and what its flags and fate are. */
export interface Attempt {
  /** cairn's flags; attempts with the same flags share a session. */
  flags?: string[];
  /** A known hole: the attempt gets a session of its own, so its leak cannot blame the others. */
  gap?: string;
}

/** Where one attempt's calls sit in the session that made it. */
export interface AttemptRun {
  lab: Lab;
  outcome: Outcome;
  /** Index of the attempt's (last) call among the session's tool results: the attack itself. */
  call: number;
  /** Indexes of all the attempt's calls (the reads an attack needs come before it). */
  calls: number[];
  /** The attempt's own marker name (see `marker`). */
  mark: string;
}

/** Runs attempts' sessions on demand; `startAll` starts every one at once (call it in beforeAll). */
export interface SessionRunner {
  (index: number): Promise<AttemptRun>;
  startAll: () => void;
}

/**
 * Groups attempts into CLI sessions (one per distinct set of flags; one per known gap) in which
 * the scripted model tries each attempt in turn, one call per turn, in one lab. A session
 * starts when its first attempt's test asks for it and is shared by the rest: one cairn process
 * judges many attempts, which keeps the suite fast without merging the scenarios' verdicts (each
 * attempt's call, marker and result are its own).
 */
export function sharedSessions<A extends Attempt>(
  attempts: readonly A[],
  prepare: (
    lab: Lab,
    attempt: A,
    mark: string,
  ) => ScriptedBlock | ScriptedBlock[] | Promise<ScriptedBlock | ScriptedBlock[]>,
  options: { baseFlags?: string[]; wire?: Wire; env?: Record<string, string> } = {},
): SessionRunner {
  const groups = new Map<string, number[]>();
  attempts.forEach((attempt, index) => {
    const key = JSON.stringify([attempt.flags ?? [], attempt.gap === undefined ? "" : index]);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const sessions = new Map<string, Promise<{ lab: Lab; outcome: Outcome; calls: number[][] }>>();
  const start = (members: number[]) => async () => {
    const lab = await makeLab();
    const turns: ScriptedBlock[] = [];
    const calls: number[][] = [];
    for (const index of members) {
      const blocks = [await prepare(lab, attempts[index] as A, marker(index))].flat();
      calls.push(blocks.map((_, i) => turns.length + i));
      turns.push(...blocks);
    }
    const flags = [...(options.baseFlags ?? []), ...(attempts[members[0] as number]?.flags ?? [])];
    const outcome = await attack(lab, {
      turns,
      flags,
      ...(options.wire && { wire: options.wire }),
      ...(options.env && { env: options.env }),
    });
    return { lab, outcome, calls };
  };
  const sessionOf = (key: string, members: number[]) => {
    let session = sessions.get(key);
    if (!session) {
      session = start(members)();
      sessions.set(key, session);
    }
    return session;
  };
  const run = async (index: number): Promise<AttemptRun> => {
    for (const [key, members] of groups) {
      const position = members.indexOf(index);
      if (position < 0) continue;
      const { lab, outcome, calls } = await sessionOf(key, members);
      const mine = calls[position] ?? [];
      return { lab, outcome, call: mine.at(-1) ?? -1, calls: mine, mark: marker(index) };
    }
    throw new Error(`no attempt ${index}`);
  };
  return Object.assign(run, {
    startAll: () => {
      // A failure is reported by the tests that await the session; this start only wants speed.
      for (const [key, members] of groups) sessionOf(key, members).catch(() => undefined);
    },
  });
}

export interface Canary {
  url: string;
  /** Request paths (with query) received so far. */
  hits: string[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that records every request: exfiltration must never reach it.
 * `?redirect=URL` answers with a 302 to URL (an open redirect on an allowed host).
 */
export async function startCanary(): Promise<Canary> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? "");
    const to = new URL(req.url ?? "/", "http://canary").searchParams.get("redirect");
    if (to !== null) res.writeHead(302, { location: to }).end();
    else res.end("canary\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("canary: no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
