// Recognises a provider refusing a request because the prompt exceeds the model's context
// window, and reads the counts the refusal names. Only wordings the servers are known to use.

import { ProviderError } from "../providers/provider-error.ts";

export interface PromptTooLong {
  /** How long the server says the prompt was, when it says. */
  promptTokens?: number;
  /** The server's limit, when it says. */
  limitTokens?: number;
}

const patterns = [
  // Anthropic: 400 invalid_request_error "prompt is too long: 208310 tokens > 200000 maximum".
  /prompt is too long/i,
  // OpenAI (Chat and Responses), and servers copying its error code.
  /context_length_exceeded/i,
  // OpenAI and vLLM: "This model's maximum context length is 8192 tokens. However, ...".
  /maximum context length is/i,
  // OpenAI Responses: "Your input exceeds the context window of this model."
  /exceeds the context window/i,
  // llama.cpp server: "the request exceeds the available context size".
  /exceeds the available context size/i,
  // Anthropic 413: the body itself is larger than the API accepts.
  /request_too_large/i,
];

export function promptTooLong(error: unknown): PromptTooLong | undefined {
  if (!(error instanceof ProviderError) || error.kind !== "bad_request") return undefined;
  const message = error.message;
  if (!patterns.some((p) => p.test(message))) return undefined;
  const result: PromptTooLong = {};
  const anthropic = /(\d[\d,]*) tokens? > (\d[\d,]*)/.exec(message);
  if (anthropic) {
    result.promptTokens = toInt(anthropic[1]);
    result.limitTokens = toInt(anthropic[2]);
  }
  const limit = /maximum context length is (\d[\d,]*)/i.exec(message);
  if (limit) result.limitTokens = toInt(limit[1]);
  // vLLM counts the requested output too; its "(N in the messages" is the prompt alone.
  const prompt =
    /\((\d[\d,]*) in the messages/i.exec(message) ??
    /(?:resulted in|requested) (\d[\d,]*) tokens/i.exec(message);
  if (prompt && result.promptTokens === undefined) result.promptTokens = toInt(prompt[1]);
  return result;
}

function toInt(text: string | undefined): number | undefined {
  const n = Number((text ?? "").replaceAll(",", ""));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
