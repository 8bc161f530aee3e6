// The shape of one settings file (`.cairn/settings.json` and friends, Claude Code's keys plus
// cairn's own), as a zod schema. Reading files, merging layers and trust are other files' jobs.

import * as z from "zod/mini";
import type { PermissionMode } from "../../permissions/index.ts";

/**
 * Claude Code's mode names. Spelled out here rather than imported: config sits below permissions
 * (tools import config), so only a type may cross; the checks below keep the two lists equal.
 */
export const settingsModes = [
  "default",
  "acceptEdits",
  "plan",
  "dontAsk",
  "bypassPermissions",
] as const satisfies readonly PermissionMode[];
// A compile error here means permissions gained a mode settings files cannot name yet.
const everyModeNamed: [PermissionMode] extends [(typeof settingsModes)[number]] ? true : never =
  true;
void everyModeNamed;

const strings = z.array(z.string());

const modeSchema = z.pipe(
  z.pipe(
    z.string(),
    // The UI calls the default mode "Manual"; files written by hand sometimes do too.
    z.transform((mode: string) => (mode === "manual" ? "default" : mode)),
  ),
  z.enum(settingsModes),
);

export const permissionsSchema = z.strictObject({
  allow: z.optional(strings),
  ask: z.optional(strings),
  deny: z.optional(strings),
  defaultMode: z.optional(modeSchema),
  additionalDirectories: z.optional(strings),
  disableBypassPermissionsMode: z.optional(z.literal("disable")),
});

/** A handler cairn can run today. Loose: Claude Code keeps adding optional fields (`if`, …). */
const commandHookSchema = z.looseObject({
  type: z.literal("command"),
  command: z.string().check(z.minLength(1, "expected a command to run")),
  /** Seconds. */
  timeout: z.optional(z.number().check(z.positive("expected a positive number of seconds"))),
});

/** Handler types Claude Code documents that cairn does not run yet: accepted, not validated. */
const otherHookSchema = z.looseObject({
  type: z.enum(["http", "prompt", "agent", "mcp_tool"]),
});

export const hookMatcherSchema = z.looseObject({
  matcher: z.optional(z.string()),
  hooks: z.array(z.discriminatedUnion("type", [commandHookSchema, otherHookSchema])),
});

/** Event name (`PreToolUse`, `Stop`…) → matcher groups. Event names are not checked here. */
const hooksSchema = z.record(z.string(), z.array(hookMatcherSchema));

export const sandboxNetworkSchema = z.strictObject({
  allowedDomains: z.optional(strings),
  /** Short for allowedDomains (the two lists add up). */
  allow: z.optional(strings),
  deniedDomains: z.optional(strings),
  allowUnixSockets: z.optional(z.unknown()),
  allowLocalBinding: z.optional(z.boolean()),
  httpProxyPort: z.optional(z.number().check(z.int())),
  socksProxyPort: z.optional(z.number().check(z.int())),
});

export const sandboxFilesystemSchema = z.strictObject({
  allowWrite: z.optional(strings),
  denyWrite: z.optional(strings),
  denyRead: z.optional(strings),
  allowRead: z.optional(strings),
});

export const sandboxSchema = z.strictObject({
  enabled: z.optional(z.boolean()),
  autoAllowBashIfSandboxed: z.optional(z.boolean()),
  allowUnsandboxedCommands: z.optional(z.boolean()),
  failIfUnavailable: z.optional(z.boolean()),
  excludedCommands: z.optional(strings),
  network: z.optional(sandboxNetworkSchema),
  filesystem: z.optional(sandboxFilesystemSchema),
});

const positiveInt = z
  .number()
  .check(z.int("expected a whole number"), z.positive("expected a whole number above 0"));
const price = z.number().check(z.nonnegative("expected US dollars per million tokens, 0 or more"));

export const providerModelSchema = z.strictObject({
  contextWindow: z.optional(positiveInt),
  maxOutputTokens: z.optional(positiveInt),
  /** USD per million input tokens. */
  inputPrice: z.optional(price),
  /** USD per million output tokens. */
  outputPrice: z.optional(price),
});

export const providerTypes = ["anthropic", "openai-chat", "openai-responses"] as const;

export const providerSchema = z.strictObject({
  type: z.enum(providerTypes),
  // Not z.httpUrl: it wants a dotted host name, and local servers live at http://localhost:….
  baseUrl: z.url({
    protocol: /^https?$/,
    error: 'expected an http(s) URL like "http://localhost:11434/v1"',
  }),
  /** The name of the environment variable holding the key, never the key itself. */
  apiKeyEnv: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          'expected the name of an environment variable like "MY_SERVER_KEY"',
        ),
      ),
  ),
  headers: z.optional(z.record(z.string(), z.string())),
  models: z.optional(z.record(z.string(), providerModelSchema)),
});

/** Provider names become the `provider/` of `--model provider/id`, so no slash or space. */
const providerName = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
      "expected a provider name of letters, digits, '.', '_' or '-'",
    ),
  );

/**
 * Keys Claude Code documents that cairn does not act on (yet). Accepted without a warning and
 * without checking their value, so a Claude Code settings file reads cleanly.
 */
export const knownUnusedKeys = [
  "statusLine",
  "includeCoAuthoredBy",
  "attribution",
  "forceLoginMethod",
  "enableAllProjectMcpServers",
  "enabledMcpjsonServers",
  "disabledMcpjsonServers",
  "allowedMcpServers",
  "deniedMcpServers",
  "awsAuthRefresh",
  "awsCredentialExport",
  "outputStyle",
  "agent",
  "availableModels",
  "fallbackModel",
  "effortLevel",
  "alwaysThinkingEnabled",
  "allowManagedHooksOnly",
  "allowManagedPermissionRulesOnly",
  "autoCompactWindow",
  "autoMemoryEnabled",
  "autoMemoryDirectory",
  "claudeMdExcludes",
  "fileCheckpointingEnabled",
  "respectGitignore",
  "enabledPlugins",
  "extraKnownMarketplaces",
  "companyAnnouncements",
  "language",
  "theme",
  "verbose",
  "tui",
  "minimumVersion",
  "autoUpdatesChannel",
] as const;

const unused = Object.fromEntries(knownUnusedKeys.map((key) => [key, z.optional(z.unknown())])) as {
  [K in (typeof knownUnusedKeys)[number]]: z.ZodMiniOptional<z.ZodMiniUnknown>;
};

export const settingsSchema = z.strictObject({
  /** For editors; ignored. */
  $schema: z.optional(z.string()),
  model: z.optional(z.string().check(z.minLength(1, "expected a model name"))),
  permissions: z.optional(permissionsSchema),
  env: z.optional(z.record(z.string(), z.string())),
  hooks: z.optional(hooksSchema),
  /** No hook runs at all (src/hooks is not even loaded). */
  disableAllHooks: z.optional(z.boolean()),
  sandbox: z.optional(sandboxSchema),
  apiKeyHelper: z.optional(z.string().check(z.minLength(1, "expected a command to run"))),
  cleanupPeriodDays: z.optional(
    z
      .number()
      .check(
        z.int("expected a whole number of days"),
        z.nonnegative("expected a whole number of days, 0 or more"),
      ),
  ),
  autoCompactEnabled: z.optional(z.boolean()),
  /** cairn's own: compact when the conversation fills this fraction of the context window. */
  autoCompactThreshold: z.optional(
    z
      .number()
      .check(
        z.gte(0.1, "expected a fraction between 0.1 and 1"),
        z.lte(1, "expected a fraction between 0.1 and 1"),
      ),
  ),
  providers: z.optional(z.record(providerName, providerSchema)),
  ...unused,
});

/** One settings file, validated. Also the shape of the merged, effective settings. */
export type Settings = z.output<typeof settingsSchema>;
export type PermissionSettings = z.output<typeof permissionsSchema>;
export type HookMatcher = z.output<typeof hookMatcherSchema>;
export type ProviderSettings = z.output<typeof providerSchema>;
export type ProviderModelSettings = z.output<typeof providerModelSchema>;
export type SandboxSettings = z.output<typeof sandboxSchema>;

/**
 * The keys each strict object accepts, by the path of that object; `*` stands for a record key.
 * Used to suggest a near name for an unknown key.
 */
export const knownKeysAt: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(settingsSchema.shape),
  permissions: Object.keys(permissionsSchema.shape),
  sandbox: Object.keys(sandboxSchema.shape),
  "sandbox.network": Object.keys(sandboxNetworkSchema.shape),
  "sandbox.filesystem": Object.keys(sandboxFilesystemSchema.shape),
  "providers.*": Object.keys(providerSchema.shape),
  "providers.*.models.*": Object.keys(providerModelSchema.shape),
};
