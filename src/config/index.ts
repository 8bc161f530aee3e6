// Public face of the config module: cairn's home folder, the debug log, executables on PATH,
// settings files (read, merged, edited) and the trusted folders.
export { cairnHome } from "./cairn-home.ts";
export { disabledDebugLog, openDebugLog, redact } from "./debug-log.ts";
export type { DebugLog } from "./debug-log.ts";
export { findOnPath, isExecutableFile } from "./executables.ts";
export { runApiKeyHelper } from "./api-key-helper.ts";
export {
  commandLineOrigin,
  defaultManagedSettingsPath,
  deleteValueAt,
  editSettingsFile,
  formatKeyPath,
  gateUntrusted,
  knownUnusedKeys,
  loadSettings,
  mergeSettings,
  parseKeyPath,
  parseSettingsText,
  parseSettingsValue,
  providerTypes,
  readSettingsObject,
  setValueAt,
  settingsDirectories,
  settingsFiles,
  settingsRules,
  settingsSchema,
  settingsSources,
  valueAt,
  writableSettingsFile,
} from "./settings/index.ts";
export type {
  HookMatcher,
  KeyPath,
  LoadedSettings,
  LoadSettingsOptions,
  ParsedSettings,
  PermissionSettings,
  ProviderModelSettings,
  ProviderSettings,
  RuleParser,
  SandboxSettings,
  Settings,
  SettingsLayer,
  SettingsLocations,
  SettingsRules,
  SettingsScope,
  UnknownKey,
  WithOrigin,
  WritableScope,
} from "./settings/index.ts";
export {
  isTrusted,
  trustedBy,
  trustedFolders,
  trustFilePath,
  trustFolder,
  untrustFolder,
} from "./trust.ts";
export type { TrustedFolder } from "./trust.ts";
