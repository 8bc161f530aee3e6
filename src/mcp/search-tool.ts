// When MCP tool definitions would take more than a tenth of the context window, they are not
// sent with every request: the model finds them with `MCPSearch`, and the tools it finds become
// callable from the next request on. The request stays small and its prefix stable.

import * as z from "zod/mini";
import { defineTool, toolSpec, type Tool } from "../tools/index.ts";

export const searchToolName = "MCPSearch";

/** The tools' definitions as the model would see them, in tokens (JSON characters / 4). */
export function definitionTokens(tools: readonly Tool[]): number {
  return Math.ceil(tools.reduce((n, t) => n + JSON.stringify(toolSpec(t)).length, 0) / 4);
}

export interface SearchToolDeps {
  /** Every MCP tool, deferred or not. */
  candidates: () => readonly Tool[];
  /** Makes the named tools callable from the next request on. */
  load: (names: readonly string[]) => void;
}

export function searchTool(deps: SearchToolDeps): Tool {
  return defineTool({
    name: searchToolName,
    description:
      "Find MCP tools by keywords; the tools found become callable in your next step. " +
      'Many MCP tools are not listed up front to keep requests small. Use "select:name1,name2" to load tools by exact name.',
    input: z.object({
      query: z.string().check(z.minLength(1)),
      max_results: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(20))),
    }),
    readOnly: true,
    describeAccess: () => ({ kind: "none" }),
    run(input) {
      const found = findTools(deps.candidates(), input.query, input.max_results ?? 5);
      if (found.length === 0) {
        return Promise.resolve({
          content: `No MCP tool matches "${input.query}". Try other keywords or a server name.`,
        });
      }
      deps.load(found.map((t) => t.name));
      const text = found
        .map((t) => {
          const spec = toolSpec(t);
          return `## ${t.name}\n${t.description}\nInput schema: ${JSON.stringify(spec.inputSchema)}`;
        })
        .join("\n\n");
      return Promise.resolve({
        content: `${found.length} tool(s) found and now callable:\n\n${text}`,
      });
    },
  });
}

/** `select:a,b` picks by name; otherwise tools are ranked by how many query words they contain. */
export function findTools(tools: readonly Tool[], query: string, max: number): Tool[] {
  const trimmed = query.trim();
  if (trimmed.startsWith("select:")) {
    const names = new Set(
      trimmed
        .slice(7)
        .split(",")
        .map((n) => n.trim()),
    );
    return tools.filter((t) => names.has(t.name)).slice(0, max);
  }
  const words = trimmed
    .toLowerCase()
    .split(/[\s_,]+/)
    .filter((w) => w.length > 0);
  const scored = tools
    .map((tool) => {
      const name = tool.name.toLowerCase();
      const description = tool.description.toLowerCase();
      const score = words.reduce(
        (n, w) => n + (name.includes(w) ? 3 : 0) + (description.includes(w) ? 1 : 0),
        0,
      );
      return { tool, score };
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name));
  return scored.slice(0, max).map((s) => s.tool);
}
