// The one place model calls are retried: 429 (honouring retry-after), 529/overloaded, 5xx,
// connection resets, streams cut mid-response and idle streams, with bounded exponential backoff.

import type { StreamEvent } from "../core/stream.ts";
import { ProviderError } from "./provider-error.ts";
import type { ModelRequest, Provider } from "./types.ts";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking us to wait longer than this is treated as a hard failure. */
  maxRetryAfterMs: number;
  /** Abort an attempt that has produced no event for this long. */
  idleTimeoutMs: number;
  /** Returns a number in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 8,
  baseDelayMs: 1000,
  maxDelayMs: 32_000,
  maxRetryAfterMs: 120_000,
  idleTimeoutMs: 300_000,
  random: Math.random,
};

/** Delay before retry `attempt` (1-based): the server's retry-after if given, else backoff ±25 %. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, error: ProviderError): number {
  if (error.retryAfterMs !== null) return error.retryAfterMs;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jitter = 0.75 + policy.random() * 0.5;
  return Math.round(exponential * jitter);
}

export function withRetries(provider: Provider, policy: RetryPolicy): Provider {
  return {
    id: provider.id,
    baseUrl: provider.baseUrl,
    stream: (request, signal) => retryingStream(provider, policy, request, signal),
  };
}

async function* retryingStream(
  provider: Provider,
  policy: RetryPolicy,
  request: ModelRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  for (let attempt = 1; ; attempt++) {
    try {
      yield* attemptWithIdleTimeout(provider, policy.idleTimeoutMs, request, signal);
      return;
    } catch (error) {
      const failure = asProviderError(error, signal);
      const retriesUsed = attempt - 1;
      if (!failure.retryable || retriesUsed >= policy.maxRetries) throw failure;
      const delayMs = retryDelayMs(policy, attempt, failure);
      if (delayMs > policy.maxRetryAfterMs) throw failure;
      yield {
        type: "retry",
        attempt,
        maxRetries: policy.maxRetries,
        delayMs,
        errorStatus: failure.status,
        error: failure.message,
      };
      await sleep(delayMs, signal);
    }
  }
}

async function* attemptWithIdleTimeout(
  provider: Provider,
  idleTimeoutMs: number,
  request: ModelRequest,
  outer: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const attempt = new AbortController();
  const onOuterAbort = (): void => attempt.abort(outer.reason);
  outer.addEventListener("abort", onOuterAbort, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      attempt.abort(new Error("idle"));
    }, idleTimeoutMs);
  };
  try {
    arm();
    for await (const event of provider.stream(request, attempt.signal)) {
      arm();
      yield event;
    }
  } catch (error) {
    if (idle && !outer.aborted) {
      throw new ProviderError(
        "timeout",
        `${provider.id} (${provider.baseUrl}): no data for ${formatDuration(idleTimeoutMs)}; the stream was abandoned`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(timer);
    outer.removeEventListener("abort", onOuterAbort);
  }
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function asProviderError(error: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted) return new ProviderError("aborted", "request aborted", { cause: error });
  if (error instanceof ProviderError) return error;
  // An adapter bug or an unexpected library error: not retried, surfaced with its message.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError("bad_request", message, { cause: error });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ProviderError("aborted", "request aborted"));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new ProviderError("aborted", "request aborted"));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
