// SDK failures -> ProviderError kinds and messages that name the provider and base URL.

import * as Anthropic from "@anthropic-ai/sdk";
import * as OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { ANTHROPIC_ERRORS } from "./anthropic.ts";
import { OPENAI_ERRORS } from "./openai-client.ts";
import { ProviderError } from "./provider-error.ts";
import { toProviderError } from "./sdk-errors.ts";

const anthropicSite = {
  provider: "anthropic",
  baseUrl: "https://api.anthropic.com",
  errors: ANTHROPIC_ERRORS,
};
const openaiSite = {
  provider: "openai",
  baseUrl: "https://api.openai.com/v1",
  errors: OPENAI_ERRORS,
};
const live = new AbortController().signal;

describe("sdk errors", () => {
  it("names provider, base URL, status, type and message for an HTTP error", () => {
    const error = Anthropic.APIError.generate(
      401,
      { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } },
      undefined,
      new Headers(),
    );
    const mapped = toProviderError(error, anthropicSite, live);
    expect(mapped.kind).toBe("auth");
    expect(mapped.status).toBe(401);
    expect(mapped.message).toBe(
      "anthropic (https://api.anthropic.com): 401 authentication_error: invalid x-api-key",
    );
  });

  it("reads retry-after from a 429 and retry-after-ms in preference", () => {
    const seconds = OpenAI.APIError.generate(
      429,
      { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } },
      undefined,
      new Headers({ "retry-after": "7" }),
    );
    expect(toProviderError(seconds, openaiSite, live)).toMatchObject({
      kind: "rate_limit",
      retryAfterMs: 7000,
    });
    const ms = Anthropic.APIError.generate(
      429,
      { type: "error", error: { type: "rate_limit_error", message: "slow down" } },
      undefined,
      new Headers({ "retry-after": "7", "retry-after-ms": "1500" }),
    );
    expect(toProviderError(ms, anthropicSite, live)).toMatchObject({
      kind: "rate_limit",
      retryAfterMs: 1500,
    });
  });

  it("does not treat an exhausted quota as a rate limit worth waiting for", () => {
    const error = OpenAI.APIError.generate(
      429,
      {
        error: {
          message: "You exceeded your current quota",
          type: "insufficient_quota",
          code: "insufficient_quota",
        },
      },
      undefined,
      new Headers(),
    );
    expect(toProviderError(error, openaiSite, live).kind).toBe("bad_request");
  });

  it("classifies 529, 5xx, 404 and 400", () => {
    const kinds = [529, 503, 404, 400, 413].map(
      (status) =>
        toProviderError(
          Anthropic.APIError.generate(status, undefined, "x", new Headers()),
          anthropicSite,
          live,
        ).kind,
    );
    expect(kinds).toEqual(["overloaded", "server", "not_found", "bad_request", "bad_request"]);
  });

  it("classifies error events inside a stream by their type", () => {
    const overloaded = new Anthropic.APIError(
      undefined,
      { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      undefined,
      undefined,
    );
    const mapped = toProviderError(overloaded, anthropicSite, live);
    expect(mapped.kind).toBe("overloaded");
    expect(mapped.message).toBe(
      "anthropic (https://api.anthropic.com): overloaded_error: Overloaded",
    );
    const apiError = new Anthropic.APIError(
      undefined,
      { type: "error", error: { type: "api_error", message: "Internal" } },
      undefined,
      undefined,
    );
    expect(toProviderError(apiError, anthropicSite, live).kind).toBe("server");
  });

  it("reports connection failures and cut bodies as network errors", () => {
    const refused = new Anthropic.APIConnectionError({
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
    });
    const mapped = toProviderError(refused, anthropicSite, live);
    expect(mapped.kind).toBe("network");
    expect(mapped.message).toContain("ECONNREFUSED");
    const terminated = new TypeError("terminated", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    });
    expect(toProviderError(terminated, openaiSite, live).kind).toBe("network");
  });

  it("reports the SDK's own timeout and undici's body timeout as timeouts", () => {
    expect(toProviderError(new OpenAI.APIConnectionTimeoutError(), openaiSite, live).kind).toBe(
      "timeout",
    );
    const body = new TypeError("terminated", {
      cause: Object.assign(new Error("Body Timeout Error"), { code: "UND_ERR_BODY_TIMEOUT" }),
    });
    expect(toProviderError(body, openaiSite, live).kind).toBe("timeout");
  });

  it("reports anything after an abort as aborted", () => {
    const controller = new AbortController();
    controller.abort();
    expect(toProviderError(new TypeError("terminated"), openaiSite, controller.signal).kind).toBe(
      "aborted",
    );
    expect(toProviderError(new Anthropic.APIUserAbortError(), anthropicSite, live).kind).toBe(
      "aborted",
    );
  });

  it("passes ProviderErrors through untouched", () => {
    const original = new ProviderError("stream_cut", "x");
    expect(toProviderError(original, anthropicSite, live)).toBe(original);
  });
});
