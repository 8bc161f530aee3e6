// The built-in tool set, in a fixed order (the tool list is part of the cached request prefix).
// The edit tool depends on the model family: OpenAI models are trained on apply_patch.

import { applyPatchTool } from "./apply-patch.ts";
import { bashOutputTool } from "./bash-output.ts";
import { bashTool } from "./bash.ts";
import { editTool } from "./edit.ts";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { killShellTool } from "./kill-shell.ts";
import { lsTool } from "./ls.ts";
import { multiEditTool } from "./multi-edit.ts";
import { readTool } from "./read.ts";
import { todoWriteTool } from "./todo-write.ts";
import type { Tool } from "./tool.ts";
import { webFetchTool } from "./web-fetch.ts";
import { writeTool } from "./write.ts";

export type EditStyle = "string-replace" | "apply-patch";

/** OpenAI's GPT and o-series models edit with apply_patch; every other model with Edit. */
export function editStyleFor(provider: string, model: string): EditStyle {
  if (provider !== "openai" && provider !== "openai-chat") return "string-replace";
  const bare = model.slice(model.lastIndexOf("/") + 1);
  return /^(gpt-|o\d|codex)/.test(bare) ? "apply-patch" : "string-replace";
}

export function builtinTools(editStyle: EditStyle): Tool[] {
  const editing = editStyle === "apply-patch" ? [applyPatchTool] : [editTool, multiEditTool];
  return [
    bashTool,
    bashOutputTool,
    killShellTool,
    globTool,
    grepTool,
    lsTool,
    readTool,
    ...editing,
    writeTool,
    todoWriteTool,
    webFetchTool,
  ];
}
