// `/status`: the facts of this session in one place: version, model and where requests go,
// folder, session and transcript, permission mode, sandbox, settings and memory files.

import type { SlashCommand } from "../types.ts";
import { columns, shortPath } from "./format.ts";

export const statusCommand: SlashCommand = {
  name: "status",
  description: "Show version, model, endpoint, session, mode, sandbox and settings",
  run(_args, context) {
    const info = context.info;
    const root = info.workspaceRoot ?? info.cwd;
    const model =
      info.provider !== undefined && !info.status.model.startsWith(`${info.provider}/`)
        ? `${info.provider}/${info.status.model}`
        : info.status.model;
    const sandbox =
      info.sandbox === undefined
        ? "unknown"
        : `${info.sandbox.enabled ? "on" : "off"}${info.sandbox.detail ? ` (${info.sandbox.detail})` : ""}`;
    const rows = [
      ["Version", info.version ?? "unknown"],
      ["Model", model],
      ["Endpoint", info.baseUrl ?? "the provider's default"],
      ["Folder", info.cwd],
      ["Session", info.sessionId],
      ["Transcript", info.transcriptPath ?? "not saved (session persistence is off)"],
      ["Mode", info.status.mode],
      ["Sandbox", sandbox],
      [
        "Settings",
        info.settingsFiles.length === 0 ? "none" : shortPath(info.settingsFiles[0] ?? "", root),
      ],
      ...info.settingsFiles.slice(1).map((file) => ["", shortPath(file, root)]),
      [
        "Memory",
        info.memoryFiles.length === 0 ? "none" : shortPath(info.memoryFiles[0] ?? "", root),
      ],
      ...info.memoryFiles.slice(1).map((file) => ["", shortPath(file, root)]),
    ];
    context.notice(columns(rows).join("\n"));
  },
};
