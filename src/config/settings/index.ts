// Public face of the settings layer: schema, loading and merging, trust gating, rules with
// provenance, and editing one file. Other folders reach it through src/config/index.ts.
export { knownUnusedKeys, providerTypes, settingsModes, settingsSchema } from "./schema.ts";
export type {
  HookMatcher,
  PermissionSettings,
  ProviderModelSettings,
  ProviderSettings,
  SandboxSettings,
  Settings,
} from "./schema.ts";
export { parseJson, parseSettingsText, parseSettingsValue } from "./parse.ts";
export type { ParsedSettings } from "./parse.ts";
export type { UnknownKey } from "./issues.ts";
export {
  commandLineOrigin,
  defaultManagedSettingsPath,
  loadSettings,
  settingsFiles,
  settingsSources,
  writableSettingsFile,
} from "./load.ts";
export type {
  LoadedSettings,
  LoadSettingsOptions,
  SettingsLayer,
  SettingsLocations,
  SettingsScope,
  WritableScope,
} from "./load.ts";
export { mergeSettings } from "./merge.ts";
export { gateUntrusted } from "./trust-gate.ts";
export { settingsDirectories, settingsRules } from "./rules.ts";
export type { RuleParser, SettingsRules, WithOrigin } from "./rules.ts";
export { editSettingsFile, readSettingsObject } from "./edit.ts";
export {
  deleteValueAt,
  formatKeyPath,
  isPlainObject,
  parseKeyPath,
  setValueAt,
  valueAt,
} from "./key-path.ts";
export type { KeyPath } from "./key-path.ts";
export { nearestName } from "./near-name.ts";
export { writeFileAtomic } from "./atomic-file.ts";
export { configError, settingsError } from "./settings-error.ts";
