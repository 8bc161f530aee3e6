// An MCP server's prompts as `/mcp__<server>__<prompt>` commands: a live source for the prompt
// registry (servers that connect later or send `prompts/list_changed` show up on the next look),
// whose expansion asks the server for the prompt's messages. Not for talking to servers itself.

import type { ImageBlock, TextBlock } from "../core/messages.ts";
import type { McpManager, McpPrompt } from "../mcp/index.ts";
import { splitArguments } from "./arguments.ts";
import type { PromptCommand, PromptCommandSource } from "./prompt-commands.ts";

/** What the source needs of the MCP manager. */
export type McpPromptProvider = Pick<McpManager, "prompts" | "getPrompt">;

export function mcpPromptSource(mcp: McpPromptProvider): PromptCommandSource {
  let cached: { key: string; commands: readonly PromptCommand[] } | undefined;
  return {
    get commands() {
      const prompts = mcp.prompts();
      // The same list until a server's prompts change, so menus built from it stay put.
      const key = JSON.stringify(prompts);
      if (cached?.key !== key) {
        cached = { key, commands: prompts.map((prompt) => promptCommand(mcp, prompt)) };
      }
      return cached.commands;
    },
  };
}

/** `<city> [state]`: the prompt's arguments in the order positional words fill them. */
export function argumentHint(prompt: McpPrompt): string | undefined {
  if (prompt.arguments.length === 0) return undefined;
  return prompt.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ");
}

function promptCommand(mcp: McpPromptProvider, prompt: McpPrompt): PromptCommand {
  const hint = argumentHint(prompt);
  return {
    name: prompt.name,
    description: `${prompt.description ?? `Prompt ${prompt.prompt}`} (MCP: ${prompt.server})`,
    ...(hint !== undefined ? { argumentHint: hint } : {}),
    aliases: [],
    kind: "mcp",
    async expand(args, runtime) {
      const signal = runtime.signal ?? new AbortController().signal;
      const blocks = await mcp.getPrompt(prompt.name, splitArguments(args), signal);
      const texts = blocks.filter((b): b is TextBlock => b.type === "text").map((b) => b.text);
      const images = blocks.filter((b): b is ImageBlock => b.type === "image");
      return {
        text: texts.join("\n\n"),
        allow: [],
        notes: [],
        ...(images.length > 0 ? { images } : {}),
      };
    },
  };
}
