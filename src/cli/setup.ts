// Assembles an agent from CLI options and the environment: model and provider (with retries),
// tools, permission policy and system prompt. Shared by every CLI front-end.

import { readFile, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { relative, resolve, sep } from "node:path";
import { CairnError } from "../core/errors.ts";
import {
  buildSystemPrompt,
  createAgent,
  type Agent,
  type AgentConfig,
  type AskPermission,
} from "../agent/index.ts";
import {
  createReadDenyFilter,
  parseRule,
  ruleNamesTool,
  splitRuleList,
  type PermissionPolicy,
  type Rule,
} from "../permissions/index.ts";
import {
  createProvider,
  defaultRetryPolicy,
  resolveModel,
  withRetries,
  type CustomProvider,
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
  type ToolSessionOptions,
} from "../tools/index.ts";
import {
  configureSandbox,
  createExecutor,
  sandboxWish,
  type SandboxSetup,
} from "../sandbox/index.ts";
import {
  cairnHome,
  isTrusted,
  loadSettings,
  parseSettingsText,
  runApiKeyHelper,
  settingsDirectories,
  settingsRules,
  type LoadedSettings,
  type Settings,
} from "../config/index.ts";
import {
  extensionFolders,
  loadSessionPrompts,
  mcpPromptSource,
  type ExtensionRoots,
  type PromptCommand,
  type PromptExpansion,
  type SessionPrompts,
} from "../extensions/index.ts";
import type { HookMessage, HookService } from "../hooks/index.ts";
import {
  createTaskTool,
  loadAgentDefinitions,
  type AgentDefinition,
} from "../extensions/agents/index.ts";
import type { McpManager } from "../mcp/index.ts";
import type { CliArgs } from "./args.ts";
import { liveToolList, loadMcp } from "./mcp-setup.ts";

export interface Session {
  agent: Agent;
  resolved: ResolvedModel;
  provider: Provider;
  /** The tools on offer now (MCP tools come and go as servers connect). */
  readonly tools: readonly Tool[];
  /** The session's MCP servers, when any are configured; closed by closeSession. */
  mcp?: McpManager;
  /** The policy in force; the agent reads it before each decision (see `setPolicy`). */
  readonly policy: PermissionPolicy;
  cwd: string;
  /** Dispose when the session ends: it kills background jobs and removes temp files. */
  toolSession: ToolSession;
  /** Which environment variable supplied the credential ("none" for keyless local servers). */
  apiKeySource: string;
  /** One line for stderr when Bash runs without a sandbox because none is available. */
  sandboxWarning?: string;
  /** Settings as loaded (layers, effective values); their warnings are in `warnings`. */
  settings: LoadedSettings;
  /** Lines for stderr: settings problems that did not stop the run, untrusted keys ignored. */
  warnings: string[];
  /** The environment the session runs with: the process's, plus the settings' `env`. */
  env: Env;
  /**
   * Replaces the policy from the agent's next permission decision on, even mid-run: the
   * interactive UI's mode switch and "allow for this session" answers. Shared by every agent
   * `withAgent` makes.
   */
  setPolicy(policy: PermissionPolicy): void;
  /**
   * The same session (tool session, settings, policy) with a new agent: another model (`/model`),
   * another checkpoint hook (a new transcript after `/clear`) or other memory text. The old agent
   * must not be running.
   */
  withAgent(changes: AgentChanges): Promise<Session>;
  /** The settings' hooks; absent when none are configured or `disableAllHooks` is set. */
  hooks?: HookService;
  /** Custom commands and skills (src/extensions): the `/name` registry and the rules they grant. */
  prompts: SessionPrompts;
  /** The subagent types the Task tool offers (built-ins and agent files). */
  agentTypes: readonly string[];
  /**
   * Expands `/name args` with this session's tools and policy: its `!` commands run now, if the
   * policy plus the command's allowed-tools allow them. The caller runs the prompt with
   * `prompts.grant(expansion.allow)` in force and, for `expansion.model`, `withAgent`.
   */
  expandPrompt(command: PromptCommand, args: string, signal: AbortSignal): Promise<PromptExpansion>;
}

export interface AgentChanges {
  /** A `--model` spec; absent keeps the model and provider. */
  model?: string;
  /** Replaces the checkpoint hook; `null` removes it. */
  checkpoints?: AgentConfig["checkpoints"] | null;
  /** Replaces the memory files' text in the system prompt. */
  memory?: string;
}

/** What the caller adds to a session: things that live beside it (transcript, checkpoints, memory). */
export interface SessionExtras {
  checkpoints?: AgentConfig["checkpoints"];
  /** Appended to the system prompt: the memory files' text. */
  memory?: string;
  /** Tells the agent which nested memory files join when a tool touches a folder. */
  onPathsTouched?: AgentConfig["onPathsTouched"];
  /** The session hooks run in (their `session_id`, `transcript_path`), read at each event. */
  hookSession?: () => { sessionId: string; transcriptPath: string | undefined };
  /** Where hooks' lines for the person go (systemMessage, failures); dropped when absent. */
  onHookMessage?: (message: HookMessage) => void;
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

/**
 * The policy from the flags and settings. `/path` patterns anchor at the workspace root; a rule
 * from a settings file says which file it came from, so a decision names where to change it.
 */
export function buildPolicy(
  args: CliArgs,
  cwd: string,
  settings?: LoadedSettings,
  home = homedir(),
): PermissionPolicy {
  const permissions = settings?.effective.permissions;
  const mode = args.dangerouslySkipPermissions
    ? "bypassPermissions"
    : (args.permissionMode ?? permissions?.defaultMode ?? "default");
  if (
    settings &&
    mode === "bypassPermissions" &&
    permissions?.disableBypassPermissionsMode === "disable"
  ) {
    throw new CairnError(
      "bad_config",
      "bypassPermissions is disabled by settings (permissions.disableBypassPermissionsMode)",
      `Choose another --permission-mode; the setting is in ${settingsSourceOf(settings, "disableBypassPermissionsMode").join(", ")}`,
    );
  }
  const fromFiles = settings
    ? settingsRules(settings, parseRule)
    : { allow: [], ask: [], deny: [] };
  const labelled = (rules: typeof fromFiles.allow): Rule[] =>
    rules.map(({ origin, ...rule }) => ({
      ...rule,
      source: `${rule.source} (${shortPath(origin, cwd, home)})`,
    }));
  return {
    mode,
    allow: [
      ...splitRuleList(args.allowedTools).map((r) => parseRule(r, "--allowedTools", cwd)),
      ...labelled(fromFiles.allow),
    ],
    ask: labelled(fromFiles.ask),
    deny: [
      ...splitRuleList(args.disallowedTools).map((r) => parseRule(r, "--disallowedTools", cwd)),
      ...labelled(fromFiles.deny),
    ],
  };
}

function settingsSourceOf(settings: LoadedSettings, key: string): string[] {
  return settings.layers
    .filter(
      (layer) =>
        layer.settings.permissions?.[key as keyof typeof layer.settings.permissions] !== undefined,
    )
    .map((layer) => layer.path);
}

/** A file path as people read it: relative to the workspace, or to home, or absolute. */
function shortPath(path: string, cwd: string, home: string): string {
  const inside = relative(cwd, path);
  if (inside !== "" && !inside.startsWith("..") && !inside.startsWith(sep)) return inside;
  const inHome = relative(home, path);
  if (inHome !== "" && !inHome.startsWith("..") && !inHome.startsWith(sep)) return `~/${inHome}`;
  return path;
}

/** `--settings`: a JSON file's path, or the JSON itself (it starts with `{`). */
async function settingsFromFlag(
  value: string | undefined,
  cwd: string,
): Promise<Settings | undefined> {
  if (value === undefined) return undefined;
  const inline = value.trimStart().startsWith("{");
  const file = inline ? "--settings" : resolve(cwd, value);
  let text = value;
  if (!inline) {
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CairnError(
        "bad_flag",
        `--settings ${value}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        'Pass a settings JSON file or the JSON itself, e.g. --settings \'{"model":"sonnet"}\'',
      );
    }
  }
  return parseSettingsText(text, file).settings;
}

/** Loads every settings layer for the workspace; a repository's own files count only once trusted. */
export async function loadSessionSettings(
  args: CliArgs,
  env: Env,
  cwd: string,
): Promise<LoadedSettings> {
  const home = homedir();
  const cairn = cairnHome(env);
  const claudeHome = env.CLAUDE_CONFIG_DIR?.trim();
  return loadSettings({
    workspaceRoot: cwd,
    home,
    cairnHome: cairn,
    ...(claudeHome ? { claudeHome: resolve(claudeHome) } : {}),
    trusted: args.trust || (await isTrusted(cwd, cairn)),
    ...(args.settings !== undefined ? { cli: await settingsFromFlag(args.settings, cwd) } : {}),
  });
}

/** Folders from --add-dir and permissions.additionalDirectories, each checked to exist. */
export async function extraDirectories(
  args: CliArgs,
  cwd: string,
  settings: LoadedSettings,
): Promise<string[]> {
  const wanted = [
    ...args.addDir.map((dir) => ({ dir: resolve(cwd, dir), from: `--add-dir ${dir}` })),
    ...settingsDirectories(settings, homedir()).map((dir) => ({
      dir,
      from: `permissions.additionalDirectories (${dir})`,
    })),
  ];
  const found: string[] = [];
  for (const { dir, from } of wanted) {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new CairnError("bad_flag", `${from}: no such directory`, `Checked ${dir}`);
    }
    const real = await realpath(dir);
    if (real !== cwd && !found.includes(real)) found.push(real);
  }
  return found;
}

/** A bare tool name in the deny list removes the tools it names from what the model is offered. */
export function availableTools(all: readonly Tool[], policy: PermissionPolicy): Tool[] {
  return all.filter((t) => offersTool(policy, t.name));
}

/** Whether a tool of this name is in the model's list: not removed by a deny rule naming it whole. */
function offersTool(policy: PermissionPolicy, name: string): boolean {
  return !policy.deny.some((rule) => rule.specifier === undefined && ruleNamesTool(rule, name));
}

/**
 * The tool session of the folder a session (or `cairn mcp serve`) works in: the workspace with
 * its extra folders, the read-deny filter of the policy, the sandbox's executor, the env.
 */
export async function folderToolSession(
  args: CliArgs,
  cwd: string,
  settings: LoadedSettings,
  policy: PermissionPolicy,
  env: Env,
  executor: ToolSessionOptions["executor"],
): Promise<ToolSession> {
  const home = homedir();
  return createToolSession(
    { root: cwd, additionalDirs: await extraDirectories(args, cwd, settings) },
    {
      readDeny: createReadDenyFilter(policy.deny, {
        cwd,
        home: await realpath(home).catch(() => home),
        platform: process.platform,
      }),
      home,
      platform: process.platform,
      executor,
      env: { ...env },
    },
  );
}

export async function createSession(
  args: CliArgs,
  processEnv: Env,
  cwd: string,
  askPermission: AskPermission | undefined,
  extras: SessionExtras = {},
): Promise<Session> {
  const settings = await loadSessionSettings(args, processEnv, cwd);
  const effective = settings.effective;
  // The settings' `env` applies to the whole session: cairn's own variables and commands alike.
  const env: Env = { ...processEnv, ...effective.env };
  let policy = buildPolicy(args, cwd, settings);
  const hooks = await loadHooks(effective, env, cwd, () => policy.mode, extras);
  const home = homedir();
  const promptWarnings: string[] = [];
  const claudeHome = env.CLAUDE_CONFIG_DIR?.trim();
  const roots: ExtensionRoots = {
    workspaceRoot: cwd,
    home,
    cairnHome: cairnHome(env),
    ...(claudeHome ? { claudeHome: resolve(claudeHome) } : {}),
    trusted: settings.trusted,
  };
  // Subagent definitions: the built-ins, and `agents/*.md` (the project's only when trusted),
  // read while the model connects.
  const agentsLoading = loadAgentDefinitions(extensionFolders("agents", roots), (message) =>
    promptWarnings.push(message),
  );
  // Awaited below; if connecting fails first, its failure is the one reported.
  agentsLoading.catch(() => undefined);
  // Probing bubblewrap runs it once (~10 ms, spent waiting on the child): started now, it runs
  // while the model's SDK loads. Without the Bash tool there is nothing to confine.
  // sandbox.network.allowedDomains lets commands reach those hosts through cairn's proxy, which
  // starts with the first command that could use it.
  const sandboxReady = offersTool(policy, "Bash")
    ? configureSandbox({
        wish: sandboxWish(args, env, effective.sandbox?.enabled),
        platform: process.platform,
        env,
        network: networkSettings(effective),
      })
    : Promise.resolve<SandboxSetup>({ executor: createExecutor({ mode: "none" }) });
  sandboxReady.catch(() => undefined);
  const [model, prompts] = await Promise.all([
    connect(args.model ?? effective.model, env, settings, cwd),
    loadSessionPrompts({
      roots,
      env,
      warn: (message) => promptWarnings.push(message),
    }),
  ]);
  const agentDefinitions = await agentsLoading;
  const sandbox = await sandboxReady;
  const toolSession = await folderToolSession(args, cwd, settings, policy, env, sandbox.executor);
  // Servers connect in the background; print mode waits for them, the TUI does not.
  const mcp = await loadMcp({
    args,
    env,
    settings,
    cwd,
    roots: [toolSession.workspace.root, ...toolSession.workspace.additionalDirs],
    contextWindow: model.resolved.info.contextWindow,
  });
  // The servers' prompts become `/mcp__<server>__<prompt>` commands as they connect.
  if (mcp) prompts.addSource(mcpPromptSource(mcp));
  const shared = {
    ...(mcp ? { mcp } : {}),
    args,
    cwd,
    env,
    settings,
    toolSession,
    askPermission,
    policy: () => policy,
    setPolicy: (next: PermissionPolicy) => {
      policy = next;
    },
    ...(sandbox.warning !== undefined ? { sandboxWarning: sandbox.warning } : {}),
    ...(hooks ? { hooks } : {}),
    prompts,
    promptWarnings,
    agentDefinitions,
  };
  return assemble(shared, model, extras);
}

/** What every agent of one session shares. */
interface SharedParts {
  mcp?: McpManager;
  args: CliArgs;
  cwd: string;
  env: Env;
  settings: LoadedSettings;
  toolSession: ToolSession;
  askPermission: AskPermission | undefined;
  policy: () => PermissionPolicy;
  setPolicy: (policy: PermissionPolicy) => void;
  sandboxWarning?: string;
  hooks?: HookService;
  prompts: SessionPrompts;
  /** Custom commands and skills skipped for a bad file. */
  promptWarnings: readonly string[];
  /** Subagent definitions for the Task tool (built-ins and agent files). */
  agentDefinitions: readonly AgentDefinition[];
}

interface Connection {
  resolved: ResolvedModel;
  provider: Provider;
  apiKeySource: string;
}

/** The model a spec names, and a provider (with retries) to reach it. */
async function connect(
  spec: string | undefined,
  env: Env,
  settings: LoadedSettings,
  cwd: string,
): Promise<Connection> {
  const effective = settings.effective;
  const helper = effective.apiKeyHelper;
  const resolved = resolveModel(
    spec,
    helper !== undefined && !hasAnyKey(env) ? { ...env, ANTHROPIC_API_KEY: "(apiKeyHelper)" } : env,
    customProviders(effective),
  );
  const providerEnv =
    helper !== undefined
      ? { ...env, [keyVariable(resolved)]: await runApiKeyHelper(helper, { cwd, env: { ...env } }) }
      : env;
  const provider = withRetries(await createProvider(resolved, providerEnv), retryPolicy(env));
  return {
    resolved,
    provider,
    apiKeySource: helper !== undefined ? "apiKeyHelper" : apiKeySource(resolved, env),
  };
}

function toolsFor(
  resolved: ResolvedModel,
  env: Env,
  policy: () => PermissionPolicy,
  prompts: SessionPrompts,
  task?: Tool,
): Tool[] {
  // A skill's `!` commands run through the Bash tool offered to the model, if it is offered.
  let offered: Tool[] = [];
  // No skill the model may use: no Skill tool, and the request stays as it was.
  const skill = prompts.skillTool(resolved.info.contextWindow, {
    policy,
    bash: () => offered.find((tool) => tool.name === "Bash"),
  });
  offered = availableTools(
    [
      ...builtinTools(editStyleFor(resolved.provider, resolved.model)),
      ...(skill ? [skill] : []),
      ...(task ? [task] : []),
      ...(env.CAIRN_TEST_TOOLS === "1" ? testTools : []),
    ],
    policy(),
  );
  return offered;
}

/** An agent for `model` over the shared parts, and the Session that describes it. */
function assemble(shared: SharedParts, model: Connection, extras: SessionExtras): Session {
  const { args, cwd, env, toolSession } = shared;
  const { resolved, provider } = model;
  // The Task tool reads this agent's configuration when a call runs (it is made before it).
  let parentConfig: AgentConfig | undefined;
  const task = createTaskTool({
    definitions: shared.agentDefinitions,
    parent: () => {
      if (!parentConfig) throw new Error("the Task tool ran before its agent was made");
      return parentConfig;
    },
    connect: async (spec) => {
      const child = await connect(spec, env, shared.settings, cwd);
      return {
        provider: child.provider,
        model: { ...child.resolved.info, id: child.resolved.model },
        ...maxTokensFor(child.resolved, thinkingBudget),
      };
    },
    cwd,
    platform: process.platform,
  });
  const tools = toolsFor(resolved, env, shared.policy, shared.prompts, task);
  const agentTools = shared.mcp
    ? liveToolList(
        tools,
        shared.mcp,
        shared.policy,
        (tool, policy) => !offersTool(policy, tool.name),
      )
    : tools;
  const thinkingBudget = envInt(env, "MAX_THINKING_TOKENS", 0) || undefined;
  const agent = createAgent(
    (parentConfig = {
      provider,
      model: { ...resolved.info, id: resolved.model },
      system: buildSystemPrompt({
        cwd,
        platform: process.platform,
        ...(args.systemPrompt !== undefined ? { replace: args.systemPrompt } : {}),
        ...(args.appendSystemPrompt !== undefined ? { append: args.appendSystemPrompt } : {}),
        ...(extras.memory ? { memory: extras.memory } : {}),
      }),
      tools: agentTools,
      // Rules a used skill or a running command grants join the session's allow rules.
      policy: () => shared.prompts.withGrants(shared.policy()),
      ...(shared.askPermission ? { askPermission: shared.askPermission } : {}),
      toolSession,
      ...(args.maxTurns !== undefined ? { maxTurns: args.maxTurns } : {}),
      ...(thinkingBudget !== undefined ? { thinkingBudget } : {}),
      ...maxTokensFor(resolved, thinkingBudget),
      compaction: compactionSettings(shared.settings.effective, env),
      ...(extras.checkpoints ? { checkpoints: extras.checkpoints } : {}),
      ...(extras.onPathsTouched ? { onPathsTouched: extras.onPathsTouched } : {}),
      ...(shared.hooks ? { hooks: shared.hooks } : {}),
    }),
  );
  return {
    agent,
    resolved,
    provider,
    get tools() {
      return typeof agentTools === "function" ? agentTools() : agentTools;
    },
    ...(shared.mcp ? { mcp: shared.mcp } : {}),
    get policy() {
      return shared.policy();
    },
    cwd,
    toolSession,
    apiKeySource: model.apiKeySource,
    ...(shared.sandboxWarning !== undefined ? { sandboxWarning: shared.sandboxWarning } : {}),
    settings: shared.settings,
    warnings: [
      ...shared.settings.warnings,
      ...shared.promptWarnings,
      ...(shared.hooks?.warnings ?? []),
    ],
    ...(shared.hooks ? { hooks: shared.hooks } : {}),
    env,
    setPolicy: shared.setPolicy,
    prompts: shared.prompts,
    agentTypes: shared.agentDefinitions.map((d) => d.name),
    expandPrompt: (command, promptArgs, signal) =>
      shared.prompts.expand(command, promptArgs, {
        toolSession,
        policy: () => shared.prompts.withGrants(shared.policy()),
        bash: tools.find((tool) => tool.name === "Bash"),
        signal,
      }),
    async withAgent(changes) {
      const next =
        changes.model !== undefined
          ? await connect(changes.model, env, shared.settings, cwd)
          : model;
      const { checkpoints: _old, ...kept } = extras;
      const checkpoints =
        changes.checkpoints === undefined ? extras.checkpoints : (changes.checkpoints ?? undefined);
      return assemble(shared, next, {
        ...kept,
        ...(checkpoints ? { checkpoints } : {}),
        ...(changes.memory !== undefined ? { memory: changes.memory } : {}),
      });
    },
  };
}

/**
 * The hooks service, loaded only when settings configure hooks and `disableAllHooks` is not set:
 * a session without hooks pays nothing for them.
 */
export async function loadHooks(
  effective: Settings,
  env: Env,
  cwd: string,
  permissionMode: () => string,
  extras: SessionExtras,
): Promise<HookService | undefined> {
  const configured = effective.hooks;
  if (effective.disableAllHooks === true || configured === undefined) return undefined;
  if (Object.values(configured).every((groups) => groups.length === 0)) return undefined;
  const { createHookService } = await import("../hooks/index.ts");
  return createHookService({
    hooks: configured,
    projectDir: cwd,
    env,
    session: extras.hookSession ?? (() => ({ sessionId: "", transcriptPath: undefined })),
    permissionMode,
    onMessage: extras.onHookMessage ?? (() => undefined),
  });
}

/** `sandbox.network`, with `allow` read as more `allowedDomains`. */
export function networkSettings(settings: Settings): {
  allowedDomains?: string[];
  deniedDomains?: string[];
} {
  const network = settings.sandbox?.network;
  const allowed = [...(network?.allowedDomains ?? []), ...(network?.allow ?? [])];
  return {
    ...(allowed.length > 0 ? { allowedDomains: allowed } : {}),
    ...(network?.deniedDomains ? { deniedDomains: network.deniedDomains } : {}),
  };
}

function customProviders(settings: Settings): Record<string, CustomProvider> {
  const types = {
    anthropic: "anthropic",
    "openai-chat": "openai-chat",
    "openai-responses": "openai",
  } as const;
  return Object.fromEntries(
    Object.entries(settings.providers ?? {}).map(([name, p]) => [
      name,
      {
        type: types[p.type],
        baseUrl: p.baseUrl,
        ...(p.apiKeyEnv !== undefined ? { apiKeyEnv: p.apiKeyEnv } : {}),
        ...(p.headers !== undefined ? { headers: p.headers } : {}),
        ...(p.models !== undefined ? { models: p.models } : {}),
      },
    ]),
  );
}

function hasAnyKey(env: Env): boolean {
  return ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY"].some((k) =>
    env[k]?.trim(),
  );
}

/** The variable the chosen provider reads its key from, which apiKeyHelper's output fills. */
function keyVariable(resolved: ResolvedModel): string {
  if (resolved.endpoint?.apiKeyEnv !== undefined) return resolved.endpoint.apiKeyEnv;
  return resolved.provider === "anthropic" ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY";
}

/** Auto-compaction: settings, then CAIRN_AUTOCOMPACT_PCT / DISABLE_AUTO_COMPACT from the environment. */
function compactionSettings(settings: Settings, env: Env): { enabled: boolean; threshold: number } {
  const disabled = env.DISABLE_AUTO_COMPACT === "1" || settings.autoCompactEnabled === false;
  const pct = env.CAIRN_AUTOCOMPACT_PCT_OVERRIDE ?? env.CLAUDE_AUTOCOMPACT_PCT_OVERRIDE;
  let threshold = settings.autoCompactThreshold ?? 0.8;
  if (pct !== undefined && pct.trim() !== "") {
    const value = Number(pct);
    if (!Number.isFinite(value) || value < 1 || value > 100) {
      throw new CairnError(
        "bad_flag",
        `CAIRN_AUTOCOMPACT_PCT_OVERRIDE=${pct}: expected a percentage between 1 and 100`,
        "e.g. CAIRN_AUTOCOMPACT_PCT_OVERRIDE=70 compacts when the conversation fills 70 % of the window",
      );
    }
    threshold = value / 100;
  }
  return { enabled: !disabled, threshold };
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
