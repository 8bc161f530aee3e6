// What the model sees of the skills before it uses one: each skill's name and description, within
// a budget of about 1 % of the context window (characters / 4), the rest counted, not listed.

import { byCodePoint } from "../../core/compare.ts";

export interface ListedSkill {
  name: string;
  description: string;
}

/** Characters for the listing: `SLASH_COMMAND_TOOL_CHAR_BUDGET`, else 1 % of the window in tokens × 4. */
export function listingBudget(
  contextWindow: number,
  env: Readonly<Record<string, string | undefined>>,
): number {
  const override = Number(env.SLASH_COMMAND_TOOL_CHAR_BUDGET);
  if (Number.isInteger(override) && override > 0) return override;
  return Math.floor(contextWindow * 0.01 * 4);
}

/** A description cut short enough that one skill cannot take the whole budget. */
const maxDescription = 250;

/** One line per skill, in name order, until the budget is spent; then a line counting the rest. */
export function skillListing(skills: readonly ListedSkill[], budget: number): string {
  const lines: string[] = [];
  let used = 0;
  let left = 0;
  for (const skill of [...skills].sort((a, b) => byCodePoint(a.name, b.name))) {
    const description =
      skill.description.length > maxDescription
        ? `${skill.description.slice(0, maxDescription - 1)}…`
        : skill.description;
    const line = `- ${skill.name}: ${description}`;
    if (left > 0 || used + line.length + 1 > budget) {
      left++;
      continue;
    }
    lines.push(line);
    used += line.length + 1;
  }
  if (left > 0) {
    lines.push(
      `(${left} more skill${left === 1 ? "" : "s"} not listed for space; call Skill with a name the user gives.)`,
    );
  }
  return lines.join("\n");
}
