// A failed model call, classified so the retry wrapper and the CLI can act on it.

export type ProviderErrorKind =
  | "rate_limit" // 429
  | "overloaded" // 529 or an `overloaded_error` event
  | "server" // other 5xx
  | "network" // connection refused/reset before or during the response
  | "stream_cut" // the stream ended without a message stop
  | "timeout" // no data for too long
  | "auth" // 401/403
  | "not_found" // 404
  | "bad_request" // 400, 413, 422 and other 4xx
  | "aborted"; // the caller's signal fired

export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  readonly status: number | null;
  /** Server-requested wait (retry-after / retry-after-ms), in milliseconds. */
  readonly retryAfterMs: number | null;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    opts: { status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }

  get retryable(): boolean {
    switch (this.kind) {
      case "rate_limit":
      case "overloaded":
      case "server":
      case "network":
      case "stream_cut":
      case "timeout":
        return true;
      case "auth":
      case "not_found":
      case "bad_request":
      case "aborted":
        return false;
      default: {
        const never: never = this.kind;
        return never;
      }
    }
  }
}

/** Reads `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  get: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | null {
  const ms = get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Classifies an HTTP status the same way for every provider. */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limit";
  if (status === 529) return "overloaded";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  return "bad_request";
}
