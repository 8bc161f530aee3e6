// Whether a project's `.mcp.json` server may start: the folder must be trusted and the server
// approved (`enableAllProjectMcpServers`, `enabledMcpjsonServers`, `disabledMcpjsonServers`, or a
// choice the user made once, recorded in `.cairn/settings.local.json`).

import { join } from "node:path";
import * as z from "zod/mini";
import { editSettingsFile } from "../config/index.ts";

export type ProjectApproval = "approved" | "denied" | "undecided";

const approvalSettings = z.object({
  enableAllProjectMcpServers: z.optional(z.boolean()),
  enabledMcpjsonServers: z.optional(z.array(z.string())),
  disabledMcpjsonServers: z.optional(z.array(z.string())),
});

export type ApprovalSettings = z.infer<typeof approvalSettings>;

/**
 * Reads the three keys from the effective settings. A wrong type counts as absent, so a
 * mistyped setting never approves anything; the message says which key to fix.
 */
export function readApprovalSettings(settings: unknown): {
  value: ApprovalSettings;
  warning?: string;
} {
  const parsed = approvalSettings.safeParse(settings);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    value: {},
    warning: `settings: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}; project MCP servers are not approved by it`,
  };
}

/** A denial wins over an approval, so a server the user turned off stays off. */
export function projectApproval(name: string, settings: ApprovalSettings): ProjectApproval {
  if (settings.disabledMcpjsonServers?.includes(name)) return "denied";
  if (settings.enabledMcpjsonServers?.includes(name)) return "approved";
  if (settings.enableAllProjectMcpServers === true) return "approved";
  return "undecided";
}

export function localSettingsFile(root: string): string {
  return join(root, ".cairn", "settings.local.json");
}

/** Records the user's answer for one project server in `.cairn/settings.local.json`. */
export async function recordProjectChoice(
  root: string,
  name: string,
  approve: boolean,
): Promise<void> {
  await editSettingsFile(
    localSettingsFile(root),
    (settings) => {
      const add = approve ? "enabledMcpjsonServers" : "disabledMcpjsonServers";
      const drop = approve ? "disabledMcpjsonServers" : "enabledMcpjsonServers";
      const list = (key: string): string[] =>
        Array.isArray(settings[key])
          ? (settings[key] as unknown[]).filter((v): v is string => typeof v === "string")
          : [];
      settings[add] = [...new Set([...list(add), name])];
      const kept = list(drop).filter((n) => n !== name);
      if (kept.length > 0) settings[drop] = kept;
      else delete settings[drop];
    },
    { mode: 0o600, folderMode: 0o700 },
  );
}
