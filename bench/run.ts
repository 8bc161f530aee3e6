// `npm run bench`: start-up, time to first request, agent-loop overhead, request size and prompt-prefix
// stability of the built CLI, session persistence, the search tools on a big tree, MCP and the UI; one markdown table of medians
// against targets. Information only: it never fails on a missed target (the machines are shared).

import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeLlm, type Wire } from "../test/fake-llm/index.ts";
import { measureAgentLoop } from "./agent-loop.ts";
import { measureFirstRequest } from "./first-request.ts";
import { measureMcp } from "./mcp.ts";
import { measurePrefixStability, wireSetups, type PrefixResult } from "./prefix-stability.ts";
import { markdownTable, mb, ms, pct, type Row } from "./report.ts";
import { requestSize } from "./request-size.ts";
import { measureSearch } from "./search.ts";
import { measureSessions } from "./sessions.ts";
import { measureStartup } from "./startup.ts";
import { median } from "./stats.ts";
import { measureTui } from "./tui.ts";

const cliPath = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const tokenBudget = 3_000;

async function main(): Promise<void> {
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), "cairn-bench-"));
  const home = join(workDir, "home");
  const cwd = join(workDir, "project");
  await mkdir(home);
  await mkdir(cwd);
  // Sub-millisecond and on the Date.now() scale, so spawn times and receivedAt compare directly.
  const clock = (): number => performance.timeOrigin + performance.now();
  const llm = await startFakeLlm({ scenario: { turns: [] }, clock });
  const rows: Row[] = [];
  const problems: string[] = [];
  const part = async (name: string, measure: () => Promise<Row[]> | Row[]): Promise<void> => {
    progress(name);
    try {
      rows.push(...(await measure()));
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      rows.push({
        measure: name,
        value: "n/a",
        target: "–",
        met: undefined,
        note: "failed, see below",
      });
    }
  };

  try {
    await part("start-up", () => measureStartup({ cliPath, runs: 30, warmups: 3, rssRuns: 5 }));

    let noToolsBody: unknown;
    await part("first request", async () => {
      const result = await measureFirstRequest({
        cliPath,
        llm,
        clock,
        home,
        cwd,
        runs: 20,
        warmups: 2,
      });
      noToolsBody = result.firstBody;
      problems.push(...result.failures.slice(0, 3).map((f) => `first request: ${f}`));
      const value = median(result.latenciesMs);
      return [
        {
          measure: "first request: spawn → server receives it",
          value: ms(value),
          target: "≤ 150 ms",
          met: Number.isFinite(value) ? value <= 150 : undefined,
          note: `median of ${result.latenciesMs.length} (${result.failures.length} failed runs); Anthropic wire`,
        },
      ];
    });

    const prefixResults: PrefixResult[] = [];
    await part("prefix stability", async () => {
      for (const setup of wireSetups) {
        progress(`prefix stability: ${setup.wire}`);
        prefixResults.push(await measurePrefixStability({ cliPath, llm, home, cwd, setup }));
      }
      return prefixResults.map(prefixRow);
    });

    await part("request size", () => {
      const sized: Row[] = [];
      if (noToolsBody !== undefined)
        sized.push(
          sizeRow("request size: system + the real tools", noToolsBody, "anthropic", true),
        );
      for (const result of prefixResults) {
        if (result.firstBody !== undefined) {
          sized.push(
            sizeRow(
              `request size: system + tools (CAIRN_TEST_TOOLS=1, ${result.wire})`,
              result.firstBody,
              result.wire,
              false,
            ),
          );
        }
      }
      return sized;
    });

    await part("agent loop", () => measureAgentLoop({ workDir }));

    await part("sessions", () => measureSessions({ workDir }));

    await part("search tools", () => measureSearch({ workDir, runs: 7, warmups: 1 }));

    await part("MCP", () => measureMcp({ cliPath, llm, clock, workDir, runs: 5 }));

    await part("interactive UI", () => measureTui({ launches: 7 }));
  } finally {
    await llm.close();
    await rm(workDir, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const lines = [
    `Machine: ${availableParallelism()} cores (${cpu}), ${mb(totalmem())} RAM, Node ${process.version}, ${process.platform}/${process.arch}`,
    "",
    markdownTable(rows),
    "",
    `Bench took ${((performance.now() - started) / 1000).toFixed(1)} s. Targets are information only; nothing fails.`,
  ];
  if (problems.length > 0) lines.push("", "Problems:", ...problems.map((p) => `- ${p}`));
  process.stdout.write(`${lines.join("\n")}\n`);
}

function prefixRow(result: PrefixResult): Row {
  const shares = result.canonicalShares;
  const min = shares.length > 0 ? Math.min(...shares) : Number.NaN;
  const raw = result.rawShares;
  return {
    measure: `prefix stability: ${result.wire} (min / median over ${shares.length} pairs)`,
    value: `${pct(min)} / ${pct(median(shares))}`,
    target: "≥ 99%",
    met: Number.isFinite(min) ? min >= 0.99 : undefined,
    note: [
      `order system, tools, conversation; raw body order: min ${pct(raw.length > 0 ? Math.min(...raw) : Number.NaN)}, median ${pct(median(raw))}`,
      result.failure ? `run problem: ${result.failure}` : "",
    ]
      .filter(Boolean)
      .join("; "),
  };
}

/** The target is for the real tools; rows with the test tools added are for comparison. */
function sizeRow(measure: string, body: unknown, wire: Wire, target: boolean): Row {
  const size = requestSize(body, wire);
  return {
    measure,
    value: `${size.tokens} tokens`,
    target: target ? `≤ ${tokenBudget}` : "–",
    met: target ? size.tokens <= tokenBudget : undefined,
    note: `chars/4: system ${size.systemChars} chars, ${size.toolCount} tools ${size.toolsChars} chars of JSON${target ? "" : "; the four test tools of CAIRN_TEST_TOOLS=1 included"}`,
  };
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

await main();
