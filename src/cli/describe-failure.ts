// A failed run's error as one line a person can act on: what failed, where, and what to check.
// Shared by print mode (stderr) and the interactive UI (an error notice).

import { ProviderError } from "../providers/index.ts";

/** A provider failure as a person can act on it: what failed, where, and what to check. */
export function describeFailure(error: Error | undefined): string {
  if (!(error instanceof ProviderError)) return error?.message ?? "unknown error";
  const hints: Partial<Record<ProviderError["kind"], string>> = {
    auth: "check that the API key is set and valid for this base URL",
    not_found:
      "check the model id and that the base URL is right (OpenAI-compatible servers usually end in /v1)",
    bad_request: "the server rejected the request; check the model id and the server's limits",
    rate_limit: "rate limited; retries were exhausted, wait and run again",
    overloaded: "the provider is overloaded; retries were exhausted",
    server: "the provider failed; retries were exhausted",
    network: "could not reach the server; check the base URL and your connection",
    stream_cut: "the response stream kept breaking; retries were exhausted",
    timeout: "the server stopped sending data; retries were exhausted",
  };
  const hint = hints[error.kind];
  return hint ? `${error.message} (${hint})` : error.message;
}
