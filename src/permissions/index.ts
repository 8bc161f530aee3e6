// Public face of the permissions module.
export { decide, permissionModes } from "./decide.ts";
export type {
  Decision,
  DecisionContext,
  PermissionMode,
  PermissionPolicy,
  PermissionQuery,
  ResolvedAccess,
} from "./decide.ts";
export { prepareQuery } from "./prepare-query.ts";
export type { QuerySetting } from "./prepare-query.ts";
export type { CommandFacts, Operand, SimpleCommandFacts } from "./command-facts.ts";
export { createReadDenyFilter } from "./read-deny-filter.ts";
export { canonicalToolName, parseRule, ruleNamesTool, splitRuleList } from "./rules.ts";
export type { Rule } from "./rules.ts";
export { analyzeCommand, createShellParser } from "./shell/index.ts";
export type { CommandAnalysis, ShellParser } from "./shell/index.ts";
