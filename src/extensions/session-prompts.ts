// A session's custom commands and skills: read once when the session opens (the project's own
// folders only when it is trusted), the registry `/name args` looks names up in, the Skill tool,
// and the rules they grant: a used skill's folder becomes readable, a command's `allowed-tools`
// apply while its prompt runs. Nothing is read or added when no such folder exists.

import type { PermissionPolicy, Rule } from "../permissions/index.ts";
import { parseRule } from "../permissions/index.ts";
import type { Tool } from "../tools/index.ts";
import { commandSource, discoverCommands } from "./commands/index.ts";
import { expandTemplate } from "./expand-template.ts";
import { createExpansionRuntime, type RuntimeParts } from "./expansion-runtime.ts";
import { extensionFolders, type ExtensionRoots } from "./locations.ts";
import {
  createPromptRegistry,
  type PromptCommand,
  type PromptCommandSource,
  type PromptExpansion,
  type PromptRegistry,
} from "./prompt-commands.ts";
import { createSkillTool, discoverSkills, skillSource, type Skill } from "./skills/index.ts";

export interface SessionPrompts {
  /** Skills first (a skill wins a name clash with a command), then commands, then added sources. */
  readonly registry: PromptRegistry;
  /** Every skill's name, model-only and person-only ones included. */
  readonly skills: readonly string[];
  /** Adds a source of prompt commands (an MCP server's prompts), after the others. */
  addSource(source: PromptCommandSource): void;
  /**
   * The Skill tool for a model with this context window; undefined when the model may use no
   * skill. `runtime` serves the skill's `@file`s and `` !`cmd` ``s, judged as tool calls.
   */
  skillTool(contextWindow: number, runtime: SkillRuntime): Tool | undefined;
  /** `policy` with the rules granted so far added to its allow list. */
  withGrants(policy: PermissionPolicy): PermissionPolicy;
  /** Adds allow rules until the returned function is called. */
  grant(rules: readonly Rule[]): () => void;
  /** Expands `/name args`: arguments, `@file`s and `!` commands, judged by the policy in force. */
  expand(command: PromptCommand, args: string, parts: RuntimeParts): Promise<PromptExpansion>;
}

/** What a model-invoked skill's `@file`s and `` !`cmd` ``s are judged by and run with. */
export interface SkillRuntime {
  /** The policy in force now. */
  policy: () => PermissionPolicy;
  /** The session's Bash tool, if it has one. */
  bash: () => Tool | undefined;
}

export interface SessionPromptsOptions {
  roots: ExtensionRoots;
  env: Readonly<Record<string, string | undefined>>;
  warn: (message: string) => void;
}

export async function loadSessionPrompts(options: SessionPromptsOptions): Promise<SessionPrompts> {
  const { roots, warn } = options;
  const ruleRoot = roots.workspaceRoot;
  const [commands, skills] = await Promise.all([
    discoverCommands(extensionFolders("commands", roots), ruleRoot, warn),
    discoverSkills(extensionFolders("skills", roots), ruleRoot, warn),
  ]);
  // Each grant is its own array, so releasing one leaves the others alone.
  const grants = new Set<readonly Rule[]>();
  const readable = new Set<string>();
  const grant = (rules: readonly Rule[]): (() => void) => {
    const held = [...rules];
    grants.add(held);
    return () => grants.delete(held);
  };
  const useSkill = (skill: Skill): void => {
    if (readable.has(skill.folder)) return;
    readable.add(skill.folder);
    // `//` anchors at the filesystem root; the folder is already a real path.
    const rule = parseRule(`Read(/${skill.folder}/**)`, `skill ${skill.name}`);
    grant([{ ...rule, source: `${rule.source} (skill ${skill.name})` }]);
  };
  // A skill the model used keeps its allowed-tools for the session (see SkillToolOptions.onUsed).
  const granted = new Set<Skill>();
  const useSkillAsModel = (skill: Skill): void => {
    useSkill(skill);
    if (granted.has(skill) || skill.allowedTools.length === 0) return;
    granted.add(skill);
    grant(skill.allowedTools);
  };
  const withGrants = (policy: PermissionPolicy): PermissionPolicy =>
    grants.size === 0 ? policy : { ...policy, allow: [...policy.allow, ...[...grants].flat()] };
  const sources: PromptCommandSource[] = [skillSource(skills, useSkill), commandSource(commands)];
  const modelSkills = skills.filter((skill) => !skill.disableModelInvocation);
  return {
    registry: createPromptRegistry(sources),
    skills: skills.map((skill) => skill.name),
    addSource(source) {
      sources.push(source);
    },
    skillTool(contextWindow, runtime) {
      if (modelSkills.length === 0) return undefined;
      return createSkillTool({
        skills: modelSkills,
        contextWindow,
        env: options.env,
        onUsed: useSkillAsModel,
        expand: (skill, args, ctx) =>
          expandTemplate(
            skill.body,
            args,
            skill.allowedTools,
            createExpansionRuntime({
              toolSession: ctx.session,
              policy: () => withGrants(runtime.policy()),
              bash: runtime.bash(),
              signal: ctx.signal,
            }),
            // The model's arguments never reach a command or name a file to attach.
            { argumentsInCommands: false },
          ),
      });
    },
    withGrants,
    grant,
    expand(command, args, parts) {
      return command.expand(args, createExpansionRuntime(parts));
    },
  };
}
