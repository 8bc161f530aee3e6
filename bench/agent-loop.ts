// Part 3, parent side: per-turn overhead, peak RSS and heap growth of the agent loop itself,
// read from loop-probe.ts runs in fresh child processes. Model and tool time are excluded there.

import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import type { ProbeOutput } from "./loop-probe.ts";
import { kb, mb, ms, type Row } from "./report.ts";
import { max, median, percentile } from "./stats.ts";

const run = promisify(execFile);

/** Allowance on top of the transcript's growth for the heap target (V8 bookkeeping, our arrays). */
const heapSlackBytes = 256 * 1024;

export async function measureAgentLoop(options: { workDir: string }): Promise<Row[]> {
  // The probe runs bundled, as the CLI ships: loading .ts through Node's type stripping would
  // add its own memory (about 17 MB RSS) and transform time to the figures.
  const probe = join(options.workDir, "loop-probe.mjs");
  await build({
    entryPoints: [new URL("./loop-probe.ts", import.meta.url).pathname],
    outfile: probe,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
  });
  const timing = await runProbe([probe, "timing"]);
  const heap = await runProbe(["--expose-gc", probe, "heap"]);
  return [...timingRows(timing), heapRow(heap)];
}

async function runProbe(args: string[]): Promise<ProbeOutput> {
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const output = JSON.parse(stdout) as ProbeOutput;
  if (output.outcome !== "success" || output.numTurns !== 200 || output.pairingViolations > 0) {
    throw new Error(
      `loop probe (${args.join(" ")}): outcome ${output.outcome}, ${output.numTurns} turns, ${output.pairingViolations} pairing violations`,
    );
  }
  return output;
}

function timingRows(probe: ProbeOutput): Row[] {
  const perTurn = median(probe.overheadMs);
  const sampledPeak = max(probe.rssSamples);
  const peak = Math.max(sampledPeak, probe.maxRssBytes);
  return [
    {
      measure: "agent loop: per-turn overhead (200 turns)",
      value: ms(perTurn),
      target: "< 2 ms",
      met: perTurn < 2,
      note: `p95 ${ms(percentile(probe.overheadMs, 95))}, max ${ms(max(probe.overheadMs))}; model and tool time excluded`,
    },
    {
      measure: "agent loop: peak RSS over the run",
      value: mb(peak),
      target: "< 120 MB",
      met: peak < 120 * 1024 * 1024,
      note: `sampled per turn: first ${mb(probe.rssSamples[0] ?? Number.NaN)}, max ${mb(sampledPeak)}; process maxRSS ${mb(probe.maxRssBytes)}`,
    },
  ];
}

function heapRow(probe: ProbeOutput): Row {
  const at100 = probe.heapAt?.find((h) => h.turn === 100);
  const at200 = probe.heapAt?.find((h) => h.turn === 200);
  if (!at100 || !at200) {
    return {
      measure: "agent loop: heap growth turn 100→200",
      value: "n/a",
      target: "–",
      met: undefined,
    };
  }
  const heapGrowth = at200.heapUsed - at100.heapUsed;
  const transcriptGrowth = at200.transcriptBytes - at100.transcriptBytes;
  return {
    measure: "agent loop: heap growth turn 100→200 vs transcript growth",
    value: `${kb(heapGrowth)} vs ${kb(transcriptGrowth)}`,
    target: `heap ≤ transcript + ${kb(heapSlackBytes)}`,
    met: heapGrowth <= transcriptGrowth + heapSlackBytes,
    note: `heapUsed after a full GC at requests 100 and 200 (${mb(at100.heapUsed)} → ${mb(at200.heapUsed)}); transcript = JSON of the messages`,
  };
}
