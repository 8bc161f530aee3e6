// `cairn sessions`: the sessions of this folder, newest first, as a table or JSON; the
// non-interactive picker (resume one with `cairn --resume <id>`). Not the TUI picker.

import { realpath } from "node:fs/promises";
import { cairnHome } from "../config/index.ts";
import { CairnError, errorMessage } from "../core/errors.ts";
import { listSessions, type SessionSummary } from "../sessions/index.ts";
import { formatAge } from "../core/format-age.ts";

export interface SessionsCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The workspace root; resolved to its real path here. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

export const sessionsHelp = `Usage: cairn sessions [--json]

Lists the sessions started in this folder, most recently active first: id, last activity,
messages, cost and first prompt. Resume one with cairn --resume <id> (a unique start of the id
is enough), or the latest with cairn --continue.

  --json   one JSON array with every field, full ids and ISO times
`;

export async function runSessionsCommand(
  argv: readonly string[],
  io: SessionsCommandIo,
): Promise<number> {
  let json = false;
  for (const arg of argv) {
    if (arg === "--json") json = true;
    else if (arg === "-h" || arg === "--help") {
      io.stdout.write(sessionsHelp);
      return 0;
    } else {
      return fail(
        io,
        new CairnError(
          "bad_flag",
          `sessions: unknown option "${arg}"`,
          "Run `cairn sessions --help` for usage.",
        ),
      );
    }
  }

  let root: string;
  try {
    root = await realpath(io.cwd);
  } catch (error) {
    return fail(io, new CairnError("bad_flag", `sessions: ${io.cwd}: ${errorMessage(error)}`));
  }
  const sessions = await listSessions(cairnHome(io.env), root, {
    warn: (message) => io.stderr.write(`cairn: warning: ${message}\n`),
  });
  if (json) {
    io.stdout.write(`${JSON.stringify(sessions.map(toJson), null, 2)}\n`);
    return 0;
  }
  if (sessions.length === 0) {
    io.stderr.write(`No sessions in ${root} yet.\n`);
    return 0;
  }
  io.stdout.write(formatSessions(sessions, (io.now ?? (() => new Date()))()));
  io.stderr.write("Resume one with: cairn --resume <id>\n");
  return 0;
}

function toJson(session: SessionSummary): Record<string, unknown> {
  return {
    ...session,
    createdAt: session.createdAt.toISOString(),
    lastActivity: session.lastActivity.toISOString(),
  };
}

/** The table: ids shortened to the fewest characters (at least 8) that still tell them apart. */
export function formatSessions(sessions: readonly SessionSummary[], now: Date): string {
  const idLength = uniquePrefixLength(sessions.map((s) => s.sessionId));
  const rows = sessions.map((s) => [
    s.sessionId.slice(0, idLength),
    formatAge(s.lastActivity, now),
    `${s.approximate ? "~" : ""}${s.messageCount}`,
    `$${s.costUsd.toFixed(2)}`,
    `${s.busy ? "[running] " : ""}${s.firstPrompt || "(no prompt yet)"}`,
  ]);
  const header = ["ID", "LAST ACTIVE", "MSGS", "COST", "FIRST PROMPT"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const rightAligned = new Set([2, 3]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell;
        const width = widths[i] ?? 0;
        return rightAligned.has(i) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ");
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

function uniquePrefixLength(ids: readonly string[]): number {
  const longest = Math.max(0, ...ids.map((id) => id.length));
  for (let length = 8; length < longest; length++) {
    if (new Set(ids.map((id) => id.slice(0, length))).size === ids.length) return length;
  }
  return longest;
}

function fail(io: SessionsCommandIo, error: CairnError): number {
  io.stderr.write(`cairn: ${error.message}\n`);
  if (error.hint) io.stderr.write(`${error.hint}\n`);
  return 1;
}
