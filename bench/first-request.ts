// Part 2: time from spawning `cairn -p` to the moment the fake model server receives its request,
// i.e. everything cairn does before the network: module loading, setup, request building.

import type { FakeLlm } from "../test/fake-llm/index.ts";
import { cliEnv, describeFailure, runCli } from "./cli-run.ts";

export interface FirstRequestOptions {
  cliPath: string;
  llm: FakeLlm;
  /** The same clock the fake server was started with. */
  clock: () => number;
  home: string;
  cwd: string;
  runs: number;
  warmups: number;
  extraEnv?: Record<string, string>;
}

export interface FirstRequestResult {
  latenciesMs: number[];
  /** The body of the first recorded request, for the request-size figures. */
  firstBody: unknown;
  failures: string[];
}

export async function measureFirstRequest(
  options: FirstRequestOptions,
): Promise<FirstRequestResult> {
  const { llm } = options;
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let firstBody: unknown;
  for (let i = 0; i < options.warmups + options.runs; i++) {
    llm.setScenario({ turns: [{ blocks: [{ type: "text", text: "hi" }] }] });
    const before = llm.requests.length;
    const violationsBefore = llm.violations.length;
    let spawnedAt = 0;
    const run = await runCli({
      cliPath: options.cliPath,
      args: ["-p", "hello", "--output-format", "json"],
      env: cliEnv(options.home, {
        ANTHROPIC_API_KEY: "test",
        ANTHROPIC_BASE_URL: llm.url,
        ...options.extraEnv,
      }),
      cwd: options.cwd,
      timeoutMs: 20_000,
      onSpawn: () => (spawnedAt = options.clock()),
    });
    const request = llm.requests[before];
    const violations = llm.violations.slice(violationsBefore);
    if (run.code !== 0 || request === undefined || violations.length > 0) {
      failures.push(
        [describeFailure(run), ...violations].join("; ") || "no request reached the server",
      );
      continue;
    }
    firstBody ??= request.body;
    if (i >= options.warmups) latenciesMs.push(request.receivedAt - spawnedAt);
  }
  return { latenciesMs, firstBody, failures };
}
