// What the front-ends do with MCP: print mode waits for the servers (each bounded by MCP_TIMEOUT)
// before the first request and fills `system/init`'s MCP fields; both report the servers that did
// not start, and attach the resources a prompt names as `@server:uri`.

import type { UserMessage } from "../core/messages.ts";
import type { McpManager } from "../mcp/index.ts";
import type { InitInfo } from "./output-messages.ts";
import type { Session } from "./setup.ts";

export async function waitForMcp(session: Session, warn: (message: string) => void): Promise<void> {
  const mcp = session.mcp;
  if (!mcp) return;
  await mcp.ready();
  for (const line of mcpReport(mcp)) warn(line);
}

/**
 * Lines for the person once the servers settled: config problems, failures with stderr. The
 * interactive UI passes `approvalAsked`: it asks about unapproved servers instead.
 */
export function mcpReport(mcp: McpManager, report?: { approvalAsked: boolean }): string[] {
  const lines = mcp.warnings(report);
  for (const status of mcp.statuses()) {
    if (status.status !== "failed") continue;
    const tail = status.stderrTail?.length ? `\n  ${status.stderrTail.join("\n  ")}` : "";
    lines.push(`MCP server "${status.name}" failed: ${status.error ?? "unknown error"}${tail}`);
  }
  return lines;
}

export function mcpInitInfo(session: Session): Pick<InitInfo, "mcpServers" | "mcpServerErrors"> {
  const mcp = session.mcp;
  if (!mcp) return {};
  return {
    mcpServers: mcp.statuses().map((s) => ({
      name: s.name,
      status: s.status,
      ...(s.error !== undefined ? { error: s.error } : {}),
      ...(s.withheldTools !== undefined ? { withheldTools: s.withheldTools } : {}),
    })),
    mcpServerErrors: mcp.configErrors(),
  };
}

/** The prompt with every `@server:uri` resource it names attached after its text. */
export async function withMcpMentions(
  session: Session,
  prompt: UserMessage,
  signal: AbortSignal,
  warn: (message: string) => void,
): Promise<UserMessage> {
  const mcp = session.mcp;
  if (!mcp) return prompt;
  const text = prompt.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("\n");
  if (!text.includes("@")) return prompt;
  const { blocks, errors } = await mcp.resolveMentions(text, signal);
  for (const error of errors) warn(error);
  return blocks.length === 0 ? prompt : { ...prompt, content: [...prompt.content, ...blocks] };
}
