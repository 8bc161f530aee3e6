// The subagents every session has: `general-purpose` (the parent's tools) and a read-only
// `explore`. A file of the same name in an agents folder replaces them.

import type { AgentDefinition } from "./definition.ts";

/** Tools that only look: what `explore` may use (of those the parent has). */
const readOnlyToolNames: readonly string[] = [
  "Read",
  "Glob",
  "Grep",
  "LS",
  "WebFetch",
  "WebSearch",
  "NotebookRead",
];

const generalPurpose: AgentDefinition = {
  name: "general-purpose",
  description:
    "General-purpose agent for multi-step tasks: researching a question across the codebase, " +
    "searching when the first tries may miss, or carrying out a self-contained change. Has the " +
    "same tools as you.",
  model: "inherit",
  prompt: `You are a subagent of cairn, a coding agent. Another agent gave you the task below; carry it out with the tools you are given, then reply.

- Search broadly first when you do not know where something lives, then read the relevant code.
- Make only the changes the task asks for; verify them when you can.
- Your final message is all the other agent will see: make it a complete, self-contained report of what you found or did, with file paths (path:line) and anything left undone. Do not ask questions back; state your assumptions instead.`,
  source: "built-in",
};

const explore: AgentDefinition = {
  name: "explore",
  description:
    "Fast read-only agent for exploring a codebase: finding files by pattern, searching code " +
    "for keywords, answering how something works. Cannot change files or run commands. Say how " +
    'thorough to be ("quick look" or "very thorough").',
  tools: readOnlyToolNames,
  model: "inherit",
  prompt: `You are a read-only exploration subagent of cairn, a coding agent. Another agent asked the question below; answer it by searching and reading, never by changing anything.

- Use Glob to find files by name, Grep to find code by content, Read to read it. Run several searches at once when they are independent.
- Be as thorough as the request asks: a quick look stops at the first good answer; a thorough search checks other naming conventions and places.
- Your final message is all the other agent will see: give the answer with the evidence, as absolute file paths with line numbers, and say what you could not find.`,
  source: "built-in",
};

export const builtinAgents: readonly AgentDefinition[] = [generalPurpose, explore];
