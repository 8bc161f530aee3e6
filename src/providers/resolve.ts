// Turns `--model provider/model-id` and the environment into a configured provider.
// Adapters (and so the SDKs) are imported lazily: commands that make no model call never load them.

import { CairnError } from "../core/errors.ts";
import { lookupModel, type ModelInfo } from "./catalog.ts";
import type { ModelPricing } from "./catalog-data.ts";
import type { Provider, ProviderId } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export interface ResolvedModel {
  provider: ProviderId;
  /** The id sent to the provider, without the provider prefix. */
  model: string;
  info: ModelInfo;
  /** Set when the provider is one defined in settings (`providers.<name>`). */
  endpoint?: Endpoint;
}

/** What settings may say about a model the catalog does not know (or knows differently). */
export interface ModelOverride {
  contextWindow?: number;
  maxOutputTokens?: number;
  /** USD per million tokens. */
  inputPrice?: number;
  outputPrice?: number;
}

/** A server defined in settings: one of the wire protocols at a base URL of the user's choosing. */
export interface CustomProvider {
  type: ProviderId;
  baseUrl: string;
  /** Name of the environment variable holding the key; none for servers that need no key. */
  apiKeyEnv?: string;
  headers?: Readonly<Record<string, string>>;
  models?: Readonly<Record<string, ModelOverride>>;
}

export interface Endpoint {
  /** The name the user gave it in settings, for messages. */
  name: string;
  baseUrl: string;
  apiKeyEnv?: string;
  headers: Readonly<Record<string, string>>;
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

export function resolveModel(
  spec: string | undefined,
  env: Env,
  custom: Readonly<Record<string, CustomProvider>> = {},
): ResolvedModel {
  const chosen = nonEmpty(spec) ?? nonEmpty(env.CAIRN_MODEL) ?? defaultModelSpec(env);
  const slash = chosen.indexOf("/");
  const name = slash > 0 ? chosen.slice(0, slash) : undefined;
  const defined = name !== undefined ? custom[name] : undefined;
  if (name !== undefined && defined) {
    const model = chosen.slice(slash + 1);
    if (!model) {
      throw new CairnError(
        "bad_model",
        `--model ${chosen}: no model id after the provider`,
        `e.g. ${name}/<model-id>`,
      );
    }
    return {
      provider: defined.type,
      model,
      info: withOverride(lookupModel(model), defined.models?.[model]),
      endpoint: {
        name,
        baseUrl: defined.baseUrl,
        ...(defined.apiKeyEnv !== undefined ? { apiKeyEnv: defined.apiKeyEnv } : {}),
        headers: { ...defined.headers },
      },
    };
  }
  const { provider, model } = splitSpec(chosen, env, Object.keys(custom));
  return { provider, model, info: lookupModel(model) };
}

function withOverride(info: ModelInfo, override: ModelOverride | undefined): ModelInfo {
  if (!override) return info;
  const pricing: ModelPricing = {
    ...info.pricing,
    ...(override.inputPrice !== undefined
      ? {
          input: override.inputPrice,
          cacheWrite: override.inputPrice * 1.25,
          cacheRead: override.inputPrice * 0.1,
        }
      : {}),
    ...(override.outputPrice !== undefined ? { output: override.outputPrice } : {}),
  };
  return {
    ...info,
    ...(override.contextWindow !== undefined ? { contextWindow: override.contextWindow } : {}),
    ...(override.maxOutputTokens !== undefined
      ? { maxOutputTokens: override.maxOutputTokens }
      : {}),
    pricing,
  };
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

function splitSpec(
  spec: string,
  env: Env,
  customNames: readonly string[],
): { provider: ProviderId; model: string } {
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
        `Use one of ${[...providerIds, ...customNames].map((p) => `${p}/<model-id>`).join(", ")}; ` +
          `for a router such as OpenRouter, openai-chat/${spec}; or define "${prefix}" under "providers" in settings`,
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
  if (resolved.endpoint) return createCustomProvider(resolved, resolved.endpoint, env);
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

/** A settings-defined server: its own base URL, key variable and headers; nothing from the built-in variables. */
async function createCustomProvider(
  resolved: ResolvedModel,
  endpoint: Endpoint,
  env: Env,
): Promise<Provider> {
  let apiKey: string | undefined;
  if (endpoint.apiKeyEnv !== undefined) {
    apiKey = nonEmpty(env[endpoint.apiKeyEnv]);
    if (!apiKey) {
      throw new CairnError(
        "no_provider",
        `--model ${endpoint.name}/${resolved.model} needs ${endpoint.apiKeyEnv}`,
        `export ${endpoint.apiKeyEnv}=... (settings: providers.${endpoint.name}.apiKeyEnv names it)`,
      );
    }
  }
  const options = { baseUrl: endpoint.baseUrl, headers: endpoint.headers };
  switch (resolved.provider) {
    case "anthropic": {
      const { createAnthropicProvider } = await import("./anthropic.ts");
      return createAnthropicProvider({ ...options, apiKey });
    }
    case "openai": {
      const { createOpenAIResponsesProvider } = await import("./openai-responses.ts");
      return createOpenAIResponsesProvider({ ...options, apiKey });
    }
    case "openai-chat": {
      const { createOpenAIChatProvider } = await import("./openai-chat.ts");
      return createOpenAIChatProvider({ ...options, apiKey });
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
