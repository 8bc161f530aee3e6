// How each provider is configured against the fake server, and how to read tool results back
// out of a recorded request body in that provider's wire format.

export type Wire = "anthropic" | "openai" | "openai-chat";

export const wires: readonly Wire[] = ["anthropic", "openai", "openai-chat"];

export function wireSetup(wire: Wire, url: string): { env: Record<string, string>; model: string } {
  switch (wire) {
    case "anthropic":
      return {
        env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: url },
        model: "anthropic/claude-sonnet-5-5",
      };
    case "openai":
      return {
        env: { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: `${url}/v1` },
        model: "openai/gpt-5",
      };
    case "openai-chat":
      return { env: { OPENAI_BASE_URL: `${url}/v1` }, model: "openai-chat/qwen3-coder" };
    default: {
      const never: never = wire;
      return never;
    }
  }
}

type Json = Record<string, unknown>;

/** The tool results a request sends back, as [call id, output text, is error?]. */
export function toolOutputs(wire: Wire, body: unknown): Array<[string, string, boolean]> {
  const b = body as Json;
  switch (wire) {
    case "anthropic": {
      const messages = b.messages as Array<{ role: string; content: unknown }>;
      return messages.flatMap((m) =>
        Array.isArray(m.content)
          ? (m.content as Json[])
              .filter((c) => c.type === "tool_result")
              .map((c): [string, string, boolean] => [
                String(c.tool_use_id),
                textOf(c.content),
                c.is_error === true,
              ])
          : [],
      );
    }
    case "openai-chat": {
      const messages = b.messages as Json[];
      return messages
        .filter((m) => m.role === "tool")
        .map((m): [string, string, boolean] => [
          String(m.tool_call_id),
          textOf(m.content),
          /error|denied|interrupted/i.test(textOf(m.content)),
        ]);
    }
    case "openai": {
      const input = b.input as Json[];
      return input
        .filter((i) => i.type === "function_call_output")
        .map((i): [string, string, boolean] => [
          String(i.call_id),
          textOf(i.output),
          /error|denied|interrupted/i.test(textOf(i.output)),
        ]);
    }
    default: {
      const never: never = wire;
      return never;
    }
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map((c) => {
        const text = (c as Json).text;
        return typeof text === "string" ? text : "";
      })
      .join("");
  return JSON.stringify(content);
}
