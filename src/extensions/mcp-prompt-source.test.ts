import { describe, expect, it } from "vitest";
import type { McpPrompt } from "../mcp/index.ts";
import type { ExpansionRuntime } from "./expansion-runtime.ts";
import { mcpPromptSource, type McpPromptProvider } from "./mcp-prompt-source.ts";

const review: McpPrompt = {
  name: "mcp__git__review",
  server: "git",
  prompt: "review",
  description: "Review a change",
  arguments: [
    { name: "branch", required: true },
    { name: "focus", required: false },
  ],
};

function provider(prompts: McpPrompt[]) {
  const calls: Array<{ name: string; args: readonly string[] }> = [];
  const mcp: McpPromptProvider = {
    prompts: () => prompts,
    getPrompt(name, args) {
      calls.push({ name, args });
      return Promise.resolve([
        { type: "text", text: `Review ${args.join("|")}` },
        { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
        { type: "text", text: "Be thorough." },
      ]);
    },
  };
  return { mcp, calls };
}

// The MCP source reads neither files nor commands: only the signal.
const runtime: ExpansionRuntime = {
  includeFile: () => Promise.reject(new Error("not expected")),
  runShell: () => Promise.reject(new Error("not expected")),
  signal: new AbortController().signal,
};

describe("MCP prompts as commands", () => {
  it("mcp prompt source › names, description and the arguments as the hint", () => {
    const { mcp } = provider([review]);
    const [command] = mcpPromptSource(mcp).commands;
    expect(command).toMatchObject({
      name: "mcp__git__review",
      description: "Review a change (MCP: git)",
      argumentHint: "<branch> [focus]",
      kind: "mcp",
    });
  });

  it("mcp prompt source › follows the server's list as it changes", () => {
    const prompts: McpPrompt[] = [];
    const source = mcpPromptSource(provider(prompts).mcp);
    expect(source.commands).toEqual([]);
    prompts.push(review);
    expect(source.commands.map((c) => c.name)).toEqual(["mcp__git__review"]);
    expect(source.commands).toBe(source.commands);
  });

  it("mcp prompt source › words are split like a shell's; text joins, images come apart", async () => {
    const { mcp, calls } = provider([review]);
    const [command] = mcpPromptSource(mcp).commands;
    const expansion = await command!.expand('main "the error handling"', runtime);
    expect(calls).toEqual([{ name: "mcp__git__review", args: ["main", "the error handling"] }]);
    expect(expansion.text).toBe("Review main|the error handling\n\nBe thorough.");
    expect(expansion.images).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
    ]);
  });
});
