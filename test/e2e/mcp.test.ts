// MCP servers through the built CLI in print mode: the official `server-everything` over stdio
// and Streamable HTTP, permissions, servers that crash or hang, an untrusted repository's
// `.mcp.json`, and 200 tools going behind the search tool.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { Scenario } from "../fake-llm/scenario.ts";
import { jsonLines, place, runCli } from "./run-cli.ts";
import { call, turn } from "./scripted.ts";
import { toolOutputs, wireSetup } from "./wires.ts";

const everything = resolve(
  import.meta.dirname,
  "../../node_modules/@modelcontextprotocol/server-everything/dist/index.js",
);
const tiny = resolve(import.meta.dirname, "../mcp-servers/tiny-server.mjs");

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

interface McpRun {
  code: number | null;
  stderr: string;
  lines: Array<Record<string, unknown>>;
  init: Record<string, unknown> | undefined;
  outputs: Array<{ text: string; isError: boolean }>;
  requests: FakeLlm["requests"];
}

async function runWithMcp(
  scenario: Scenario,
  options: {
    config?: unknown;
    extra?: string[];
    cwd?: string;
    env?: Record<string, string>;
    model?: string;
    prompt?: string;
  },
): Promise<McpRun> {
  server.setScenario(scenario);
  server.requests.length = 0;
  server.violations.length = 0;
  const setup = wireSetup("anthropic", server.url);
  const where = options.cwd ?? (await place()).cwd;
  const args = [
    "-p",
    options.prompt ?? "use the tools",
    "--model",
    options.model ?? setup.model,
    "--output-format",
    "stream-json",
    "--verbose",
    ...(options.config !== undefined ? ["--mcp-config", JSON.stringify(options.config)] : []),
    ...(options.extra ?? []),
  ];
  const run = await runCli(args, {
    cwd: where,
    env: { ...setup.env, CAIRN_RETRY_BASE_MS: "5", ...options.env },
    timeoutMs: 15_000,
  });
  expect(server.violations).toEqual([]);
  const lines = jsonLines(run.stdout);
  return {
    code: run.code,
    stderr: run.stderr,
    lines,
    init: lines.find((l) => l.type === "system" && l.subtype === "init"),
    outputs: toolOutputs("anthropic", server.requests.at(-1)?.body ?? { messages: [] }).map(
      ([, text, isError]) => ({ text, isError }),
    ),
    requests: server.requests,
  };
}

function toolNames(request: FakeLlm["requests"][number] | undefined): string[] {
  const body = request?.body as { tools?: Array<{ name: string }> } | undefined;
  return (body?.tools ?? []).map((t) => t.name);
}

const everythingStdio = {
  mcpServers: { everything: { command: process.execPath, args: [everything, "stdio"] } },
};

describe("MCP over stdio with server-everything", () => {
  it("mcp › the model calls an MCP tool allowed by mcp__everything and gets its result", async () => {
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__everything__echo", { message: "hello from the model" })),
          turn({ type: "text", text: "done" }),
        ],
      },
      { config: everythingStdio, extra: ["--allowedTools", "mcp__everything"] },
    );
    expect(run.code).toBe(0);
    expect(run.init?.mcp_servers).toEqual([{ name: "everything", status: "connected" }]);
    expect(run.init?.tools).toContain("mcp__everything__echo");
    expect(toolNames(run.requests[0])).toContain("mcp__everything__get-sum");
    expect(run.outputs).toEqual([{ text: "Echo: hello from the model", isError: false }]);
    expect(run.stderr).not.toContain("MCP");
  }, 20_000);

  it("mcp › without an allow rule print mode denies the MCP call", async () => {
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__everything__echo", { message: "should not run" })),
          turn({ type: "text", text: "done" }),
        ],
      },
      { config: everythingStdio },
    );
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]?.isError).toBe(true);
    expect(run.outputs[0]?.text).not.toContain("Echo:");
    const result = run.lines.find((l) => l.type === "result");
    expect(result?.permission_denials).toEqual([
      expect.objectContaining({ tool_name: "mcp__everything__echo" }),
    ]);
  }, 20_000);

  it("mcp › a bare deny rule removes the server's tools from the request", async () => {
    const run = await runWithMcp(
      { turns: [turn({ type: "text", text: "done" })] },
      { config: everythingStdio, extra: ["--disallowedTools", "mcp__everything"] },
    );
    expect(run.code).toBe(0);
    expect(toolNames(run.requests[0]).filter((n) => n.startsWith("mcp__"))).toEqual([]);
  }, 20_000);
});

describe("MCP resources, elicitation and roots with server-everything", () => {
  it("mcp › an @server:uri in the prompt is read and sent with it; resource tools are offered", async () => {
    const run = await runWithMcp(
      { turns: [turn({ type: "text", text: "done" })] },
      {
        config: everythingStdio,
        prompt: "summarise @everything:demo://resource/dynamic/text/7 please",
      },
    );
    expect(run.code).toBe(0);
    const body = run.requests[0]?.body as { messages: Array<{ content: unknown }> };
    const sent = JSON.stringify(body.messages[0]?.content);
    expect(sent).toContain("summarise @everything:demo://resource/dynamic/text/7 please");
    expect(sent).toContain("Resource 7: This is a plaintext resource");
    expect(toolNames(run.requests[0])).toEqual(
      expect.arrayContaining(["ListMcpResourcesTool", "ReadMcpResourceTool"]),
    );
  }, 20_000);

  it("mcp › the server is told the workspace folder as its root", async () => {
    const { cwd } = await place();
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__everything__get-roots-list", {})),
          turn({ type: "text", text: "done" }),
        ],
      },
      { cwd, config: everythingStdio, extra: ["--allowedTools", "mcp__everything"] },
    );
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]?.text).toContain("Current MCP Roots (1 total)");
    expect(run.outputs[0]?.text).toContain(`file://${cwd}`);
  }, 20_000);

  it("mcp › print mode declines a server's elicitation request", async () => {
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__everything__trigger-elicitation-request", {})),
          turn({ type: "text", text: "done" }),
        ],
      },
      { config: everythingStdio, extra: ["--allowedTools", "mcp__everything"] },
    );
    expect(run.code).toBe(0);
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]?.text).toContain("declined");
  }, 20_000);
});

describe("cairn mcp", () => {
  it("mcp › add, add-json, list, get and remove manage entries and show live status", async () => {
    const { cwd, home } = await place();
    const cli = (...args: string[]) =>
      runCli(["mcp", ...args], { cwd, env: { HOME: home, MCP_TIMEOUT: "5000" } });
    const added = await cli("add", "tiny", "-e", "K=v", "--", process.execPath, tiny, "tools", "2");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added MCP server "tiny" (local scope)');
    const json = await cli(
      "add-json",
      "--scope",
      "project",
      "web",
      '{"type":"http","url":"http://127.0.0.1:1/mcp"}',
    );
    expect(json.code).toBe(0);
    const bad = await cli("add-json", "broken", '{"url":"http://x"}');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("mcpServers.broken");
    const list = await cli("list");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^tiny: .*\[local\] - ✓ connected$/m);
    // The project's entry never runs before the folder is trusted.
    expect(list.stdout).toMatch(/^web: .*\[project\] - folder not trusted/m);
    const got = await cli("get", "tiny");
    expect(got.stdout).toContain("Tools: 2");
    expect(got.stdout).toContain("Environment: K");
    const removed = await cli("remove", "tiny");
    expect(removed.stdout).toContain('Removed MCP server "tiny" from local');
    expect((await cli("get", "tiny")).code).toBe(1);
  }, 20_000);
});

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? done(address.port) : fail(new Error("no port")),
      );
    });
  });
}

/** server-everything on a free port with the given transport; resolves once it listens. */
async function startEverything(
  transport: "streamableHttp" | "sse",
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [everything, transport], {
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error("server-everything did not start")), 10_000);
    const watch = (chunk: Buffer) => {
      if (/listening on port|running on port/.test(chunk.toString())) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", watch);
    child.stderr?.on("data", watch);
  });
  return { child, port };
}

describe("MCP over HTTP with server-everything", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  it("mcp › the model calls get-sum over Streamable HTTP and the sum reaches the model", async () => {
    const { child, port } = await startEverything("streamableHttp");
    children.push(child);
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__everything__get-sum", { a: 2, b: 40 })),
          turn({ type: "text", text: "ok" }),
        ],
      },
      {
        config: {
          mcpServers: { everything: { type: "http", url: `http://127.0.0.1:${port}/mcp` } },
        },
        extra: ["--allowedTools", "mcp__everything__get-sum"],
      },
    );
    expect(run.code).toBe(0);
    expect(run.init?.mcp_servers).toEqual([{ name: "everything", status: "connected" }]);
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]?.text).toContain("42");
    expect(run.outputs[0]?.isError).toBe(false);
  }, 20_000);

  it("mcp › a type sse entry uses the legacy SSE transport", async () => {
    const { child, port } = await startEverything("sse");
    children.push(child);
    const run = await runWithMcp(
      {
        turns: [
          turn(call("mcp__legacy__echo", { message: "over sse" })),
          turn({ type: "text", text: "ok" }),
        ],
      },
      {
        config: {
          mcpServers: {
            legacy: {
              type: "sse",
              url: `http://127.0.0.1:${port}/sse`,
              headers: { "X-Test": "1" },
            },
          },
        },
        extra: ["--allowedTools", "mcp__legacy"],
      },
    );
    expect(run.init?.mcp_servers).toEqual([{ name: "legacy", status: "connected" }]);
    expect(run.outputs).toEqual([{ text: "Echo: over sse", isError: false }]);
  }, 20_000);
});

describe("MCP servers that fail", () => {
  it("mcp › a crashing and a hanging server are marked failed while another works", async () => {
    const run = await runWithMcp(
      {
        turns: [turn(call("mcp__works__tool_0", { id: "a1" })), turn({ type: "text", text: "ok" })],
      },
      {
        config: {
          mcpServers: {
            crashes: { command: process.execPath, args: [tiny, "crash"] },
            hangs: { command: process.execPath, args: [tiny, "hang"] },
            garbage: { command: process.execPath, args: [tiny, "garbage"] },
            works: { command: process.execPath, args: [tiny, "tools", "2"] },
            "no-type": { url: "http://127.0.0.1:1/mcp" },
          },
        },
        extra: ["--allowedTools", "mcp__works"],
        env: { MCP_TIMEOUT: "1500" },
      },
    );
    expect(run.code).toBe(0);
    const statuses = run.init?.mcp_servers as Array<{
      name: string;
      status: string;
      error?: string;
    }>;
    expect(statuses.map((s) => [s.name, s.status])).toEqual([
      ["crashes", "failed"],
      ["garbage", "failed"],
      ["hangs", "failed"],
      ["works", "connected"],
    ]);
    expect(statuses[0]?.error).toContain("database is locked");
    expect(statuses[2]?.error).toContain("MCP_TIMEOUT");
    expect(run.init?.mcp_server_errors).toEqual([
      expect.objectContaining({ name: "no-type", type: "url_missing_type" }),
    ]);
    expect(run.stderr).toContain('MCP server "crashes" failed');
    expect(run.outputs).toEqual([{ text: 'called tool_0 with {"id":"a1"}', isError: false }]);
  }, 20_000);
});

describe("the end of a session", () => {
  it("mcp › a server that ignores the end of its stdin is killed when cairn exits", async () => {
    const { cwd } = await place();
    const pidFile = join(cwd, "server.pid");
    const run = await runWithMcp(
      { turns: [turn({ type: "text", text: "ok" })] },
      {
        cwd,
        config: {
          mcpServers: {
            stubborn: { command: process.execPath, args: [tiny, "stubborn", pidFile] },
          },
        },
      },
    );
    expect(run.init?.mcp_servers).toEqual([{ name: "stubborn", status: "connected" }]);
    const pid = Number(await readFile(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  }, 20_000);
});

describe("a repository's .mcp.json", () => {
  async function hostileRepo(): Promise<{ cwd: string; marker: string }> {
    const { cwd } = await place();
    const marker = join(cwd, "..", `mcp-marker-${Date.now()}-${Math.random()}`);
    await writeFile(
      join(cwd, ".mcp.json"),
      JSON.stringify({
        mcpServers: { evil: { command: process.execPath, args: [tiny, "marker", marker] } },
      }),
    );
    return { cwd, marker };
  }

  it("mcp › an untrusted repository's server never starts", async () => {
    const { cwd, marker } = await hostileRepo();
    const run = await runWithMcp({ turns: [turn({ type: "text", text: "ok" })] }, { cwd });
    expect(run.code).toBe(0);
    expect(run.init?.mcp_servers).toEqual([{ name: "evil", status: "untrusted" }]);
    expect(existsSync(marker)).toBe(false);
  }, 20_000);

  it("mcp › a trusted repository's server waits for approval, then starts once approved", async () => {
    const { cwd, marker } = await hostileRepo();
    const first = await runWithMcp(
      { turns: [turn({ type: "text", text: "ok" })] },
      { cwd, extra: ["--trust"] },
    );
    expect(first.init?.mcp_servers).toEqual([{ name: "evil", status: "needs-approval" }]);
    expect(first.stderr).toContain("not approved");
    expect(existsSync(marker)).toBe(false);

    await mkdir(join(cwd, ".cairn"), { recursive: true });
    await writeFile(
      join(cwd, ".cairn", "settings.local.json"),
      JSON.stringify({ enabledMcpjsonServers: ["evil"] }),
    );
    const second = await runWithMcp(
      { turns: [turn({ type: "text", text: "ok" })] },
      { cwd, extra: ["--trust"] },
    );
    expect(second.init?.mcp_servers).toEqual([{ name: "evil", status: "connected" }]);
    expect(existsSync(marker)).toBe(true);
  }, 20_000);
});

describe("many MCP tools", () => {
  it("mcp › 200 tools go behind MCPSearch, and a found tool becomes callable", async () => {
    const config = {
      mcpServers: { inv: { command: process.execPath, args: [tiny, "tools", "200"] } },
    };
    const run = await runWithMcp(
      {
        turns: [
          turn(call("MCPSearch", { query: "select:mcp__inv__tool_7" })),
          turn(call("mcp__inv__tool_7", { id: "r7" })),
          turn({ type: "text", text: "ok" }),
        ],
      },
      { config, extra: ["--allowedTools", "mcp__inv"], model: "anthropic/claude-sonnet-4-5" },
    );
    expect(run.code).toBe(0);
    const first = toolNames(run.requests[0]);
    expect(first).toContain("MCPSearch");
    expect(first.filter((n) => n.startsWith("mcp__"))).toEqual([]);
    expect(toolNames(run.requests[1])).toContain("mcp__inv__tool_7");
    expect(run.outputs.at(-1)).toEqual({ text: 'called tool_7 with {"id":"r7"}', isError: false });
    // The fake server's request list is reused by the next run: measure now.
    const deferred = [0, 1].map((i) => JSON.stringify(run.requests[i]?.body).length);
    const size = (i: number) => deferred[i] ?? 0;
    // With a 1M-token window the same tools fit under a tenth of it: all are sent up front.
    const whole = await runWithMcp(
      { turns: [turn({ type: "text", text: "ok" })] },
      { config, extra: ["--allowedTools", "mcp__inv"], model: "anthropic/claude-sonnet-5-5" },
    );
    expect(toolNames(whole.requests[0]).filter((n) => n.startsWith("mcp__"))).toHaveLength(200);
    const full = JSON.stringify(whole.requests[0]?.body).length;
    expect(size(0)).toBeLessThan(full / 5);
    // The figures for the report: request bytes with every tool, deferred, and after one is loaded.
    console.log(
      `MCP 200 tools: request ${full} bytes with all tools, ${size(0)} deferred, ${size(1)} after loading one`,
    );
  }, 20_000);
});
