// The shell analysis: parse a Bash command, list what it runs, and judge each simple command
// (read-only list, Bash(…) rules, critical removals). The permission engine's view of Bash.

export { analyzeCommand, maxCommandLength } from "./analyze.ts";
export { bashRuleMatches, bashRuleMayMatch } from "./bash-rules.ts";
export { criticalRemoval, type RemovalContext } from "./critical-removal.ts";
export { createShellParser, type ShellParser, type ShellParserOptions } from "./parser.ts";
export { isReadOnlyCommand } from "./read-only.ts";
export type { CommandAnalysis, Hazard, Redirect, SimpleCommand, Word } from "./types.ts";
