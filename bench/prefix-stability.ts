// Part 5: how much of each request is a byte-identical prefix of the next one, per wire format,
// over one 20-turn run of the built CLI. A stable prefix is what makes provider prompt caches hit.

import type { FakeLlm, Scenario, Wire } from "../test/fake-llm/index.ts";
import { cliEnv, describeFailure, runCli } from "./cli-run.ts";
import { promptParts, withoutCacheControl } from "./prompt-parts.ts";

export interface WireSetup {
  wire: Wire;
  model: string;
  env: (url: string) => Record<string, string>;
}

export const wireSetups: readonly WireSetup[] = [
  {
    wire: "anthropic",
    model: "anthropic/claude-sonnet-4-5",
    env: (url) => ({ ANTHROPIC_API_KEY: "test", ANTHROPIC_BASE_URL: url }),
  },
  {
    wire: "openai-responses",
    model: "openai/gpt-5",
    env: (url) => ({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: `${url}/v1` }),
  },
  {
    wire: "openai-chat",
    model: "openai-chat/qwen3-coder",
    env: (url) => ({ OPENAI_API_KEY: "test", OPENAI_BASE_URL: `${url}/v1` }),
  },
];

export interface PrefixResult {
  wire: Wire;
  requests: number;
  /** Share of request i that opens request i+1, over the canonical order system, tools, conversation. */
  canonicalShares: number[];
  /** The same over JSON.stringify of the whole body, in the body's own key order. */
  rawShares: number[];
  firstBody: unknown;
  failure?: string;
}

const turnCount = 20;

export function prefixScenario(): Scenario {
  const turns: Scenario["turns"] = [];
  for (let k = 1; k < turnCount; k++) {
    // Sizes from tens of characters to a few kilobytes, in no particular order.
    const size = 40 + ((k * 733) % 2_600);
    const text = `echo ${k}: ${"lorem ipsum dolor sit amet ".repeat(Math.ceil(size / 27))}`.slice(
      0,
      size,
    );
    turns.push({ blocks: [{ type: "tool_use", name: "TestEcho", input: { text } }] });
  }
  turns.push({ blocks: [{ type: "text", text: "All echoed." }] });
  return { turns };
}

export async function measurePrefixStability(options: {
  cliPath: string;
  llm: FakeLlm;
  home: string;
  cwd: string;
  setup: WireSetup;
}): Promise<PrefixResult> {
  const { llm, setup } = options;
  llm.setScenario(prefixScenario());
  const before = llm.requests.length;
  const violationsBefore = llm.violations.length;
  const run = await runCli({
    cliPath: options.cliPath,
    args: [
      "-p",
      "Echo the texts you are given.",
      "--output-format",
      "json",
      "--model",
      setup.model,
    ],
    env: cliEnv(options.home, { CAIRN_TEST_TOOLS: "1", ...setup.env(llm.url) }),
    cwd: options.cwd,
    timeoutMs: 60_000,
  });
  const bodies = llm.requests.slice(before).map((r) => r.body);
  const violations = llm.violations.slice(violationsBefore);
  const result: PrefixResult = {
    wire: setup.wire,
    requests: bodies.length,
    canonicalShares: [],
    rawShares: [],
    firstBody: bodies[0],
  };
  if (run.code !== 0 || violations.length > 0 || bodies.length !== turnCount) {
    result.failure = [
      `${bodies.length}/${turnCount} requests`,
      run.code !== 0 ? describeFailure(run) : "",
      ...violations.slice(0, 2),
    ]
      .filter(Boolean)
      .join("; ");
  }
  // Raw: the body as sent, re-serialised. Keys after the conversation (often `tools`) break the
  // prefix here although the provider never sees them in that order, hence the canonical figure:
  // providers render system, then tools, then messages, and cache on that order's prefix.
  const raw = bodies.map((b) => JSON.stringify(withoutCacheControl(b)));
  const canonical = bodies.map((b) => {
    const parts = promptParts(withoutCacheControl(b), setup.wire);
    return JSON.stringify([parts.system ?? null, parts.tools ?? null, parts.conversation ?? null]);
  });
  result.rawShares = consecutiveShares(raw);
  result.canonicalShares = consecutiveShares(canonical);
  return result;
}

function consecutiveShares(serialised: readonly string[]): number[] {
  const shares: number[] = [];
  for (let i = 0; i + 1 < serialised.length; i++) {
    const current = serialised[i] ?? "";
    const next = serialised[i + 1] ?? "";
    shares.push(current.length === 0 ? 0 : commonPrefixLength(current, next) / current.length);
  }
  return shares;
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
