// `/mcp`: the session's MCP servers with their status (connected, failed with the last stderr
// line, needs approval, untrusted, withheld tools) and tool counts; `/mcp approve <name>` and
// `/mcp deny <name>` answer the approval question without the keyboard dance.

import type { ServerStatus } from "../../mcp/index.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { columns, plural } from "./format.ts";
import { usageError, words } from "./usage.ts";

export const mcpCommand: SlashCommand = {
  name: "mcp",
  description: "Show MCP servers and their tools; approve or deny a server",
  argumentHint: "[approve|deny <name>]",
  async run(args, context) {
    const [verb, name, ...rest] = words(args);
    if (verb === undefined) {
      context.notice(overview(context));
      return;
    }
    const action = verb.toLowerCase();
    if (action !== "approve" && action !== "deny")
      throw usageError(mcpCommand, `unknown action "${verb}"`);
    if (name === undefined || rest.length > 0)
      throw usageError(mcpCommand, `${action} needs one server name`);
    if (!context.mcp) {
      context.notice("No MCP servers are configured in this session.", "warning");
      return;
    }
    context.notice(await context.mcp.decide(name, action === "approve"));
  },
};

function overview(context: CommandContext): string {
  const statuses = context.mcp?.statuses() ?? [];
  if (statuses.length === 0) {
    return "No MCP servers are configured. Add one with cairn mcp add, or in .mcp.json (project) or --mcp-config.";
  }
  const rows = statuses.map((s) => [
    `  ${s.name}`,
    describeStatus(s),
    s.status === "connected" ? plural(s.toolCount, "tool") : "",
    `${s.scope} · ${s.source}`,
  ]);
  const lines = [`MCP servers (${statuses.length}):`, ...columns(rows)];
  for (const s of statuses) {
    const detail = details(s);
    if (detail !== undefined) lines.push(`  ${s.name}: ${detail}`);
  }
  const waiting = context.mcp?.pendingApprovals() ?? [];
  if (waiting.length > 0) {
    lines.push(
      "",
      `Awaiting your decision: ${[...new Set(waiting.map((w) => w.server))].join(", ")}. /mcp approve <name> or /mcp deny <name> (or Tab on the question).`,
    );
  }
  return lines.join("\n");
}

function describeStatus(status: ServerStatus): string {
  const withheld = status.withheldTools?.length
    ? `, ${plural(status.withheldTools.length, "tool")} withheld`
    : "";
  switch (status.status) {
    case "connected":
      return `connected${withheld}`;
    case "pending":
      return "connecting…";
    case "failed":
      return "failed";
    case "needs-approval":
      return "needs approval";
    case "disabled":
      return "denied";
    case "untrusted":
      return "not started (folder not trusted)";
    case "needs-auth":
      return `needs login (cairn mcp login ${status.name})`;
    case "closed":
      return "closed";
    default: {
      const never: never = status.status;
      return never;
    }
  }
}

/** A second line for what needs explaining: why it failed, which tools are withheld. */
function details(status: ServerStatus): string | undefined {
  if (status.status === "failed") {
    const last = status.stderrTail?.at(-1);
    return `${status.error ?? "unknown error"}${last !== undefined && !(status.error ?? "").includes(last) ? ` (stderr: ${last})` : ""}`;
  }
  if (status.withheldTools?.length) {
    return `changed since approved, withheld: ${status.withheldTools.join(", ")} (/mcp approve ${status.name} accepts them)`;
  }
  if (status.status === "untrusted")
    return "run cairn trust here to let the project's servers start";
  return undefined;
}
