// The OpenAI SDK client both OpenAI adapters (Chat Completions, Responses) use: credentials and
// base URL only from the options, never from the environment, and no retries of its own.

import OpenAI from "openai";
import type { SdkErrorClasses } from "./sdk-errors.ts";

export const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Time allowed until response headers; a local model may read a long prompt for minutes. */
const CLIENT_TIMEOUT_MS = 10 * 60 * 1000;

export interface OpenAIProviderOptions {
  apiKey?: string;
  baseUrl?: string;
  /** Extra headers on every request (a gateway's own auth or routing headers). */
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
}

export const OPENAI_ERRORS: SdkErrorClasses = {
  APIError: OpenAI.APIError,
  APIConnectionError: OpenAI.APIConnectionError,
  APIConnectionTimeoutError: OpenAI.APIConnectionTimeoutError,
  APIUserAbortError: OpenAI.APIUserAbortError,
};

/** `baseURL` is the normalised form of `opts.baseUrl` (see endpoint.ts). */
export function createOpenAIClient(opts: OpenAIProviderOptions, baseURL: string): OpenAI {
  return new OpenAI({
    // The SDK refuses to start without a key; local servers need none, so then send none.
    apiKey: opts.apiKey || "unused",
    // Explicit nulls keep the SDK from reading OPENAI_ORG_ID and friends from the environment.
    adminAPIKey: null,
    organization: null,
    project: null,
    webhookSecret: null,
    baseURL,
    maxRetries: 0,
    timeout: CLIENT_TIMEOUT_MS,
    // SDK logs would land on stdout, which print mode reserves; failures surface as errors.
    logLevel: "off",
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    defaultHeaders: { ...opts.headers, ...(opts.apiKey ? {} : { Authorization: null }) },
  });
}
