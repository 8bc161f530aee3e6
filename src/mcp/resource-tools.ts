// `ListMcpResourcesTool` and `ReadMcpResourceTool`: the model lists and reads what connected
// servers offer as resources. Offered only while some server has resources.

import * as z from "zod/mini";
import { errorMessage } from "../core/errors.ts";
import { defineTool, type Tool } from "../tools/index.ts";
import type { Connection } from "./connection.ts";
import { convertResourceContents } from "./result.ts";

export function resourceTools(
  connections: () => readonly Connection[],
  maxOutputTokens: number,
): Tool[] {
  const connected = () => connections().filter((c) => c.status === "connected");
  const list = defineTool({
    name: "ListMcpResourcesTool",
    description:
      "List the resources MCP servers offer (uri, name, description, mime type). Read one with ReadMcpResourceTool.",
    input: z.object({
      server: z.optional(z.string().check(z.minLength(1))),
    }),
    readOnly: true,
    describeAccess: () => ({ kind: "none" }),
    run(input) {
      const servers = connected().filter(
        (c) => input.server === undefined || c.server.name === input.server,
      );
      if (input.server !== undefined && servers.length === 0) {
        return Promise.resolve({
          content: `No connected MCP server named "${input.server}". Connected: ${
            connected()
              .map((c) => c.server.name)
              .join(", ") || "none"
          }`,
          isError: true,
        });
      }
      const rows = servers.flatMap((c) =>
        c.resources.map((r) => ({
          server: c.server.name,
          uri: r.uri,
          name: r.name,
          ...(r.description ? { description: r.description } : {}),
          ...(r.mimeType ? { mimeType: r.mimeType } : {}),
        })),
      );
      return Promise.resolve({
        content: rows.length === 0 ? "No resources." : JSON.stringify(rows, null, 2),
      });
    },
  });
  const read = defineTool({
    name: "ReadMcpResourceTool",
    description: "Read one resource of an MCP server by its uri.",
    input: z.object({
      server: z.string().check(z.minLength(1)),
      uri: z.string().check(z.minLength(1)),
    }),
    readOnly: true,
    describeAccess: () => ({ kind: "none" }),
    async run(input, ctx) {
      const connection = connections().find((c) => c.server.name === input.server);
      if (!connection) {
        return { content: `No MCP server named "${input.server}".`, isError: true };
      }
      try {
        const result = await connection.readResource(input.uri, ctx.signal);
        return { content: convertResourceContents(result.contents, maxOutputTokens) };
      } catch (error) {
        return {
          content: `Reading ${input.uri} from MCP server "${input.server}" failed: ${errorMessage(error)}`,
          isError: true,
        };
      }
    },
  });
  return [list, read];
}
