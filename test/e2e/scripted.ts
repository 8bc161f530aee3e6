// Building blocks of scripted model turns for e2e scenarios: a tool call and a turn of blocks.

import type { ScriptedBlock } from "../fake-llm/scenario.ts";

/** A tool call the scripted model makes (the server gives it an id). */
export const call = (name: string, input: unknown): ScriptedBlock => ({
  type: "tool_use",
  name,
  input,
});

/** One assistant turn of the scripted model. */
export const turn = (...blocks: ScriptedBlock[]) => ({ blocks });
