// Assembles an agent from CLI options and the environment: model and provider (with retries),
// tools, permission policy and system prompt. Shared by every CLI front-end.

import { realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { CairnError } from "../core/errors.ts";
import { buildSystemPrompt, createAgent, type Agent, type AskPermission } from "../agent/index.ts";
import {
  createReadDenyFilter,
  parseRule,
  ruleNamesTool,
  splitRuleList,
  type PermissionPolicy,
} from "../permissions/index.ts";
import {
  createProvider,
  defaultRetryPolicy,
  resolveModel,
  withRetries,
  type Env,
  type Provider,
  type ResolvedModel,
  type RetryPolicy,
} from "../providers/index.ts";
import {
  builtinTools,
  createToolSession,
  editStyleFor,
  testTools,
  type Tool,
  type ToolSession,
} from "../tools/index.ts";
import { configureSandbox, createExecutor, sandboxWish } from "../sandbox/index.ts";
import type { CliArgs } from "./args.ts";

export interface Session {
  agent: Agent;
  resolved: ResolvedModel;
  provider: Provider;
  tools: readonly Tool[];
  policy: PermissionPolicy;
  cwd: string;
  /** Dispose when the session ends: it kills background jobs and removes temp files. */
  toolSession: ToolSession;
  /** Which environment variable supplied the credential ("none" for keyless local servers). */
  apiKeySource: string;
  /** One line for stderr when Bash runs without a sandbox because none is available. */
  sandboxWarning?: string;
}

export async function resolveCwd(requested: string | undefined, base: string): Promise<string> {
  const cwd = resolve(base, requested ?? ".");
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new CairnError(
      "bad_flag",
      `--cwd ${requested ?? cwd}: no such directory`,
      `Checked ${cwd}`,
    );
  }
  // The workspace root is a real path, so boundary checks on resolved paths compare like with like.
  return realpath(cwd);
}

/** The policy from the flags; `/path` patterns in CLI rules anchor at the workspace root. */
export function buildPolicy(args: CliArgs, cwd: string): PermissionPolicy {
  const mode = args.dangerouslySkipPermissions
    ? "bypassPermissions"
    : (args.permissionMode ?? "default");
  return {
    mode,
    allow: splitRuleList(args.allowedTools).map((r) => parseRule(r, "--allowedTools", cwd)),
    ask: [],
    deny: splitRuleList(args.disallowedTools).map((r) => parseRule(r, "--disallowedTools", cwd)),
  };
}

/** A bare tool name in the deny list removes the tools it names from what the model is offered. */
function availableTools(all: readonly Tool[], policy: PermissionPolicy): Tool[] {
  const bare = policy.deny.filter((r) => r.specifier === undefined);
  return all.filter((t) => !bare.some((rule) => ruleNamesTool(rule, t.name)));
}

export async function createSession(
  args: CliArgs,
  env: Env,
  cwd: string,
  askPermission: AskPermission | undefined,
): Promise<Session> {
  const policy = buildPolicy(args, cwd);
  const resolved = resolveModel(args.model, env);
  const provider = withRetries(await createProvider(resolved, env), retryPolicy(env));
  const tools = availableTools(
    [
      ...builtinTools(editStyleFor(resolved.provider, resolved.model)),
      ...(env.CAIRN_TEST_TOOLS === "1" ? testTools : []),
    ],
    policy,
  );
  const thinkingBudget = envInt(env, "MAX_THINKING_TOKENS", 0) || undefined;
  const home = homedir();
  const wish = sandboxWish(args, env);
  // Probing bubblewrap runs it once (~10 ms); without the Bash tool there is nothing to confine.
  const sandbox = tools.some((tool) => tool.name === "Bash")
    ? await configureSandbox({ wish, platform: process.platform, env, network: "none" })
    : { executor: createExecutor({ mode: "none" }) };
  const toolSession = createToolSession(
    { root: cwd, additionalDirs: [] },
    {
      readDeny: createReadDenyFilter(policy.deny, {
        cwd,
        home: await realpath(home).catch(() => home),
        platform: process.platform,
      }),
      home,
      platform: process.platform,
      executor: sandbox.executor,
    },
  );
  const agent = createAgent({
    provider,
    model: { ...resolved.info, id: resolved.model },
    system: buildSystemPrompt({
      cwd,
      platform: process.platform,
      ...(args.systemPrompt !== undefined ? { replace: args.systemPrompt } : {}),
      ...(args.appendSystemPrompt !== undefined ? { append: args.appendSystemPrompt } : {}),
    }),
    tools,
    policy,
    ...(askPermission ? { askPermission } : {}),
    toolSession,
    ...(args.maxTurns !== undefined ? { maxTurns: args.maxTurns } : {}),
    ...(thinkingBudget !== undefined ? { thinkingBudget } : {}),
    ...maxTokensFor(resolved, thinkingBudget),
  });
  return {
    agent,
    resolved,
    provider,
    tools,
    policy,
    cwd,
    toolSession,
    apiKeySource: apiKeySource(resolved, env),
    ...(sandbox.warning !== undefined ? { sandboxWarning: sandbox.warning } : {}),
  };
}

/** Anthropic requires max_tokens; OpenAI-style servers choose their own unless told. */
function maxTokensFor(
  resolved: ResolvedModel,
  thinkingBudget: number | undefined,
): { maxTokens?: number } {
  if (resolved.provider !== "anthropic") return {};
  const base = Math.min(resolved.info.maxOutputTokens, 32_000);
  if (thinkingBudget === undefined) return { maxTokens: base };
  // Room to answer after thinking, within what the model can produce at all.
  return {
    maxTokens: Math.min(resolved.info.maxOutputTokens, Math.max(base, thinkingBudget + 4_096)),
  };
}

function apiKeySource(resolved: ResolvedModel, env: Env): string {
  const candidates =
    resolved.provider === "anthropic"
      ? ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"]
      : ["OPENAI_API_KEY"];
  return candidates.find((name) => env[name]?.trim()) ?? "none";
}

function retryPolicy(env: Env): RetryPolicy {
  return {
    ...defaultRetryPolicy,
    maxRetries: envInt(env, "CAIRN_MAX_RETRIES", defaultRetryPolicy.maxRetries),
    baseDelayMs: envInt(env, "CAIRN_RETRY_BASE_MS", defaultRetryPolicy.baseDelayMs),
    idleTimeoutMs: envInt(env, "CAIRN_STREAM_IDLE_TIMEOUT_MS", defaultRetryPolicy.idleTimeoutMs),
  };
}

function envInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new CairnError(
      "bad_flag",
      `${name}=${raw}: expected a whole number`,
      `unset ${name} or set it to e.g. 10`,
    );
  }
  return Number(raw.trim());
}
