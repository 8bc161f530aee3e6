// `/resume [id]`: lists this folder's sessions, or switches to one (through the controller when it
// can, else by telling the user how to restart into it).

import { findSession, listSessions, type SessionSummary } from "../../sessions/index.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { columns, formatUsd } from "./format.ts";
import { usageError, words } from "./usage.ts";
import { formatAge } from "../../core/format-age.ts";

/** The listing shows the most recently active sessions; older ones are counted. */
const shown = 20;

export const resumeCommand: SlashCommand = {
  name: "resume",
  description: "List this folder's sessions, or resume one",
  argumentHint: "[session id]",
  async run(args, context) {
    const given = words(args);
    if (given.length > 1)
      throw usageError(resumeCommand, "give one session id (or a prefix of it)");
    const wanted = given[0];
    if (wanted === undefined) {
      await showSessions(context);
      return;
    }
    const { cairnHome, sessionId } = context.info;
    // Without the cairn home the prefix cannot be looked up here; the controller or the CLI will.
    const id =
      cairnHome !== undefined
        ? (await findSession(cairnHome, rootOf(context), wanted)).sessionId
        : wanted;
    if (id === sessionId) {
      context.notice(`Session ${id} is the one you are in.`);
      return;
    }
    if (context.resume) {
      await context.resume(id);
      return;
    }
    context.notice(`To resume session ${id}, exit (/exit) and run: cairn -r ${id}`);
  },
};

async function showSessions(context: CommandContext): Promise<void> {
  const { cairnHome, sessionId } = context.info;
  if (cairnHome === undefined) {
    context.notice(
      "Sessions are not available here; run `cairn sessions` in a shell to list them.",
      "warning",
    );
    return;
  }
  const warnings: string[] = [];
  const sessions = await listSessions(cairnHome, rootOf(context), {
    warn: (message) => warnings.push(message),
  });
  for (const warning of warnings) context.notice(warning, "warning");
  const others = sessions.filter((s) => s.sessionId !== sessionId);
  if (others.length === 0) {
    context.notice("No other sessions in this folder yet.");
    return;
  }
  const now = context.now?.() ?? new Date();
  context.notice(
    [
      `Sessions in ${context.info.cwd}, most recent first:`,
      ...formatSessions(sessions.slice(0, shown), sessionId, now),
      ...(sessions.length > shown ? [`  … and ${sessions.length - shown} older`] : []),
      "",
      context.resume
        ? "Resume one with /resume <id> (the first characters are enough)."
        : "To resume one, exit and run cairn -r <id> (the first characters are enough).",
    ].join("\n"),
  );
}

function formatSessions(sessions: readonly SessionSummary[], current: string, now: Date): string[] {
  const idLength = uniquePrefixLength(sessions.map((s) => s.sessionId));
  const rows = sessions.map((s) => [
    s.sessionId === current ? "*" : " ",
    s.sessionId.slice(0, idLength),
    formatAge(s.lastActivity, now),
    `${s.approximate ? "~" : ""}${s.messageCount} msgs`,
    formatUsd(s.costUsd),
    `${s.busy && s.sessionId !== current ? "[open elsewhere] " : ""}${
      s.title ?? (s.firstPrompt || "(no prompt yet)")
    }${s.sessionId === current ? "  (this session)" : ""}`,
  ]);
  return columns(rows, new Set([3, 4])).map((line) => `  ${line}`);
}

/** The fewest characters (at least 8) that still tell the ids apart. */
function uniquePrefixLength(ids: readonly string[]): number {
  const longest = Math.max(0, ...ids.map((id) => id.length));
  for (let length = 8; length < longest; length++) {
    if (new Set(ids.map((id) => id.slice(0, length))).size === ids.length) return length;
  }
  return longest;
}

function rootOf(context: CommandContext): string {
  return context.info.workspaceRoot ?? context.info.cwd;
}
