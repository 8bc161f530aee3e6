// Public face of the permissions module.
export { decide, permissionModes } from "./decide.ts";
export type { Decision, PermissionMode, PermissionPolicy, PermissionQuery } from "./decide.ts";
export { canonicalToolName, parseRule, splitRuleList } from "./rules.ts";
export type { Rule } from "./rules.ts";
