// Skills as prompt commands: `/skill-name args` sends the skill's body like a custom command's
// (unless `user-invocable: false`), and makes its folder readable as the Skill tool does.

import { expandTemplate } from "../expand-template.ts";
import type { PromptCommand, PromptCommandSource } from "../prompt-commands.ts";
import type { Skill } from "./discover.ts";

export function skillSource(
  skills: readonly Skill[],
  onUsed: (skill: Skill) => void,
): PromptCommandSource {
  return {
    commands: skills
      .filter((skill) => skill.userInvocable)
      .map((skill): PromptCommand => ({
        name: skill.name,
        description: `${skill.description} (${skill.scope} skill)`,
        ...(skill.argumentHint !== undefined ? { argumentHint: skill.argumentHint } : {}),
        aliases: [],
        kind: "skill",
        file: skill.file,
        async expand(args, runtime) {
          onUsed(skill);
          const expanded = await expandTemplate(skill.body, args, skill.allowedTools, runtime);
          return {
            text: `${expanded.text.trim()}\n\n(Skill folder: ${skill.folder})`,
            allow: skill.allowedTools,
            ...(skill.model !== undefined ? { model: skill.model } : {}),
            notes: expanded.notes,
          };
        },
      })),
  };
}
