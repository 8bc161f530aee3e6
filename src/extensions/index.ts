// Public face of the extensions read from Markdown files (custom commands, skills; subagents add
// theirs here): where they live, how they are parsed, and what a session does with them.
export { extensionFolders } from "./locations.ts";
export type { ExtensionFolder, ExtensionKind, ExtensionRoots } from "./locations.ts";
// The frontmatter parsers are not exported here: they load the YAML parser, which must stay out
// of start-up; import them lazily (see prompt-file.ts).
export type { MarkdownWithFrontmatter } from "./frontmatter.ts";
export { createPromptRegistry, nearNames, parseInvocation } from "./prompt-commands.ts";
export type {
  PromptCommand,
  PromptCommandSource,
  PromptExpansion,
  PromptRegistry,
} from "./prompt-commands.ts";
export { createExpansionRuntime } from "./expansion-runtime.ts";
export type { ExpansionRuntime, RuntimeParts } from "./expansion-runtime.ts";
export { loadSessionPrompts } from "./session-prompts.ts";
export type { SessionPrompts, SessionPromptsOptions } from "./session-prompts.ts";
export { mcpPromptSource } from "./mcp-prompt-source.ts";
export type { McpPromptProvider } from "./mcp-prompt-source.ts";
