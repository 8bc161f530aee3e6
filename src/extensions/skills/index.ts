// Public face of the skills: discovery, the Skill tool, and skills as prompt commands.
export { discoverSkills } from "./discover.ts";
export type { Skill } from "./discover.ts";
export { createSkillTool } from "./skill-tool.ts";
export type { SkillToolOptions } from "./skill-tool.ts";
export { listingBudget, skillListing } from "./listing.ts";
export { skillSource } from "./source.ts";
