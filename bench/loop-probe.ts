// Part 3, child side: runs the agent loop in-process over 200 scripted turns and prints one JSON
// line of raw figures. Spawned by agent-loop.ts ("timing" mode, or "heap" mode with --expose-gc).

import { buildSystemPrompt, createAgent, type Conversation } from "../src/agent/index.ts";
import type { StreamEvent } from "../src/core/stream.ts";
import { userText } from "../src/core/messages.ts";
import { lookupModel } from "../src/providers/catalog.ts";
import type { Provider } from "../src/providers/types.ts";
import { createToolSession, testTools, type Tool } from "../src/tools/index.ts";
import {
  scriptedProvider,
  textTurn,
  toolTurn,
  type ScriptedTurn,
} from "../test/support/scripted-provider.ts";

export interface ProbeOutput {
  mode: "timing" | "heap";
  outcome: string;
  numTurns: number;
  /** Per turn: wall time from its request to the next one, minus model and tool time. */
  overheadMs: number[];
  rssSamples: number[];
  maxRssBytes: number;
  pairingViolations: number;
  /** Heap mode: after a full GC when requests 100 and 200 are made. */
  heapAt?: { turn: number; heapUsed: number; transcriptBytes: number }[];
}

const turnCount = 200;
const heapTurns = new Set([100, 200]);

async function main(mode: "timing" | "heap"): Promise<ProbeOutput> {
  const collect = mode === "heap" ? globalThis.gc : undefined;
  if (mode === "heap" && !collect) throw new Error("heap mode needs node --expose-gc");

  const turns: ScriptedTurn[] = [];
  for (let k = 1; k < turnCount; k++) {
    const size = 100 + ((k * 379) % 900);
    const text = `echo ${k} `.padEnd(size, "abcdefghij");
    turns.push(toolTurn([{ id: `toolu_${k}`, name: "TestEcho", input: { text } }]));
  }
  turns.push(textTurn("done"));
  const inner = scriptedProvider(turns);

  const starts: number[] = [];
  const modelMs: number[] = [];
  const toolMs: number[] = [];
  const rssSamples: number[] = [];
  const heapAt: NonNullable<ProbeOutput["heapAt"]> = [];
  let pairingViolations = 0;

  const provider: Provider = {
    id: inner.id,
    baseUrl: inner.baseUrl,
    stream(request, signal) {
      const turn = starts.length + 1;
      if (collect && heapTurns.has(turn)) {
        const transcriptBytes = jsonBytes(request.messages);
        heapAt.push({ turn, heapUsed: heapAfterGc(collect), transcriptBytes });
      }
      rssSamples.push(process.memoryUsage.rss());
      starts.push(performance.now());
      modelMs.push(0);
      toolMs.push(0);
      return timed(inner.stream(request, signal), (elapsed) => {
        modelMs[turn - 1] = (modelMs[turn - 1] ?? 0) + elapsed;
        // The harness keeps a deep copy of every request; dropping them keeps its memory out of ours.
        pairingViolations += inner.violations.length;
        inner.requests.length = 0;
        inner.violations.length = 0;
      });
    },
  };

  const tools: Tool[] = testTools.map((tool) =>
    tool.name !== "TestEcho"
      ? tool
      : {
          ...tool,
          async run(input, ctx) {
            const started = performance.now();
            try {
              return await tool.run(input, ctx);
            } finally {
              const index = starts.length - 1;
              toolMs[index] = (toolMs[index] ?? 0) + performance.now() - started;
            }
          },
        },
  );

  const cwd = process.cwd();
  const agent = createAgent({
    provider,
    model: lookupModel("claude-sonnet-4-5"),
    system: buildSystemPrompt({ cwd, platform: process.platform }),
    tools,
    policy: { mode: "default", allow: [], ask: [], deny: [] },
    toolSession: createToolSession({ root: cwd, additionalDirs: [] }),
    maxTokens: 32_000,
  });
  const conversation: Conversation = { messages: [] };
  const result = await agent.run(conversation, userText("Echo everything."), {
    signal: new AbortController().signal,
    emit: () => {},
  });
  const ended = performance.now();
  rssSamples.push(process.memoryUsage.rss());

  const overheadMs = starts.map((start, i) => {
    const end = starts[i + 1] ?? ended;
    return end - start - (modelMs[i] ?? 0) - (toolMs[i] ?? 0);
  });
  return {
    mode,
    outcome: result.outcome,
    numTurns: result.numTurns,
    overheadMs,
    rssSamples,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    pairingViolations,
    ...(mode === "heap" ? { heapAt } : {}),
  };
}

/** In its own frame, so the JSON text is garbage by the time the heap is measured. */
function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

function heapAfterGc(collect: NodeJS.GCFunction): number {
  // A plain gc() leaves heapUsed bimodal (±350 KB between identical runs); the last-resort
  // flavour also drops V8's caches and gives the live size a heap snapshot reports, ±3 KB.
  collect({ type: "major", execution: "sync", flavor: "last-resort" });
  return process.memoryUsage().heapUsed;
}

/** Re-yields a stream, reporting the time spent inside the source (the "model") to `report`. */
async function* timed(
  source: AsyncIterable<StreamEvent>,
  report: (elapsedMs: number) => void,
): AsyncGenerator<StreamEvent> {
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const started = performance.now();
    const next = await iterator.next();
    report(performance.now() - started);
    if (next.done) return;
    yield next.value;
  }
}

const mode = process.argv[2];
if (mode !== "timing" && mode !== "heap") {
  process.stderr.write("usage: node [--expose-gc] bench/loop-probe.ts timing|heap\n");
  process.exit(2);
}
process.stdout.write(`${JSON.stringify(await main(mode))}\n`);
