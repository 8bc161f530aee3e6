// Part 1: start-up cost of `cairn --version` against a bare `node -e 0`, in wall time and peak RSS.
// Spawns real processes with the running Node (process.execPath), interleaved so drift hits both.

import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { median } from "./stats.ts";
import { mb, ms, type Row } from "./report.ts";

export interface StartupOptions {
  cliPath: string;
  runs: number;
  warmups: number;
  rssRuns: number;
}

const timeBinary = "/usr/bin/time";

export function measureStartup(options: StartupOptions): Row[] {
  const bare = [process.execPath, "-e", "0"];
  const cli = [process.execPath, options.cliPath, "--version"];
  const version = spawnSync(cli[0] ?? "", cli.slice(1), { encoding: "utf8" });
  if (version.status !== 0 || !/\(cairn\)/.test(version.stdout)) {
    throw new Error(
      `--version failed (exit ${version.status}): ${version.stderr || version.stdout}`,
    );
  }
  for (let i = 0; i < options.warmups; i++) {
    wallMs(bare);
    wallMs(cli);
  }
  const bareMs: number[] = [];
  const cliMs: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    bareMs.push(wallMs(bare));
    cliMs.push(wallMs(cli));
  }
  const bareMedian = median(bareMs);
  const cliMedian = median(cliMs);
  const ratio = cliMedian / bareMedian;
  const rows: Row[] = [
    { measure: "start-up: node -e 0", value: ms(bareMedian), target: "reference", met: undefined },
    { measure: "start-up: cairn --version", value: ms(cliMedian), target: "–", met: undefined },
    {
      measure: "start-up ratio (--version / node -e 0)",
      value: `${ratio.toFixed(2)}x`,
      target: "≤ 1.5x",
      met: ratio <= 1.5,
      note: `${options.runs} runs each after ${options.warmups} warm-ups`,
    },
  ];
  if (!existsSync(timeBinary)) {
    rows.push({
      measure: "peak RSS: cairn --version",
      value: "n/a",
      target: "–",
      met: undefined,
      note: `no ${timeBinary}`,
    });
    return rows;
  }
  const bareRss: number[] = [];
  const cliRss: number[] = [];
  for (let i = 0; i < options.rssRuns; i++) {
    bareRss.push(peakRssBytes(bare));
    cliRss.push(peakRssBytes(cli));
  }
  rows.push({
    measure: "peak RSS: cairn --version",
    value: mb(median(cliRss)),
    target: "– (node -e 0 for reference)",
    met: undefined,
    note: `node -e 0: ${mb(median(bareRss))}; median of ${options.rssRuns}`,
  });
  return rows;
}

function wallMs(command: readonly string[]): number {
  const started = performance.now();
  const result = spawnSync(command[0] ?? "", command.slice(1), { stdio: "ignore" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command.join(" ")} exited ${result.status}`);
  return elapsed;
}

/** GNU time's %M is the child's maximum resident set size in kilobytes. */
function peakRssBytes(command: readonly string[]): number {
  const result = spawnSync(timeBinary, ["-f", "%M", ...command], { encoding: "utf8" });
  const last = result.stderr.trim().split("\n").at(-1) ?? "";
  const kilobytes = Number(last);
  if (result.status !== 0 || !Number.isFinite(kilobytes)) {
    throw new Error(
      `${timeBinary} ${command.join(" ")}: exit ${result.status}, stderr ${result.stderr}`,
    );
  }
  return kilobytes * 1024;
}
