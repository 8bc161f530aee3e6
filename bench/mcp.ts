// Part 8: MCP. The request with 200 MCP tools configured, sent whole (a 1M-token window, where
// they fit under a tenth of it) and deferred behind MCPSearch (a 200k window); and what a stdio
// server costs a print-mode run before its first request.

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { FakeLlm } from "../test/fake-llm/index.ts";
import { cliEnv, describeFailure, runCli } from "./cli-run.ts";
import { kb, ms, type Row } from "./report.ts";
import { median } from "./stats.ts";

export interface McpBenchOptions {
  cliPath: string;
  llm: FakeLlm;
  clock: () => number;
  workDir: string;
  runs: number;
}

const tinyServer = resolve(import.meta.dirname, "../test/mcp-servers/tiny-server.mjs");

export async function measureMcp(options: McpBenchOptions): Promise<Row[]> {
  const home = join(options.workDir, "mcp-home");
  const cwd = join(options.workDir, "mcp-project");
  await mkdir(home, { recursive: true });
  await mkdir(cwd, { recursive: true });
  const configFile = async (name: string, tools: number): Promise<string> => {
    const file = join(options.workDir, name);
    const config = {
      mcpServers: {
        inv: { command: process.execPath, args: [tinyServer, "tools", String(tools)] },
      },
    };
    await writeFile(file, JSON.stringify(config));
    return file;
  };
  const many = await configFile("mcp-200.json", 200);
  const one = await configFile("mcp-1.json", 1);

  const firstRequest = async (
    model: string,
    extra: readonly string[],
  ): Promise<{ bytes: number; latencyMs: number }> => {
    options.llm.setScenario({ turns: [{ blocks: [{ type: "text", text: "ok" }] }] });
    const before = options.llm.requests.length;
    let spawnedAt = 0;
    const run = await runCli({
      cliPath: options.cliPath,
      args: ["-p", "hello", "--model", model, "--allowedTools", "mcp__inv", ...extra],
      env: cliEnv(home, { ANTHROPIC_API_KEY: "test", ANTHROPIC_BASE_URL: options.llm.url }),
      cwd,
      timeoutMs: 30_000,
      onSpawn: () => (spawnedAt = options.clock()),
    });
    const request = options.llm.requests[before];
    if (run.code !== 0 || request === undefined) throw new Error(describeFailure(run));
    return {
      bytes: JSON.stringify(request.body).length,
      latencyMs: request.receivedAt - spawnedAt,
    };
  };

  const whole = await firstRequest("anthropic/claude-sonnet-5-5", ["--mcp-config", many]);
  const deferred = await firstRequest("anthropic/claude-sonnet-4-5", ["--mcp-config", many]);
  const withServer: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < options.runs + 1; i++) {
    const a = await firstRequest("anthropic/claude-sonnet-4-5", ["--mcp-config", one]);
    const b = await firstRequest("anthropic/claude-sonnet-4-5", []);
    if (i === 0) continue;
    withServer.push(a.latencyMs);
    without.push(b.latencyMs);
  }
  return [
    {
      measure: "MCP: first request with 200 tools configured (deferred / all sent)",
      value: `${kb(deferred.bytes)} / ${kb(whole.bytes)}`,
      target: "small",
      met: deferred.bytes < whole.bytes / 5,
      note: "200k window: tool definitions over ~10% of it go behind MCPSearch; 1M window: all 200 are sent",
    },
    {
      measure: "MCP: print mode spawn → first request, one stdio server / none",
      value: `${ms(median(withServer))} / ${ms(median(without))}`,
      target: "–",
      met: undefined,
      note: `median of ${withServer.length}; the server is a tiny node script, so most of the difference is its start-up`,
    },
  ];
}
