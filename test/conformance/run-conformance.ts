// Runs the official MCP conformance suite (`@modelcontextprotocol/conformance`) from
// node_modules in a temp folder, and reads its verdicts from what it prints.

import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const bin = resolve(
  import.meta.dirname,
  "../../node_modules/@modelcontextprotocol/conformance/dist/index.js",
);
export const clientEntry = resolve(import.meta.dirname, "client.ts");

export interface ConformanceRun {
  code: number | null;
  output: string;
}

export async function runConformance(
  args: readonly string[],
  timeoutMs = 120_000,
): Promise<ConformanceRun> {
  const cwd = await mkdtemp(join(tmpdir(), "cairn-conformance-"));
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: cwd, NO_COLOR: "1", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((done) => child.on("close", done));
  clearTimeout(timer);
  // Colour codes, when the suite prints them anyway, would break the patterns below.
  return { code, output: output.replace(/\x1b\[[0-9;]*m/g, "") };
}

/** The command the suite runs for a client scenario (it appends the server URL). */
export function clientCommand(): string {
  return `"${process.execPath}" "${clientEntry}"`;
}

export interface Verdict {
  passed: number;
  failed: number;
  warnings: number;
}

/** "Passed: 13/13, 0 failed, 1 warnings" of a single-scenario run. */
export function verdictOf(output: string): Verdict | undefined {
  const match = /Passed: (\d+)\/\d+, (\d+) failed, (\d+) warnings/.exec(output);
  return match
    ? { passed: Number(match[1]), failed: Number(match[2]), warnings: Number(match[3]) }
    : undefined;
}

/** The "✓ name: N passed, M failed[, K warnings]" lines of a suite's summary, by scenario. */
export function summaryOf(output: string): Map<string, Verdict> {
  const verdicts = new Map<string, Verdict>();
  for (const match of output.matchAll(
    /^[✓✗] (\S+): (\d+) passed, (\d+) failed(?:, (\d+) warnings)?/gmu,
  )) {
    verdicts.set(match[1] ?? "", {
      passed: Number(match[2]),
      failed: Number(match[3]),
      warnings: Number(match[4] ?? 0),
    });
  }
  return verdicts;
}

/** The ids of the checks that ended as WARNING. */
/** The names of the checks that failed in a run's log. */
export function failedChecks(output: string): string[] {
  return [...output.matchAll(/\[([\w-]+)\s*\] FAILURE/g)].map((match) => match[1] ?? "");
}

export function warningChecks(output: string): string[] {
  return [...output.matchAll(/\[([\w-]+)\s*\] WARNING/g)].map((match) => match[1] ?? "");
}
