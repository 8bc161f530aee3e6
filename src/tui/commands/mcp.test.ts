import { describe, expect, it } from "vitest";
import type { McpApprovalRequest, ServerStatus } from "../../mcp/index.ts";
import type { McpControls } from "../mcp-ui.ts";
import { fakeContext } from "./fake-context.ts";
import { mcpCommand } from "./mcp.ts";

const statuses: ServerStatus[] = [
  { name: "everything", status: "connected", scope: "cli", source: "--mcp-config", toolCount: 12 },
  {
    name: "broken",
    status: "failed",
    scope: "user",
    source: "/home/u/.cairn/mcp.json",
    error: "closed during start-up",
    stderrTail: ["starting", "fatal: database is locked"],
    toolCount: 0,
  },
  { name: "github", status: "needs-approval", scope: "project", source: ".mcp.json", toolCount: 0 },
  { name: "evil", status: "untrusted", scope: "project", source: ".mcp.json", toolCount: 0 },
  {
    name: "changing",
    status: "connected",
    scope: "cli",
    source: "--mcp-config",
    withheldTools: ["probe"],
    toolCount: 0,
  },
];

function controls() {
  const decided: Array<[string, boolean]> = [];
  const pending: McpApprovalRequest[] = [
    {
      kind: "project-server",
      server: "github",
      source: ".mcp.json",
      config: { type: "stdio", command: "npx", args: [] },
    },
  ];
  const mcp: McpControls = {
    statuses: () => statuses,
    pendingApprovals: () => pending,
    decide(server, approve) {
      decided.push([server, approve]);
      return Promise.resolve(`decided ${server}`);
    },
  };
  return { mcp, decided };
}

describe("/mcp", () => {
  it("/mcp › lists each server with its status, tool count and what needs explaining", async () => {
    const { mcp } = controls();
    const context = { ...fakeContext(), mcp };
    await mcpCommand.run("", context);
    const out = context.notices.map((n) => n.text).join("\n");
    expect(out).toMatch(/everything\s+connected\s+12 tools\s+cli · --mcp-config/);
    expect(out).toMatch(/broken\s+failed/);
    expect(out).toContain("broken: closed during start-up (stderr: fatal: database is locked)");
    expect(out).toMatch(/github\s+needs approval/);
    expect(out).toMatch(/evil\s+not started \(folder not trusted\)/);
    expect(out).toMatch(/changing\s+connected, 1 tool withheld/);
    expect(out).toContain("changing: changed since approved, withheld: probe");
    expect(out).toContain("Awaiting your decision: github");
  });

  it("/mcp › approve and deny go through the controls and say what happened", async () => {
    const { mcp, decided } = controls();
    const context = { ...fakeContext(), mcp };
    await mcpCommand.run("approve github", context);
    await mcpCommand.run("deny changing", context);
    expect(decided).toEqual([
      ["github", true],
      ["changing", false],
    ]);
    expect(context.notices.map((n) => n.text)).toEqual(["decided github", "decided changing"]);
  });

  it("/mcp › a wrong action or a missing name is a usage error", async () => {
    const { mcp } = controls();
    const context = { ...fakeContext(), mcp };
    await expect(mcpCommand.run("start github", context)).rejects.toThrow('unknown action "start"');
    await expect(mcpCommand.run("approve", context)).rejects.toThrow("needs one server name");
  });

  it("/mcp › without servers it says how to add one", async () => {
    const context = fakeContext();
    await mcpCommand.run("", context);
    expect(context.notices[0]?.text).toContain("No MCP servers are configured");
  });
});
