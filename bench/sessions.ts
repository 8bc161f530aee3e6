// Part 5: what keeping a session costs. Recording a turn into the transcript (one line per
// message, fsync at the turn's end), loading a long transcript back for --continue, and saving a
// checkpoint before an edit. Baselines from the same run: a bare appendFile + fsync, JSON.parse.

import { appendFile, mkdir, open, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openCheckpoints } from "../src/checkpoints/index.ts";
import type { Message } from "../src/core/messages.ts";
import { createTranscript, loadTranscript } from "../src/sessions/index.ts";
import { ms, type Row } from "./report.ts";
import { median } from "./stats.ts";

const turns = 200;
const longSessionMessages = 5_000;

export async function measureSessions(options: { workDir: string }): Promise<Row[]> {
  const home = join(options.workDir, "sessions-home");
  const root = join(options.workDir, "sessions-root");
  await mkdir(root, { recursive: true });

  // A turn: an assistant message with a tool call, then its ~4 KB result.
  const assistant = (i: number): Message => ({
    role: "assistant",
    content: [
      { type: "text", text: `Reading part ${i}.` },
      { type: "tool_use", id: `toolu_${i}`, name: "Read", input: { file_path: `/src/f${i}.ts` } },
    ],
  });
  const result = (i: number): Message => ({
    role: "user",
    content: [
      { type: "tool_result", tool_use_id: `toolu_${i}`, content: `${"x".repeat(80)}\n`.repeat(50) },
    ],
  });

  const writer = await createTranscript({
    cairnHome: home,
    root,
    sessionId: "bench-record",
    header: { model: "bench", provider: "anthropic" },
  });
  const recordMs: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    writer.append({ type: "message", message: assistant(i) });
    writer.append({ type: "message", message: result(i) });
    await writer.sync();
    recordMs.push(performance.now() - started);
  }
  await writer.close();

  const baseline = join(options.workDir, "baseline.jsonl");
  const handle = await open(baseline, "a");
  const baselineMs: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    await appendFile(handle, `${JSON.stringify(assistant(i))}\n${JSON.stringify(result(i))}\n`);
    await handle.sync();
    baselineMs.push(performance.now() - started);
  }
  await handle.close();

  // A long session for --continue: 5,000 messages (~10 MB).
  const long = await createTranscript({
    cairnHome: home,
    root,
    sessionId: "bench-long",
    header: { model: "bench", provider: "anthropic" },
  });
  long.append({
    type: "message",
    message: { role: "user", content: [{ type: "text", text: "go" }] },
  });
  for (let i = 0; i < longSessionMessages / 2; i++) {
    long.append({ type: "message", message: assistant(i) });
    long.append({ type: "message", message: result(i) });
  }
  await long.close();
  const loadMs: number[] = [];
  const parseMs: number[] = [];
  let messages = 0;
  let bytes = 0;
  for (let run = 0; run < 5; run++) {
    let started = performance.now();
    const loaded = await loadTranscript(long.path);
    loadMs.push(performance.now() - started);
    messages = loaded.messages.length;
    started = performance.now();
    const text = await readFile(long.path, "utf8");
    bytes = text.length;
    for (const line of text.split("\n")) if (line !== "") JSON.parse(line);
    parseMs.push(performance.now() - started);
  }

  // A checkpoint before an edit of a 100 KB file (content new each time, so it is really stored).
  const store = await openCheckpoints(join(options.workDir, "checkpoints"));
  await store.beginTurn({ prompt: "bench", messageCount: 0 });
  const file = join(root, "edited.ts");
  const checkpointMs: number[] = [];
  for (let i = 0; i < 50; i++) {
    await writeFile(file, `// version ${i}\n${"const x = 1;\n".repeat(8_000)}`);
    await store.beginTurn({ prompt: `turn ${i}`, messageCount: i });
    const started = performance.now();
    await store.beforeChange([file]);
    checkpointMs.push(performance.now() - started);
  }

  const record = median(recordMs);
  const base = median(baselineMs);
  const load = median(loadMs);
  const parse = median(parseMs);
  return [
    {
      measure: "transcript: record one turn (2 messages + fsync)",
      value: ms(record),
      target: "–",
      met: undefined,
      note: `bare appendFile + fsync of the same lines: ${ms(base)} (${(record / base).toFixed(2)}x); ${turns} turns`,
    },
    {
      measure: `transcript: load ${messages.toLocaleString("en")} messages for --continue`,
      value: ms(load),
      target: "–",
      met: undefined,
      note: `${(bytes / 1024 / 1024).toFixed(1)} MB; read + JSON.parse of every line: ${ms(parse)} (${(load / parse).toFixed(2)}x)`,
    },
    {
      measure: "checkpoint: save a 100 KB file before an edit",
      value: ms(median(checkpointMs)),
      target: "–",
      met: undefined,
      note: "blob write + fsync + index line",
    },
  ];
}
