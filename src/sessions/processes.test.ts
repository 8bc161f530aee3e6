// Sessions across processes: locks held by live and dead processes, a writer killed with
// SIGKILL mid-append, and a write refused by the operating system.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pairingViolations, textOf, type Message } from "../core/messages.ts";
import {
  createTranscript,
  listSessions,
  loadTranscript,
  lockStatus,
  openTranscriptForAppend,
  projectDir,
} from "./index.ts";

const sessionsModule = pathToFileURL(join(import.meta.dirname, "index.ts")).href;

let home: string;
let root: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-sessions-proc-")));
  home = join(root, "home");
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await rm(root, { recursive: true, force: true });
});

const header = { model: "m", provider: "p" };
const prompt = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

/** Runs an ES module script in a child node that can import the sessions module. */
function node(script: string, options: { ulimitFileBlocks?: number } = {}): ChildProcess {
  const source = `const s = await import(${JSON.stringify(sessionsModule)});\n${script}`;
  const args = ["--input-type=module", "-e", source];
  const child =
    options.ulimitFileBlocks === undefined
      ? spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(
          "bash",
          [
            "-c",
            `ulimit -f ${options.ulimitFileBlocks}; exec "$0" "$@"`,
            process.execPath,
            ...args,
          ],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
  children.push(child);
  return child;
}

async function output(child: ChildProcess): Promise<string> {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`child exited with ${code}: ${errors}`);
  return text;
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""]);
  await once(child, "exit");
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}

async function writeLock(sessionId: string, lock: Record<string, unknown>): Promise<string> {
  const dir = projectDir(home, root);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${sessionId}.lock`);
  await writeFile(path, JSON.stringify(lock));
  return path;
}

describe("session locks", () => {
  it("lets only one writer hold a session, in one process too", async () => {
    const first = await createTranscript({ cairnHome: home, root, sessionId: "s1", header });
    await expect(openTranscriptForAppend(first.path)).rejects.toMatchObject({
      code: "session_busy",
      message: expect.stringContaining(`another cairn (pid ${process.pid}`) as unknown,
      hint: expect.stringContaining("--fork-session") as unknown,
    });
    await first.close();
    const { writer: second } = await openTranscriptForAppend(first.path);
    await second.close();
  });

  it("takes over a lock whose process is dead", async () => {
    const pid = await deadPid();
    await writeLock("s1", { pid, hostname: hostname(), startedAt: "then", token: "old" });
    const writer = await createTranscript({ cairnHome: home, root, sessionId: "s1", header });
    expect(await lockStatus(join(projectDir(home, root), "s1.lock"))).toMatchObject({
      state: "live",
      info: { pid: process.pid },
    });
    await writer.close();
  });

  it.skipIf(process.platform !== "linux")(
    "takes over a lock whose pid now belongs to another process (start time differs)",
    async () => {
      await writeLock("s1", {
        pid: process.pid,
        hostname: hostname(),
        startedAt: "then",
        token: "old",
        processStart: "1",
      });
      const writer = await createTranscript({ cairnHome: home, root, sessionId: "s1", header });
      await writer.close();
    },
  );

  it("refuses a lock held by a live process, naming it", async () => {
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 10000)"]);
    children.push(sleeper);
    await once(sleeper, "spawn");
    await writeLock("s1", {
      pid: sleeper.pid,
      hostname: hostname(),
      startedAt: "2026-01-01T00:00:00Z",
      token: "theirs",
    });
    await expect(
      createTranscript({ cairnHome: home, root, sessionId: "s1", header }),
    ).rejects.toMatchObject({
      code: "session_busy",
      message: `session s1 is being written by another cairn (pid ${sleeper.pid}, since 2026-01-01T00:00:00Z)`,
    });
  });

  it("never removes a lock that another process has taken over", async () => {
    const writer = await createTranscript({ cairnHome: home, root, sessionId: "s1", header });
    const lock = await writeLock("s1", {
      pid: process.pid,
      hostname: hostname(),
      startedAt: "now",
      token: "newer",
    });
    await writer.close();
    expect(JSON.parse(await readFile(lock, "utf8"))).toMatchObject({ token: "newer" });
  });
});

describe("a writer killed with SIGKILL", () => {
  it("leaves a transcript that loads whole but for at most one torn line", async () => {
    const child = node(`
      const w = await s.createTranscript({
        cairnHome: ${JSON.stringify(home)}, root: ${JSON.stringify(root)}, sessionId: "k9",
        header: { model: "m", provider: "p" },
      });
      const pad = "x".repeat(3000);
      for (let i = 0; ; i++) {
        w.append({ type: "message", message: {
          role: i % 2 === 0 ? "user" : "assistant",
          content: [{ type: "text", text: "m" + i + " " + pad }],
        } });
        if (i === 200) process.stdout.write("ready\\n");
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
    `);
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("ready")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
    });
    const path = join(projectDir(home, root), "k9.jsonl");

    // While it runs, the session is busy for everyone else.
    await expect(openTranscriptForAppend(path)).rejects.toMatchObject({ code: "session_busy" });
    expect((await listSessions(home, root))[0]).toMatchObject({ sessionId: "k9", busy: true });

    child.kill("SIGKILL");
    await once(child, "exit");

    const loaded = await loadTranscript(path);
    expect(loaded.warnings.length).toBeLessThanOrEqual(1);
    for (const warning of loaded.warnings) expect(warning).toMatch(/is incomplete/);
    const texts = loaded.messages.map((m) => textOf(m).split(" ")[0]);
    expect(texts.length).toBeGreaterThan(200);
    expect(texts).toEqual(texts.map((_, i) => `m${i}`));
    expect(pairingViolations(loaded.messages)).toEqual([]);

    // The dead writer's lock is stale: resuming takes it over and appends after the last whole line.
    const { writer } = await openTranscriptForAppend(path);
    writer.append({ type: "message", message: prompt("after the crash") });
    await writer.close();
    const again = await loadTranscript(path);
    expect(again.warnings).toEqual([]);
    expect(textOf(again.messages.at(-1) ?? prompt(""))).toContain("after the crash");
  });
});

describe.skipIf(process.platform !== "linux")("a write the system refuses", () => {
  it("surfaces as a session_write error, and the fragment it left is skipped on load", async () => {
    // `ulimit -f` makes writes past 8 KiB fail (EFBIG), as a full disk fails with ENOSPC.
    const child = node(
      `
      process.on("SIGXFSZ", () => {});
      const w = await s.createTranscript({
        cairnHome: ${JSON.stringify(home)}, root: ${JSON.stringify(root)}, sessionId: "full",
        header: { model: "m", provider: "p" },
      });
      const errors = [];
      for (let i = 0; i < 50 && errors.length < 2; i++) {
        try {
          w.append({ type: "message", message: { role: "user", content: [{ type: "text", text: "x".repeat(700) }] } });
        } catch (error) {
          errors.push({ code: error.code, message: error.message, hint: error.hint });
        }
      }
      await w.close();
      process.stdout.write(JSON.stringify(errors));
    `,
      { ulimitFileBlocks: 8 },
    );
    const errors = JSON.parse(await output(child)) as { code: string; message: string }[];
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toMatchObject({
        code: "session_write",
        message: expect.stringMatching(
          /could not save the session to .*full\.jsonl: EFBIG/,
        ) as unknown,
      });
    }
    const path = join(projectDir(home, root), "full.jsonl");
    const loaded = await loadTranscript(path);
    expect(loaded.warnings).toEqual([expect.stringMatching(/is incomplete/) as unknown]);
    expect(loaded.messageCount).toBeGreaterThan(5);
  });
});
