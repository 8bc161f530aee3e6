// Part 7: the interactive UI in a real terminal (tmux, the harness of test/tui): launch to a
// usable prompt, a 5,000-line answer streamed through the pty (bytes, frames, CPU), idle cost,
// and memory over a 500-message session. What the terminal receives is read with `pipe-pane`.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Scenario } from "../test/fake-llm/index.ts";
import {
  cliPath,
  createTuiWorld,
  hasTmux,
  type TuiSession,
  type TuiWorld,
} from "../test/tui/tmux.ts";
import { kb, mb, ms, type Row } from "./report.ts";
import { max, median } from "./stats.ts";

export interface TuiBenchOptions {
  launches: number;
}

const columns = 120;
const rows = 40;
const promptText = "Ask anything";
const answerLines = 5_000;
/** The model-pace answer: shorter, so the part stays quick at ~1.5 KB/s. */
const pacedLines = 300;
const endMarker = "END-OF-ANSWER";
const frameStart = Buffer.from("\u001B[?2026h");
/** The long session: prompts × tool turns each, plus one closing text turn per prompt. */
const sessionPrompts = 10;
const toolTurnsPerPrompt = 25;
const idleMs = 3_000;
/** Time after the stream before idling is measured (V8 collects garbage ~5 s after a burst). */
const settleMs = 10_000;

export async function measureTui(options: TuiBenchOptions): Promise<Row[]> {
  if (!hasTmux) throw new Error("tmux is not installed: the UI part needs a terminal to run in");
  const world = await createTuiWorld({ scenario: { turns: [] }, files: sessionFiles() });
  try {
    return [
      ...(await measureLaunch(world, options.launches)),
      ...(await measureStream(world)),
      ...(await measureLongSession(world)),
    ];
  } finally {
    await world.close();
  }
}

/** Spawn → the prompt drawn, timed on the pty's own output (the launch key's echo is time 0). */
async function measureLaunch(world: TuiWorld, launches: number): Promise<Row[]> {
  const timesMs: number[] = [];
  for (let i = 0; i < launches + 1; i++) {
    world.llm.setScenario({ turns: [] });
    const tui = await world.launch([], { columns, rows, held: true });
    const recording = await record(tui, join(world.scratch, `launch-${i}`));
    await tui.release();
    await tui.waitFor(promptText);
    const taken = readRecording(recording);
    const echo = taken.chunks[0]?.at ?? Number.NaN;
    const drawn = taken.timeOf(taken.bytes.indexOf(promptText));
    await tui.kill();
    // The first launch warms the file cache; it is not counted.
    if (i > 0) timesMs.push(drawn - echo);
  }
  const value = median(timesMs);
  return [
    {
      measure: "UI: launch → prompt drawn",
      value: ms(value),
      target: "< 300 ms",
      met: Number.isFinite(value) ? value < 300 : undefined,
      note: `median of ${timesMs.length} (max ${ms(max(timesMs))}) after 1 warm-up; ${columns}x${rows} tmux pane`,
    },
  ];
}

/**
 * The 5,000-line answer as fast as the fake server sends it, then idling at the prompt; then a
 * shorter answer at about the pace of a fast model, where each frame carries little new text.
 */
async function measureStream(world: TuiWorld): Promise<Row[]> {
  const big = await streamAnswer(world, bigAnswer(answerLines), { chunkSize: 32, delayMs: 1 });

  // Idle at the prompt: nothing written, the main thread never woken (no timers, no polling),
  // no CPU. Measured once V8 has done the garbage collection it runs a few seconds after a burst
  // of work; that settling is reported beside it.
  const settleCpuBefore = cpuMs(big.pid);
  const settleWakeupsBefore = mainThreadWakeups(big.pid);
  await delay(settleMs);
  const settleCpu = cpuMs(big.pid) - settleCpuBefore;
  const settleWakeups = mainThreadWakeups(big.pid) - settleWakeupsBefore;
  const idleBytesBefore = (await stat(big.recording.data)).size;
  const idleCpuBefore = cpuMs(big.pid);
  const wakeupsBefore = mainThreadWakeups(big.pid);
  await delay(idleMs);
  const idleCpu = cpuMs(big.pid) - idleCpuBefore;
  const wakeups = mainThreadWakeups(big.pid) - wakeupsBefore;
  const idleBytes = (await stat(big.recording.data)).size - idleBytesBefore;
  await big.tui.kill();

  const paced = await streamAnswer(world, bigAnswer(pacedLines), { chunkSize: 32, delayMs: 20 });
  await paced.tui.kill();

  return [
    {
      measure: `UI: terminal bytes per byte of model text (${answerLines.toLocaleString("en")}-line answer)`,
      value: big.ratio.toFixed(2),
      target: "< 3",
      met: Number.isFinite(big.ratio) ? big.ratio < 3 : undefined,
      note: `${kb(big.terminalBytes)} written for ${kb(big.modelBytes)} of Markdown with code blocks, streamed at ${big.pace}`,
    },
    {
      measure: `UI: terminal bytes per byte of model text (${pacedLines} lines at model pace)`,
      value: paced.ratio.toFixed(2),
      target: "< 3",
      met: Number.isFinite(paced.ratio) ? paced.ratio < 3 : undefined,
      note: `${kb(paced.terminalBytes)} written for ${kb(paced.modelBytes)}, streamed at ${paced.pace}; ${paced.frames} frames at ${paced.fps.toFixed(1)} fps`,
    },
    {
      measure: "UI: frames per second while streaming",
      value: big.fps.toFixed(1),
      target: "~30 (throttle)",
      met: undefined,
      note: `${big.frames} synchronized-update frames in ${ms(big.streamMs)}; gaps: median ${ms(big.medianGapMs)}, longest ${ms(big.longestGapMs)}; largest frame ${kb(big.largestFrameBytes)}`,
    },
    {
      measure: "UI: CPU time of the UI process for the stream",
      value: ms(big.cpuMs),
      target: "–",
      met: undefined,
      note: `${((big.cpuMs / big.streamMs) * 100).toFixed(0)}% of one core over the stream's ${ms(big.streamMs)} (user + system, /proc)`,
    },
    {
      measure: `UI: idle CPU at the prompt over ${idleMs / 1000} s`,
      value: `${((idleCpu / idleMs) * 100).toFixed(1)}%`,
      target: "0%",
      met: idleBytes === 0 && wakeups === 0 && idleCpu === 0,
      note: `${ms(idleCpu)} of CPU (all threads, ${clockTickMs} ms ticks); main thread woken ${wakeups} times; ${idleBytes} bytes written; in the ${settleMs / 1000} s before: ${ms(settleCpu)} CPU, ${settleWakeups} wake-ups`,
    },
  ];
}

interface StreamFigures {
  tui: TuiSession;
  pid: number;
  recording: RecordingPaths;
  modelBytes: number;
  terminalBytes: number;
  ratio: number;
  /** From the request reaching the server to the answer's last line on screen, scrollback included. */
  streamMs: number;
  pace: string;
  frames: number;
  fps: number;
  medianGapMs: number;
  longestGapMs: number;
  /** Bytes of the biggest frame (with what the terminal got between it and the next one). */
  largestFrameBytes: number;
  cpuMs: number;
}

/** One prompt answered with `answer`; everything the terminal receives after Enter is counted. */
export async function streamAnswer(
  world: TuiWorld,
  answer: string,
  pace: { chunkSize: number; delayMs: number },
): Promise<StreamFigures> {
  world.llm.setScenario({ turns: [{ blocks: [{ type: "text", text: answer }], ...pace }] });
  const tui = await world.launch([], { columns, rows });
  await tui.waitFor(promptText);
  const pid = await tui.pid();
  await tui.type("write the long answer");
  const recording = await record(tui, join(world.scratch, `stream-${world.llm.requests.length}`));
  const cpuBefore = cpuMs(pid);
  const requestsBefore = world.llm.requests.length;
  await tui.press("Enter");
  await waitUntil(() => world.llm.requests.length > requestsBefore, 10_000);
  const received = world.llm.requests.at(-1)?.receivedAt ?? Number.NaN;
  await tui.waitFor(endMarker, { timeoutMs: 180_000 });
  await waitForQuiet(recording.data, 300);
  const cpu = cpuMs(pid) - cpuBefore;
  const taken = readRecording(recording);
  // The stream ends with the last bytes written before the terminal went quiet. (The end marker
  // itself need not appear whole in the bytes: a row that grew is written only where it changed.)
  const endAt = taken.chunks.at(-1)?.at ?? Number.NaN;
  const all = taken.frames().filter((f) => f.at >= received && f.at <= endAt);
  const frames = all.map((f) => f.at);
  const streamMs = endAt - received;
  const sizes = all.map((f, i) => (all[i + 1]?.offset ?? taken.bytes.length) - f.offset);
  const gaps = frames.slice(1).map((t, i) => t - (frames[i] ?? t));
  const modelBytes = Buffer.byteLength(answer);
  return {
    tui,
    pid,
    recording,
    modelBytes,
    terminalBytes: taken.bytes.length,
    ratio: taken.bytes.length / modelBytes,
    streamMs,
    pace: `${(modelBytes / 1024 / (streamMs / 1000)).toFixed(1)} KB/s`,
    frames: frames.length,
    fps: frames.length / (streamMs / 1000),
    medianGapMs: median(gaps),
    longestGapMs: max(gaps),
    largestFrameBytes: max(sizes),
    cpuMs: cpu,
  };
}

/**
 * 10 prompts, each answered by 25 Read calls and a closing text: 520 messages. For comparison,
 * the same 250 calls in print mode (no UI) in one prompt.
 */
export async function measureLongSession(world: TuiWorld): Promise<Row[]> {
  const file = join(world.cwd, "src", "module.ts");
  const toolTurn = (p: number, t: number): Scenario["turns"][number] => ({
    blocks: [
      { type: "text", text: `Step ${p}.${t}: reading the module again to check **part ${t}**.` },
      { type: "tool_use", name: "Read", input: { file_path: file } },
    ],
  });
  const turns: Scenario["turns"] = [];
  for (let p = 0; p < sessionPrompts; p++) {
    for (let t = 0; t < toolTurnsPerPrompt; t++) turns.push(toolTurn(p, t));
    turns.push({ blocks: [{ type: "text", text: closingText(p) }] });
  }
  world.llm.setScenario({ turns });
  const tui = await world.launch([], { columns, rows });
  await tui.waitFor(promptText);
  const pid = await tui.pid();
  const atPrompt = memory(pid).rss;
  const started = performance.now();
  const cpuBefore = cpuMs(pid);
  const rssAfterRound: number[] = [];
  for (let p = 0; p < sessionPrompts; p++) {
    await tui.type(`do round ${p}`);
    await tui.press("Enter");
    await tui.waitFor(`Round ${p} finished.`, { timeoutMs: 120_000 });
    await tui.waitFor(promptText);
    rssAfterRound.push(memory(pid).rss);
  }
  const wallMs = performance.now() - started;
  const cpu = cpuMs(pid) - cpuBefore;
  const peak = memory(pid).hwm;
  await tui.kill();
  if (world.llm.violations.length > 0) {
    throw new Error(`long session: fake server violations: ${world.llm.violations[0]}`);
  }

  const printTurns: Scenario["turns"] = [];
  for (let t = 0; t < sessionPrompts * toolTurnsPerPrompt; t++) printTurns.push(toolTurn(0, t));
  printTurns.push({ blocks: [{ type: "text", text: closingText(0) }] });
  world.llm.setScenario({ turns: printTurns });
  const printPeak = await printModePeakRss(world, "do all the rounds");

  // Warm-up: the first two rounds (module loading, first layouts, JIT).
  const warm = rssAfterRound[1] ?? Number.NaN;
  const last = rssAfterRound.at(-1) ?? Number.NaN;
  const growth = last - warm;
  const messages = sessionPrompts * (2 + 2 * toolTurnsPerPrompt);
  return [
    {
      measure: `UI: peak RSS after a ${messages}-message session`,
      value: mb(peak),
      target: "< 200 MB",
      met: Number.isFinite(peak) ? peak < 200 * 1024 * 1024 : undefined,
      note: `VmHWM; ${sessionPrompts} prompts × ${toolTurnsPerPrompt} Read calls, ${(wallMs / 1000).toFixed(1)} s, ${ms(cpu)} CPU; ${mb(atPrompt)} at the first prompt; print mode, same calls in one prompt: ${mb(printPeak)}`,
    },
    {
      measure: `UI: RSS growth after warm-up (round 2 → round ${sessionPrompts})`,
      value: mb(growth),
      target: "flat (< 10%)",
      met: Number.isFinite(growth) ? growth < warm * 0.1 : undefined,
      note: `RSS after each round: ${rssAfterRound.map((b) => (b / 1024 / 1024).toFixed(0)).join(", ")} MB`,
    },
  ];
}

/** `cairn -p <prompt>` against the world's server; its VmHWM, read from /proc until it ends. */
async function printModePeakRss(world: TuiWorld, prompt: string): Promise<number> {
  const child = spawn(process.execPath, [cliPath, "-p", prompt], {
    cwd: world.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: world.home,
      ANTHROPIC_API_KEY: "test",
      ANTHROPIC_BASE_URL: world.llm.url,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<number | null>((resolveEnd) => child.on("close", resolveEnd));
  let peak = Number.NaN;
  let running = true;
  void ended.then(() => (running = false));
  while (running) {
    try {
      // A process that has ended but not been reaped has no VmHWM: keep the last figure.
      const now = memory(child.pid ?? -1).hwm;
      if (Number.isFinite(now)) peak = now;
    } catch {
      // It ended between the check and the read; the last figure stands.
    }
    await delay(20);
  }
  const code = await ended;
  if (code !== 0) throw new Error(`print mode exited ${code}: ${stderr.trim()}`);
  return peak;
}

interface RecordingPaths {
  data: string;
  index: string;
}

/**
 * Starts copying the pane's output into `<prefix>.out`, with `<prefix>.idx` holding one line per
 * chunk (epoch ms, length). Resolves once the recorder runs, so no early output goes untimed.
 */
async function record(tui: TuiSession, prefix: string): Promise<RecordingPaths> {
  const paths = { data: `${prefix}.out`, index: `${prefix}.idx` };
  const script = [
    'const fs = require("node:fs");',
    'const data = fs.openSync(process.argv[1], "a");',
    'const index = fs.openSync(process.argv[2], "a");',
    'fs.writeSync(index, "ready\\n");',
    'process.stdin.on("data", (chunk) => {',
    "  const at = performance.timeOrigin + performance.now();",
    "  fs.writeSync(data, chunk);",
    "  fs.writeSync(index, `${at.toFixed(3)} ${chunk.length}\\n`);",
    "});",
  ].join("\n");
  await tui.pipeOutputTo([process.execPath, "-e", script, paths.data, paths.index]);
  await waitUntil(() => readText(paths.index).startsWith("ready\n"), 10_000);
  return paths;
}

interface Recording {
  bytes: Buffer;
  chunks: Array<{ at: number; offset: number }>;
  /** When the byte at `offset` reached the terminal (NaN for -1). */
  timeOf(offset: number): number;
  /** Each synchronized-update frame: where it starts in `bytes` and when it reached the terminal. */
  frames(): Array<{ at: number; offset: number }>;
}

function readRecording(paths: RecordingPaths): Recording {
  const bytes = readFileSync(paths.data);
  const chunks: Recording["chunks"] = [];
  let offset = 0;
  for (const line of readText(paths.index).split("\n").slice(1)) {
    const [at, length] = line.split(" ").map(Number);
    if (at === undefined || length === undefined || !Number.isFinite(length)) continue;
    chunks.push({ at, offset });
    offset += length;
  }
  const timeOf = (at: number): number => {
    if (at < 0) return Number.NaN;
    let found = Number.NaN;
    for (const chunk of chunks) {
      if (chunk.offset > at) break;
      found = chunk.at;
    }
    return found;
  };
  return {
    bytes,
    chunks,
    timeOf,
    frames() {
      const found: Array<{ at: number; offset: number }> = [];
      let chunk = 0;
      for (let at = bytes.indexOf(frameStart); at >= 0; at = bytes.indexOf(frameStart, at + 1)) {
        while (chunk + 1 < chunks.length && (chunks[chunk + 1]?.offset ?? Infinity) <= at) chunk++;
        found.push({ at: chunks[chunk]?.at ?? Number.NaN, offset: at });
      }
      return found;
    },
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Waits until `path` has not grown for `quietMs`. */
async function waitForQuiet(path: string, quietMs: number): Promise<void> {
  let size = -1;
  let since = performance.now();
  for (;;) {
    const now = (await readFile(path)).length;
    if (now !== size) {
      size = now;
      since = performance.now();
    } else if (performance.now() - since >= quietMs) {
      return;
    }
    await delay(50);
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error("timed out waiting for the UI");
    await delay(20);
  }
}

/** Linux reports process CPU time in clock ticks of 1/100 s. */
const clockTickMs = 10;

/** User + system CPU time of `pid` so far, from /proc/<pid>/stat (fields 14 and 15). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces and parentheses: fields are counted after its last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * clockTickMs;
}

/** Times the main thread gave up the CPU to wait (timers, I/O), from /proc/<pid>/status. */
function mainThreadWakeups(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
}

function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Markdown the way a long answer looks: headings, prose, lists and fenced code, `lines` long. */
export function bigAnswer(lines: number): string {
  const out: string[] = [];
  for (let part = 1; out.length + 18 < lines; part++) {
    out.push(
      `## Part ${part}: the ${["parser", "checker", "writer", "loader"][part % 4]}`,
      "",
      `Part ${part} reads the input, checks the **limits** it was given and writes \`result${part}\``,
      "back to the caller; nothing else in the module depends on the order of these steps.",
      "",
      `- the parser splits on commas (${part} fields at most)`,
      "- the checker refuses empty names and values over the limit",
      "",
      part % 2 === 0 ? "```ts" : "```python",
      ...(part % 2 === 0
        ? [
            `export function step${part}(input: string, limit = ${part}): number[] {`,
            '  const parts = input.split(",").map((p) => p.trim());',
            '  if (parts.some((p) => p === "")) throw new Error("empty field");',
            "  return parts.map((p) => Math.min(Number(p), limit));",
            "}",
          ]
        : [
            `def step_${part}(text: str, limit: int = ${part}) -> list[int]:`,
            '    parts = [p.strip() for p in text.split(",")]',
            "    if any(p == '' for p in parts):",
            '        raise ValueError("empty field")',
            "    return [min(int(p), limit) for p in parts]",
          ]),
      "```",
      "",
    );
  }
  while (out.length < lines - 1) out.push(`Closing note ${out.length}: all parts are covered.`);
  out.push(endMarker);
  return out.join("\n");
}

function closingText(round: number): string {
  return [
    `Round ${round} finished. The module reads cleanly:`,
    "",
    "```ts",
    `export const round${round} = ${round};`,
    "```",
  ].join("\n");
}

export function sessionFiles(): Record<string, string> {
  const body = Array.from(
    { length: 60 },
    (_, i) => `export const value${i} = ${i}; // line ${i + 1} of the module`,
  );
  return { "src/module.ts": `${body.join("\n")}\n` };
}
