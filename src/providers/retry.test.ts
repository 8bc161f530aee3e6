import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../core/stream.ts";
import { ProviderError, parseRetryAfter } from "./provider-error.ts";
import { retryDelayMs, withRetries, type RetryPolicy } from "./retry.ts";
import type { ModelRequest, Provider } from "./types.ts";

const policy: RetryPolicy = {
  maxRetries: 3,
  baseDelayMs: 1,
  maxDelayMs: 4,
  maxRetryAfterMs: 1000,
  idleTimeoutMs: 5000,
  random: () => 0.5,
};
const request: ModelRequest = {
  model: "m",
  system: "",
  messages: [],
  tools: [],
  maxTokens: 10,
  thinkingBudget: undefined,
  thinkingStyle: "none",
};
const ok: StreamEvent[] = [
  { type: "message_start", messageId: "m", model: "m" },
  {
    type: "message_stop",
    stopReason: "end_turn",
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      cacheCreationInputTokens: 0,
      cacheReadInputTokens: 0,
    },
  },
];

function failing(
  failures: Array<ProviderError | "hang">,
  partial: StreamEvent[] = [],
): Provider & { calls: number } {
  const provider = {
    id: "anthropic" as const,
    baseUrl: "http://x",
    calls: 0,
    async *stream(_r: ModelRequest, signal: AbortSignal) {
      const failure = failures[provider.calls++];
      if (failure === "hang") {
        yield* partial;
        await new Promise((_, reject) =>
          signal.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      } else if (failure) {
        yield* partial;
        throw failure;
      }
      yield* ok;
    },
  };
  return provider;
}

async function collect(
  provider: Provider,
  p: RetryPolicy = policy,
  signal = new AbortController().signal,
) {
  const events: StreamEvent[] = [];
  for await (const e of withRetries(provider, p).stream(request, signal)) events.push(e);
  return events;
}

describe("withRetries", () => {
  it("retries 429, 529, 5xx and cut streams, announcing each retry", async () => {
    const provider = failing([
      new ProviderError("rate_limit", "429", { status: 429 }),
      new ProviderError("overloaded", "529", { status: 529 }),
      new ProviderError("stream_cut", "cut"),
    ]);
    const events = await collect(provider);
    expect(provider.calls).toBe(4);
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.map((r) => [r.attempt, r.errorStatus])).toEqual([
      [1, 429],
      [2, 529],
      [3, null],
    ]);
    expect(events.at(-1)?.type).toBe("message_stop");
  });

  it("honours retry-after from the server", async () => {
    const provider = failing([
      new ProviderError("rate_limit", "429", { status: 429, retryAfterMs: 30 }),
    ]);
    const started = Date.now();
    const events = await collect(provider);
    expect(events[0]).toMatchObject({ type: "retry", delayMs: 30 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it("gives up after maxRetries and rethrows the last failure", async () => {
    const provider = failing(
      Array.from({ length: 10 }, () => new ProviderError("server", "500 boom", { status: 500 })),
    );
    await expect(collect(provider)).rejects.toThrow("500 boom");
    expect(provider.calls).toBe(4);
  });

  it("fails at once on 400, 401, 403 and 404", async () => {
    for (const [kind, status] of [
      ["bad_request", 400],
      ["auth", 401],
      ["auth", 403],
      ["not_found", 404],
    ] as const) {
      const provider = failing([new ProviderError(kind, `${status}`, { status })]);
      await expect(collect(provider)).rejects.toMatchObject({ kind, status });
      expect(provider.calls).toBe(1);
    }
  });

  it("does not wait for a retry-after longer than the policy allows", async () => {
    const provider = failing([
      new ProviderError("rate_limit", "429 wait an hour", { status: 429, retryAfterMs: 3_600_000 }),
    ]);
    await expect(collect(provider)).rejects.toThrow("wait an hour");
    expect(provider.calls).toBe(1);
  });

  it("abandons an idle stream and retries it as a timeout", async () => {
    const provider = failing(["hang"], [{ type: "message_start", messageId: "m", model: "m" }]);
    const events = await collect(provider, { ...policy, idleTimeoutMs: 50 });
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "retry",
      "message_start",
      "message_stop",
    ]);
    expect(events[1]).toMatchObject({
      type: "retry",
      error: expect.stringContaining("no data") as unknown,
    });
  });

  it("stops waiting when the caller aborts", async () => {
    const controller = new AbortController();
    const provider = failing([
      new ProviderError("rate_limit", "429", { status: 429, retryAfterMs: 900 }),
    ]);
    setTimeout(() => controller.abort(), 20);
    await expect(collect(provider, policy, controller.signal)).rejects.toMatchObject({
      kind: "aborted",
    });
  });
});

describe("retry delays", () => {
  it("grow exponentially with jitter and stay under the cap", () => {
    const p = { ...policy, baseDelayMs: 1000, maxDelayMs: 8000 };
    const error = new ProviderError("server", "x");
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(p, a, error))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
    expect(retryDelayMs({ ...p, random: () => 0 }, 1, error)).toBe(750);
    expect(retryDelayMs({ ...p, random: () => 0.999 }, 1, error)).toBe(1250);
  });

  it("parse retry-after in seconds, milliseconds and as an HTTP date", () => {
    const headers = (h: Record<string, string>) => (name: string) => h[name];
    expect(parseRetryAfter(headers({ "retry-after": "2" }))).toBe(2000);
    expect(parseRetryAfter(headers({ "retry-after-ms": "150", "retry-after": "9" }))).toBe(150);
    expect(
      parseRetryAfter(
        headers({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }),
        Date.parse("2026-01-01T00:00:00Z"),
      ),
    ).toBe(10_000);
    expect(parseRetryAfter(headers({}))).toBeNull();
  });
});
