// Which tools a subagent gets: the parent's tools, narrowed by its definition, never widened.
// The Task tool itself is always left out, so a child cannot start children of its own.

import type { Tool } from "../../tools/index.ts";
import type { AgentDefinition } from "./definition.ts";

/** Names Task answers to: a definition listing either must not bring it back. */
const taskNames = new Set(["Task", "Agent"]);

/**
 * Claude Code's edit tools are apply_patch for models that edit that way (tools/builtin.ts): a
 * definition written for Claude Code that lists `Edit` can still edit under an OpenAI model.
 */
const equivalents: Readonly<Record<string, readonly string[]>> = {
  apply_patch: ["Edit", "MultiEdit"],
};

/**
 * The intersection of `parentTools` and the definition's `tools` (all of them when it lists
 * none), minus its `disallowedTools` and Task; in the parent's order, so the child's request
 * lists them as the parent's does. Names match a tool's name or alias, and `Read`-style
 * families are not expanded: a definition names exactly the tools it wants.
 */
export function childTools(parentTools: readonly Tool[], definition: AgentDefinition): Tool[] {
  const named = (names: readonly string[] | undefined, tool: Tool): boolean =>
    names !== undefined &&
    [tool.name, ...(tool.aliases ?? []), ...(equivalents[tool.name] ?? [])].some((name) =>
      names.includes(name),
    );
  return parentTools.filter(
    (tool) =>
      !taskNames.has(tool.name) &&
      !(tool.aliases ?? []).some((alias) => taskNames.has(alias)) &&
      (definition.tools === undefined || named(definition.tools, tool)) &&
      !named(definition.disallowedTools, tool),
  );
}

/** Names the definition asks for that the parent does not have (for a note, not an error). */
export function unavailableTools(
  parentTools: readonly Tool[],
  definition: AgentDefinition,
): string[] {
  const have = new Set(
    parentTools.flatMap((t) => [t.name, ...(t.aliases ?? []), ...(equivalents[t.name] ?? [])]),
  );
  return (definition.tools ?? []).filter((name) => !have.has(name) && !taskNames.has(name));
}
