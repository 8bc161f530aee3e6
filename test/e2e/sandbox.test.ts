// The Bash sandbox through the CLI: on by default where bubblewrap works, off with --no-sandbox,
// a warning when bubblewrap is missing, and no unsandboxed command when --sandbox cannot be met.

import { randomUUID } from "node:crypto";
import { lstat, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findOnPath } from "../../src/config/index.ts";
import { detectBubblewrap } from "../../src/sandbox/index.ts";
import { startFakeLlm, type FakeLlm } from "../fake-llm/index.ts";
import type { ScriptedBlock } from "../fake-llm/scenario.ts";
import { jsonLines, runCli, tempDir } from "./run-cli.ts";
import { toolOutputs, wireSetup } from "./wires.ts";

const bwrap = await detectBubblewrap(process.env);
const usable = process.platform === "linux" && bwrap.type === "ready";
const hasCurl = findOnPath(["curl"], process.env) !== undefined;

let server: FakeLlm;
beforeAll(async () => {
  server = await startFakeLlm({ scenario: { turns: [] } });
});
afterAll(async () => {
  await server.close();
});

const bashTurn = (command: string): { blocks: ScriptedBlock[] } => ({
  blocks: [{ type: "tool_use", name: "Bash", input: { command } }],
});

/** Runs one Bash call through the CLI and returns what the model got back, and the run. */
async function runBash(command: string, extra: string[] = [], env: Record<string, string> = {}) {
  const dir = await tempDir("cairn-e2e-sandbox-");
  server.setScenario({ turns: [bashTurn(command), { blocks: [{ type: "text", text: "done" }] }] });
  server.requests.length = 0;
  const setup = wireSetup("anthropic", server.url);
  const run = await runCli(
    [
      "-p",
      "go",
      "--model",
      setup.model,
      "--output-format",
      "json",
      ...extra,
      "--allowedTools",
      "Bash",
    ],
    { cwd: dir, env: { ...setup.env, ...env } },
  );
  const outputs = toolOutputs("anthropic", server.requests.at(-1)?.body);
  return { dir, run, output: outputs[0]?.[1] ?? "" };
}

async function exists(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => undefined)) !== undefined;
}

describe.skipIf(!usable)("the sandbox through the CLI (bubblewrap works here)", () => {
  it("confines Bash by default: the workspace is writable, the system is not", async () => {
    const outside = join("/etc", `cairn-e2e-${randomUUID()}`);
    try {
      const { dir, run, output } = await runBash(`echo ok > inside.txt; touch ${outside}`);
      expect(run.code).toBe(0);
      expect(run.stderr).not.toContain("without a sandbox");
      expect(output).toContain("Read-only file system");
      expect(output).toContain("blocked by the sandbox");
      expect(await exists(join(dir, "inside.txt"))).toBe(true);
      expect(await exists(outside)).toBe(false);
    } finally {
      await rm(outside, { force: true });
    }
  });

  it("runs Bash unconfined with --no-sandbox (the host's /tmp is visible again)", async () => {
    const marker = join(tmpdir(), `cairn-e2e-host-${randomUUID()}`);
    await writeFile(marker, "");
    try {
      expect((await runBash(`ls ${marker}`)).output).toContain("No such file or directory");
      expect((await runBash(`ls ${marker}`, ["--no-sandbox"])).output).toContain(
        `${marker}\n\nExit code 0`,
      );
      expect((await runBash(`ls ${marker}`, [], { CAIRN_SANDBOX: "0" })).output).toContain(
        `${marker}\n\nExit code 0`,
      );
    } finally {
      await rm(marker, { force: true });
    }
  });
});

describe.skipIf(process.platform !== "linux")(
  "the sandbox through the CLI without bubblewrap",
  () => {
    // No bwrap on this PATH; bash itself is found at /bin/bash.
    const noBwrap = { PATH: "/nonexistent" };

    it("warns once on stderr and runs commands unsandboxed", async () => {
      const { run, output } = await runBash("echo ran", [], noBwrap);
      expect(run.stderr).toContain(
        "cairn: bubblewrap not found: commands run without a sandbox; install it with `apt-get install bubblewrap`",
      );
      expect(output).toBe("ran\n\nExit code 0");
      expect(jsonLines(run.stdout)[0]?.type).toBe("result");
    });

    it("does not run a command unsandboxed when --sandbox was asked for", async () => {
      const { dir, run, output } = await runBash("echo ran > made-it", ["--sandbox"], noBwrap);
      expect(run.stderr).not.toContain("without a sandbox");
      expect(await exists(join(dir, "made-it"))).toBe(false);
      // The permission layer asks whether to run without the sandbox; print mode cannot ask, so
      // it is a denial listed in the result, and the model is told how the user can fix it.
      const denied = (jsonLines(run.stdout)[0]?.permission_denials ?? []) as unknown[];
      expect(denied).toHaveLength(1);
      expect(output).toContain("without the sandbox needs the user's approval");
      expect(output).toContain("apt-get install bubblewrap");
    });
  },
);

describe.skipIf(!usable || !hasCurl)("sandbox.network.allowedDomains through the CLI", () => {
  // The allowed host: the host's 127.0.0.2. (127.0.0.1 and localhost are the sandbox's own
  // loopback, which NO_PROXY keeps away from the proxy.)
  let host: Server;
  let port: number;
  const hits: string[] = [];
  beforeAll(async () => {
    host = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("allowed host reached\n");
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.2", resolve));
    const address = host.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    host.closeAllConnections();
    await new Promise<void>((resolve) => host.close(() => resolve()));
  });

  const allowing = (network: Record<string, unknown>) => [
    "--settings",
    JSON.stringify({ sandbox: { network } }),
  ];

  it("reaches an allowed host through cairn's proxy, and is refused the others", async () => {
    const { run, output } = await runBash(
      `curl -sS http://127.0.0.2:${port}/plain && curl -sS -p http://127.0.0.2:${port}/tunnel ` +
        `&& curl -sS -p http://127.0.0.3:${port}/other`,
      allowing({ allowedDomains: ["127.0.0.2"] }),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(output).toMatch(
      /^allowed host reached\nallowed host reached\ncurl: \(56\) CONNECT tunnel failed, response 403\n/,
    );
    expect(output).toContain("cairn's network proxy refused 127.0.0.3");
    expect(output).toContain("sandbox.network.allowedDomains");
    expect(hits).toEqual(["/plain", "/tunnel"]);
  });

  it("keeps the network off without allowed domains, and with only denied ones", async () => {
    const { output } = await runBash(
      `curl -sS --max-time 5 http://127.0.0.2:${port}/none`,
      allowing({ deniedDomains: ["example.com"] }),
    );
    expect(output).toContain("no network access");
    expect(hits).not.toContain("/none");
  });

  it("stops at start-up on an entry that is not a host, naming it", async () => {
    const setup = wireSetup("anthropic", server.url);
    const run = await runCli(
      [
        "-p",
        "go",
        "--model",
        setup.model,
        ...allowing({ allowedDomains: ["https://github.com"] }),
        "--allowedTools",
        "Bash",
      ],
      { cwd: await tempDir("cairn-e2e-sandbox-"), env: setup.env },
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(
      'sandbox.network.allowedDomains[0]: "https://github.com" is not a host name',
    );
  });
});
