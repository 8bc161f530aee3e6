import { describe, expect, it } from "vitest";
import { ProviderError } from "../providers/provider-error.ts";
import { promptTooLong } from "./prompt-too-long.ts";

const badRequest = (message: string) => new ProviderError("bad_request", message, { status: 400 });

describe("recognising a prompt that is too long", () => {
  it.each([
    [
      "anthropic (https://api.anthropic.com): 400 invalid_request_error: prompt is too long: 208,310 tokens > 200,000 maximum",
      { promptTokens: 208_310, limitTokens: 200_000 },
    ],
    [
      "openai (https://api.openai.com/v1): 400 context_length_exceeded: This model's maximum context length is 128000 tokens. However, your messages resulted in 130500 tokens. Please reduce the length of the messages.",
      { promptTokens: 130_500, limitTokens: 128_000 },
    ],
    [
      "openai (https://api.openai.com/v1): 400 context_length_exceeded: Your input exceeds the context window of this model. Please adjust your input and try again.",
      {},
    ],
    [
      "openai-chat (http://localhost:8000/v1): 400: This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion).",
      { promptTokens: 4_000, limitTokens: 4_096 },
    ],
    [
      "openai-chat (http://localhost:8080/v1): 400 exceed_context_size_error: the request exceeds the available context size, try increasing it",
      {},
    ],
    [
      "anthropic (x): 413 request_too_large: Request exceeds the maximum allowed number of bytes.",
      {},
    ],
  ])("%s", (message, counts) => {
    expect(promptTooLong(badRequest(message))).toEqual(counts);
  });

  it("ignores other failures", () => {
    expect(
      promptTooLong(badRequest("anthropic (x): 400 invalid_request_error: max_tokens: too large")),
    ).toBeUndefined();
    expect(promptTooLong(new ProviderError("server", "500: prompt is too long"))).toBeUndefined();
    expect(promptTooLong(new Error("prompt is too long"))).toBeUndefined();
  });
});
