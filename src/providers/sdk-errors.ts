// Turns whatever an SDK call throws (an HTTP error, an error event inside the stream, a socket
// failure, an abort) into a ProviderError whose message names the provider and base URL.
// Classification only: whether and when to retry is decided by the retry wrapper.

import type { StreamEvent } from "../core/stream.ts";
import {
  ProviderError,
  kindForStatus,
  parseRetryAfter,
  type ProviderErrorKind,
} from "./provider-error.ts";
import { isRecord } from "./provider-data.ts";

/** An SDK's generic HTTP error: the two SDKs' types do not unify, so the fields are unknown. */
interface SdkApiError extends Error {
  readonly status: unknown;
  readonly headers: unknown;
  readonly error: unknown;
}

type ErrorClass<T extends Error> = abstract new (...args: never[]) => T;

/**
 * The error classes of the SDK behind an adapter. Both official SDKs have these four; each
 * adapter passes its own, so loading one SDK never loads the other.
 */
export interface SdkErrorClasses {
  APIError: ErrorClass<SdkApiError>;
  APIConnectionError: ErrorClass<Error>;
  APIConnectionTimeoutError: ErrorClass<Error>;
  APIUserAbortError: ErrorClass<Error>;
}

/** Who was being called, for error messages. `baseUrl` must already be credential-free. */
export interface CallSite {
  provider: string;
  baseUrl: string;
  /** How to recognise the failures of the SDK making the call. */
  errors: SdkErrorClasses;
}

/** Socket-level failures: the connection was refused, reset or dropped mid-response. */
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** undici's own inactivity limits (5 minutes by default) for headers and body. */
const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** Long HTML error pages from proxies are cut to this many characters in messages. */
const MAX_DETAIL = 300;

function prefix(site: CallSite): string {
  return `${site.provider} (${site.baseUrl})`;
}

/**
 * Runs an adapter's event generator and converts anything it throws into a ProviderError.
 * The SDKs end a stream quietly when the signal fires, so adapters must still check the
 * signal when the stream ends (see `streamEndedEarly`).
 */
export async function* withProviderErrors(
  site: CallSite,
  signal: AbortSignal,
  run: () => AsyncIterable<StreamEvent>,
): AsyncGenerator<StreamEvent> {
  try {
    yield* run();
  } catch (error) {
    throw toProviderError(error, site, signal);
  }
}

/** The error for a stream that ended before its final event: an abort, or a cut stream. */
export function streamEndedEarly(
  site: CallSite,
  signal: AbortSignal,
  expected: string,
): ProviderError {
  if (signal.aborted) return abortedError(site, signal.reason);
  return new ProviderError(
    "stream_cut",
    `${prefix(site)}: the response stream ended before ${expected}`,
  );
}

export function abortedError(site: CallSite, cause?: unknown): ProviderError {
  return new ProviderError("aborted", `${prefix(site)}: request aborted`, { cause });
}

export function toProviderError(
  error: unknown,
  site: CallSite,
  signal: AbortSignal,
): ProviderError {
  if (error instanceof ProviderError) return error;
  // Once the caller has aborted, whatever the SDK or fetch throws is a consequence of that.
  const sdk = site.errors;
  if (signal.aborted || isAbort(error, sdk)) return abortedError(site, error);

  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError("timeout", `${prefix(site)}: no response within the client timeout`, {
      cause: error,
    });
  }
  if (error instanceof sdk.APIConnectionError) return networkError(site, error);
  if (error instanceof sdk.APIError) {
    const status: unknown = error.status;
    const headers: unknown = error.headers;
    if (typeof status === "number") {
      const body = describeBody(error.error);
      // OpenAI's `code` (invalid_api_key, insufficient_quota) says more than its `type`.
      const label = body.code === undefined ? body.type : String(body.code);
      const detail = body.message
        ? `${status}${label ? ` ${label}` : ""}: ${body.message}`
        : error.message;
      const kind = label === "insufficient_quota" ? kindForErrorCode(label) : kindForStatus(status);
      return new ProviderError(kind, `${prefix(site)}: ${clip(detail)}`, {
        status,
        retryAfterMs: hasGet(headers) ? parseRetryAfter((name) => headers.get(name)) : null,
        cause: error,
      });
    }
    // No status: an error the server reported inside a 200 event stream.
    const body = describeBody(error.error);
    return streamErrorEvent(site, body.code ?? body.type, body.message ?? error.message, error);
  }

  const code = socketCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ProviderError("timeout", `${prefix(site)}: no data from the server (${code})`, {
      cause: error,
    });
  }
  if (code !== undefined || isFetchTermination(error)) return networkError(site, error);

  if (error instanceof SyntaxError) {
    return new ProviderError("server", `${prefix(site)}: malformed response: ${error.message}`, {
      cause: error,
    });
  }
  // Anything else is a client-side problem (bad options, a bug): sending it again will not help.
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError("bad_request", `${prefix(site)}: ${clip(message)}`, { cause: error });
}

/**
 * An error event inside a stream (Anthropic `error`, Responses `error` / `response.failed`,
 * an OpenAI-compatible chunk with an `error` field), classified by its type or code.
 */
export function streamErrorEvent(
  site: CallSite,
  typeOrCode: string | number | null | undefined,
  message: string | undefined,
  cause?: unknown,
): ProviderError {
  const kind = kindForErrorCode(typeOrCode);
  const label = typeOrCode === null || typeOrCode === undefined ? "error" : String(typeOrCode);
  const status = typeof typeOrCode === "number" ? typeOrCode : null;
  return new ProviderError(kind, `${prefix(site)}: ${label}: ${clip(message ?? "(no message)")}`, {
    status,
    cause,
  });
}

/** Maps the error types and codes that the three wire formats put in error bodies and events. */
export function kindForErrorCode(
  typeOrCode: string | number | null | undefined,
): ProviderErrorKind {
  if (typeof typeOrCode === "number") return kindForStatus(typeOrCode);
  const numeric = Number(typeOrCode);
  if (typeOrCode && Number.isInteger(numeric) && numeric >= 400 && numeric < 600) {
    return kindForStatus(numeric);
  }
  switch (typeOrCode) {
    case "overloaded_error":
    case "overloaded":
    case "server_is_overloaded":
      return "overloaded";
    case "rate_limit_error":
    case "rate_limit_exceeded":
    case "rate_limit":
      return "rate_limit";
    // OpenAI sends this with status 429, but waiting does not refill an exhausted quota.
    case "insufficient_quota":
      return "bad_request";
    case "authentication_error":
    case "permission_error":
    case "invalid_api_key":
      return "auth";
    case "not_found_error":
    case "model_not_found":
      return "not_found";
    case "invalid_request_error":
    case "invalid_prompt":
    case "request_too_large":
    case "context_length_exceeded":
      return "bad_request";
    case "timeout_error":
      return "timeout";
    default:
      // api_error, server_error and anything unknown: the server failed mid-response.
      return "server";
  }
}

/** Pulls type/code/message out of an error body, whether it is `{error: {...}}` or the inner object. */
function describeBody(body: unknown): { type?: string; code?: string | number; message?: string } {
  const inner = isRecord(body) && isRecord(body.error) ? body.error : body;
  if (!isRecord(inner)) return typeof inner === "string" && inner ? { message: inner } : {};
  return {
    type: typeof inner.type === "string" && inner.type !== "error" ? inner.type : undefined,
    code: typeof inner.code === "string" || typeof inner.code === "number" ? inner.code : undefined,
    message: typeof inner.message === "string" ? inner.message : undefined,
  };
}

/** Response headers, whichever fetch implementation produced them. */
function hasGet(headers: unknown): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown } | null)?.get === "function";
}

function networkError(site: CallSite, error: unknown): ProviderError {
  const code = socketCode(error);
  const root = rootMessage(error);
  const what = code && !root.includes(code) ? `${root} (${code})` : root;
  return new ProviderError("network", `${prefix(site)}: connection failed: ${what}`, {
    cause: error,
  });
}

function isAbort(error: unknown, sdk: SdkErrorClasses): boolean {
  if (error instanceof sdk.APIUserAbortError) return true;
  return error instanceof Error && error.name === "AbortError";
}

/** undici reports a body cut mid-read as `TypeError: terminated`, a failed connect as `fetch failed`. */
function isFetchTermination(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    (error.message === "terminated" || error.message === "fetch failed")
  );
}

/** The first socket error code found along the `cause` chain. */
function socketCode(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || TIMEOUT_CODES.has(code))) {
      return code;
    }
  }
  return undefined;
}

function rootMessage(error: unknown): string {
  const chain = causeChain(error);
  for (let i = chain.length - 1; i >= 0; i--) {
    const message = (chain[i] as { message?: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  return String(error);
}

function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  let current: unknown = error;
  while (
    typeof current === "object" &&
    current !== null &&
    chain.length < 8 &&
    !chain.includes(current)
  ) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > MAX_DETAIL ? `${oneLine.slice(0, MAX_DETAIL)}…` : oneLine;
}
