// The error envelope both OpenAI wires (Chat Completions, Responses) use in HTTP error bodies
// and in-stream error chunks: {"error": {"message", "type", "param", "code"}}.

export interface OpenAiError {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

export function openAiErrorBody(status: number, message: string): { error: OpenAiError } {
  return { error: { message, ...typeAndCode(status), param: null } };
}

/** OpenAI's refusal of a prompt over the context window; the wording differs per API. */
export function openAiContextLengthBody(message: string, param: string): { error: OpenAiError } {
  return {
    error: { message, type: "invalid_request_error", param, code: "context_length_exceeded" },
  };
}

function typeAndCode(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}
