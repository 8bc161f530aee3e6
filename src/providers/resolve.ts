// Turns `--model provider/model-id` and the environment into a configured provider.
// Adapters (and so the SDKs) are imported lazily: commands that make no model call never load them.

import { CairnError } from "../core/errors.ts";
import { lookupModel, type ModelInfo } from "./catalog.ts";
import type { Provider, ProviderId } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface ResolvedModel {
  provider: ProviderId;
  /** The id sent to the provider, without the provider prefix. */
  model: string;
  info: ModelInfo;
}

const providerIds: readonly ProviderId[] = ["anthropic", "openai", "openai-chat"];
const providerAliases: Readonly<Record<string, ProviderId>> = {
  anthropic: "anthropic",
  openai: "openai",
  "openai-responses": "openai",
  "openai-chat": "openai-chat",
};
const modelAliases: Readonly<Record<string, string>> = {
  sonnet: "claude-sonnet-5-5",
  opus: "claude-opus-5-5",
  haiku: "claude-haiku-5-5",
};

export const noProviderHint = [
  "Set one of these and run again:",
  "  export ANTHROPIC_API_KEY=sk-ant-...      # Anthropic; default model anthropic/claude-sonnet-5-5",
  "  export OPENAI_API_KEY=sk-...             # OpenAI; default model openai/gpt-5",
  "  export OPENAI_BASE_URL=http://localhost:11434/v1   # a local OpenAI-compatible server,",
  "    then pass --model openai-chat/<model>  # e.g. openai-chat/qwen3-coder (Ollama, llama.cpp, vLLM, LM Studio)",
].join("\n");

export function resolveModel(spec: string | undefined, env: Env): ResolvedModel {
  const chosen = nonEmpty(spec) ?? nonEmpty(env.CAIRN_MODEL) ?? defaultModelSpec(env);
  const { provider, model } = splitSpec(chosen, env);
  return { provider, model, info: lookupModel(model) };
}

function defaultModelSpec(env: Env): string {
  if (nonEmpty(env.ANTHROPIC_API_KEY) || nonEmpty(env.ANTHROPIC_AUTH_TOKEN)) {
    return `anthropic/${nonEmpty(env.ANTHROPIC_MODEL) ?? "claude-sonnet-5-5"}`;
  }
  if (nonEmpty(env.OPENAI_API_KEY)) return "openai/gpt-5";
  if (nonEmpty(env.OPENAI_BASE_URL)) {
    throw new CairnError(
      "no_provider",
      "OPENAI_BASE_URL is set but no model was chosen",
      "Pass the model your server serves, e.g. --model openai-chat/qwen3-coder",
    );
  }
  throw new CairnError("no_provider", "no model provider is configured", noProviderHint);
}

function splitSpec(spec: string, env: Env): { provider: ProviderId; model: string } {
  const slash = spec.indexOf("/");
  if (slash > 0) {
    const prefix = spec.slice(0, slash);
    const provider = providerAliases[prefix];
    const model = spec.slice(slash + 1);
    if (provider && model) return { provider, model: modelAliases[model] ?? model };
    if (!provider) {
      throw new CairnError(
        "bad_model",
        `unknown provider "${prefix}" in --model ${spec}`,
        `Use one of ${providerIds.map((p) => `${p}/<model-id>`).join(", ")}; for a router such as OpenRouter, openai-chat/${spec}`,
      );
    }
  }
  const model = modelAliases[spec] ?? spec;
  if (/^claude-/.test(model)) return { provider: "anthropic", model };
  if (/^(gpt-|o\d|codex-|chatgpt-)/.test(model)) return { provider: "openai", model };
  if (nonEmpty(env.OPENAI_BASE_URL)) return { provider: "openai-chat", model };
  throw new CairnError(
    "bad_model",
    `cannot tell which provider serves "${spec}"`,
    `Prefix it with the provider: anthropic/${spec}, openai/${spec} or openai-chat/${spec}`,
  );
}

/** Builds the adapter, checking credentials first so the error says exactly what to set. */
export async function createProvider(resolved: ResolvedModel, env: Env): Promise<Provider> {
  switch (resolved.provider) {
    case "anthropic": {
      const apiKey = nonEmpty(env.ANTHROPIC_API_KEY);
      const authToken = nonEmpty(env.ANTHROPIC_AUTH_TOKEN);
      if (!apiKey && !authToken) {
        throw new CairnError(
          "no_provider",
          `--model anthropic/${resolved.model} needs ANTHROPIC_API_KEY`,
          "export ANTHROPIC_API_KEY=sk-ant-... (or ANTHROPIC_AUTH_TOKEN for a gateway that takes a bearer token)",
        );
      }
      const { createAnthropicProvider } = await import("./anthropic.ts");
      return createAnthropicProvider({
        apiKey,
        authToken,
        baseUrl: nonEmpty(env.ANTHROPIC_BASE_URL),
      });
    }
    case "openai":
    case "openai-chat": {
      const baseUrl = nonEmpty(env.OPENAI_BASE_URL);
      const apiKey = nonEmpty(env.OPENAI_API_KEY);
      if (!apiKey && !baseUrl) {
        throw new CairnError(
          "no_provider",
          `--model ${resolved.provider}/${resolved.model} needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)`,
          "export OPENAI_API_KEY=sk-...   or   export OPENAI_BASE_URL=http://localhost:11434/v1",
        );
      }
      // Local servers (Ollama, llama.cpp, vLLM, LM Studio) ignore the key but the SDK requires one.
      const key = apiKey ?? "no-key";
      if (resolved.provider === "openai") {
        const { createOpenAIResponsesProvider } = await import("./openai-responses.ts");
        return createOpenAIResponsesProvider({ apiKey: key, baseUrl });
      }
      const { createOpenAIChatProvider } = await import("./openai-chat.ts");
      return createOpenAIChatProvider({ apiKey: key, baseUrl });
    }
    default: {
      const never: never = resolved.provider;
      return never;
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
