// The Skill tool: the model loads a skill's instructions when a task calls for them. Its
// description lists only names and descriptions (listing.ts); a call returns the body expanded
// as a person's `/skill` would be (arguments, `@file`s, `` !`cmd` `` outputs) and the skill's
// folder, whose files become readable (not writable) from then on, as do its `allowed-tools`.

import * as z from "zod/mini";
import { defineTool, type Tool, type ToolContext } from "../../tools/index.ts";
import type { ExpandedText } from "../expand-template.ts";
import { nearNames } from "../prompt-commands.ts";
import type { Skill } from "./discover.ts";
import { listingBudget, skillListing } from "./listing.ts";

const input = z.object({
  skill: z.string().check(z.minLength(1), z.describe("The skill's name, as listed")),
  args: z.optional(z.string()).check(z.describe("Arguments for the skill, if it takes any")),
});

export interface SkillToolOptions {
  /** Skills the model may use (those without disable-model-invocation). */
  skills: readonly Skill[];
  contextWindow: number;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Makes the skill's folder readable and grants its `allowed-tools` for the rest of the
   * session: the model may call the skill again whenever it likes, so a grant shorter than the
   * session would restrict nothing.
   */
  onUsed: (skill: Skill) => void;
  /** The skill's body with arguments, `@file`s and `` !`cmd` `` outputs filled in. */
  expand: (skill: Skill, args: string, ctx: ToolContext) => Promise<ExpandedText>;
}

export function createSkillTool(options: SkillToolOptions): Tool {
  const { skills } = options;
  const listing = skillListing(skills, listingBudget(options.contextWindow, options.env));
  return defineTool({
    name: "Skill",
    description:
      "Load a skill: instructions (and files beside them) for a kind of task. When a task matches " +
      "a skill below, call this first and follow what it returns; the skill's folder is readable " +
      `afterwards.\n\nSkills:\n${listing}`,
    input,
    readOnly: true,
    describeAccess: () => ({ kind: "none" }),
    async run(call, ctx) {
      const wanted = call.skill.replace(/^\//, "").toLowerCase();
      const skill = skills.find((s) => s.name.toLowerCase() === wanted);
      if (!skill) {
        const near = nearNames(
          call.skill,
          skills.map((s) => s.name),
        );
        return {
          content:
            `No skill named "${call.skill}".` +
            (near.length > 0 ? ` Did you mean ${near.join(", ")}?` : "") +
            ` Available: ${skills.map((s) => s.name).join(", ") || "none"}.`,
          isError: true,
        };
      }
      options.onUsed(skill);
      const expanded = await options.expand(skill, call.args ?? "", ctx);
      // What was not included or run is said, so the model does not take the gap for content.
      const notes = expanded.notes.map((note) => `Note: ${note}`).join("\n");
      return {
        content:
          `Skill "${skill.name}" (folder: ${skill.folder}; its files can be read with Read, Glob and Grep)\n\n${expanded.text.trim()}` +
          (notes === "" ? "" : `\n\n${notes}`),
        display: { type: "skill", name: skill.name, folder: skill.folder },
      };
    },
  });
}
