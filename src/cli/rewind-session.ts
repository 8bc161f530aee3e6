// `cairn rewind`: picks the session (the latest in this folder, or --session <id>), holds its lock
// while restoring, and with --conversation also rewinds the transcript to before that turn.

import { join } from "node:path";
import { realpath } from "node:fs/promises";
import { CairnError } from "../core/errors.ts";
import { cairnHome } from "../config/index.ts";
import { openCheckpoints } from "../checkpoints/index.ts";
import {
  findSession,
  latestSession,
  openTranscriptForAppend,
  projectDir,
  sessionPaths,
} from "../sessions/index.ts";
import { parseRewindArgs, runRewindCommand } from "./rewind-command.ts";
import type { CommandIo } from "./subcommands.ts";

export async function rewindSessionCommand(
  argv: readonly string[],
  io: CommandIo,
): Promise<number> {
  const rest: string[] = [];
  let sessionArg: string | undefined;
  let conversation = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (token === "--session") sessionArg = argv[++i];
    else if (token.startsWith("--session=")) sessionArg = token.slice("--session=".length);
    else if (token === "--conversation") conversation = true;
    else rest.push(token);
  }
  const restoring =
    rest.some((t) => t === "--to" || t.startsWith("--to=")) && !rest.includes("--dry-run");
  try {
    const home = cairnHome(io.env);
    const root = await realpath(io.cwd);
    const session =
      sessionArg !== undefined
        ? await findSession(home, root, sessionArg)
        : await latestSession(home, root);
    if (!session) {
      throw new CairnError(
        "session_not_found",
        `no session in ${root} to rewind`,
        "cairn sessions lists this folder's sessions; cairn rewind --session <id> picks one.",
      );
    }
    const folder = join(
      sessionPaths(projectDir(home, root), session.sessionId).dataDir,
      "checkpoints",
    );
    if (conversation && !restoring) {
      throw new CairnError("bad_flag", "--conversation goes with --to <turn>");
    }
    if (!restoring) return await runRewindCommand(rest, { ...io, checkpointsFolder: folder });
    // Restoring writes files and (with --conversation) the transcript: nobody else may be at it.
    const { writer } = await openTranscriptForAppend(session.path);
    try {
      const code = await runRewindCommand(rest, { ...io, checkpointsFolder: folder });
      if (code !== 0 || !conversation) return code;
      const turn = parseRewindArgs(rest).to ?? 0;
      const summary = (await (await openCheckpoints(folder)).list()).find((t) => t.index === turn);
      if (summary?.messageId === undefined) {
        io.stderr.write(
          `cairn: turn ${turn} has no recorded place in the transcript; the conversation was not rewound\n`,
        );
        return 1;
      }
      writer.append({ type: "rewind", toEntry: Number(summary.messageId) });
      await writer.sync();
      io.stdout.write(
        `The conversation of session ${session.sessionId} now ends before turn ${turn}; cairn -c goes on from there.\n`,
      );
      return 0;
    } finally {
      await writer.close();
    }
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    io.stderr.write(`cairn: ${error.message}\n${error.hint ? `${error.hint}\n` : ""}`);
    return 1;
  }
}
