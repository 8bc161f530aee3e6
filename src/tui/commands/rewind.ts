// `/rewind [turn] [conversation]`: lists the session's turns with the files each changed, or puts
// the files (and optionally the conversation) back as they were before a turn. The restore runs
// in the controller, through the session's own checkpoint store.

import { openCheckpoints, type TurnSummary } from "../../checkpoints/index.ts";
import type { CommandContext, RewindOutcome, SlashCommand } from "../types.ts";
import { plural, shortPath } from "./format.ts";
import { usageError, words } from "./usage.ts";
import { formatAge } from "../../core/format-age.ts";

const conversationWords = new Set(["conversation", "--conversation", "-c", "both", "all", "chat"]);
const filesOnlyWords = new Set(["files", "--files", "code"]);

export const rewindCommand: SlashCommand = {
  name: "rewind",
  description: "List the turns, or put files (and the conversation) back to before one",
  argumentHint: "[turn] [conversation]",
  async run(args, context) {
    const given = words(args).filter((w) => w !== "turn" && w !== "to");
    if (given.length === 0) {
      await showTurns(context);
      return;
    }
    const [turnText = "", mode, ...extra] = given;
    if (!/^#?[1-9][0-9]*$/.test(turnText)) {
      throw usageError(
        rewindCommand,
        `"${turnText}" is not a turn number (1, 2, … as /rewind lists them)`,
      );
    }
    if (
      extra.length > 0 ||
      (mode !== undefined && !conversationWords.has(mode) && !filesOnlyWords.has(mode))
    ) {
      throw usageError(rewindCommand, `unexpected "${[mode, ...extra].join(" ")}"`);
    }
    const turn = Number(turnText.replace("#", ""));
    const conversation = mode !== undefined && conversationWords.has(mode);
    const turns = await listTurns(context);
    if (turns !== undefined && !turns.some((t) => t.index === turn)) {
      throw usageError(
        rewindCommand,
        turns.length === 0
          ? "no turns are recorded in this session yet"
          : `there is no turn ${turn}; this session has turns 1 to ${turns.length}`,
      );
    }
    if (!context.rewind) {
      const session = context.info.sessionId;
      context.notice(
        `To rewind, exit (/exit) and run: cairn rewind --session ${session} --to ${turn}` +
          (conversation ? " --conversation" : ""),
      );
      return;
    }
    const outcome = await context.rewind(turn, { conversation });
    const failed = outcome.report.results.some((r) => r.outcome === "failed");
    context.notice(formatOutcome(outcome, conversation, context), failed ? "warning" : "info");
  },
};

async function listTurns(context: CommandContext): Promise<TurnSummary[] | undefined> {
  const folder = context.info.checkpointsFolder;
  if (folder === undefined) return undefined;
  return (await openCheckpoints(folder)).list();
}

async function showTurns(context: CommandContext): Promise<void> {
  const turns = await listTurns(context);
  if (turns === undefined) {
    context.notice(
      "This session keeps no checkpoints (session persistence is off), so there is nothing to rewind.",
      "warning",
    );
    return;
  }
  if (turns.length === 0) {
    context.notice("No turns recorded in this session yet.");
    return;
  }
  const now = context.now?.() ?? new Date();
  const lines = ["Turns of this session:"];
  const width = String(turns.length).length;
  for (const turn of turns) {
    const at = new Date(turn.at);
    const when = Number.isNaN(at.getTime()) ? turn.at : formatAge(at, now);
    const indent = " ".repeat(width + 4);
    lines.push(`  ${String(turn.index).padStart(width)}  ${turn.prompt}  (${when})`);
    lines.push(
      turn.files.length === 0
        ? `${indent}no files changed by cairn's tools`
        : `${indent}${plural(turn.files.length, "file")} changed: ${turn.files.map((f) => shortIn(f, context)).join(", ")}`,
    );
    for (const item of turn.unsaved) {
      lines.push(`${indent}not saved: ${shortIn(item.path, context)} (${item.reason})`);
    }
    if (turn.uncovered.length > 0) {
      lines.push(
        `${indent}not covered (${plural(turn.uncovered.length, "shell command")}): ${turn.uncovered.map((u) => u.command).join("; ")}`,
      );
    }
    for (const to of turn.rewinds) lines.push(`${indent}rewound files to before turn ${to}`);
  }
  lines.push(
    "",
    "/rewind <turn> puts files back as they were before that turn; /rewind <turn> conversation",
    "also rewinds the conversation to there. Only changes made by cairn's file tools are undone.",
  );
  context.notice(lines.join("\n"));
}

function formatOutcome(
  outcome: RewindOutcome,
  conversationAsked: boolean,
  context: CommandContext,
): string {
  const { plan, report } = outcome;
  const lines = [`Files put back as they were before turn ${report.toTurn} (${plan.prompt}):`];
  if (report.results.length === 0) lines.push("  no file was changed in or after that turn");
  for (const result of report.results) {
    const label = result.outcome === "not_covered" ? "not covered" : result.outcome;
    lines.push(
      `  ${label.padEnd(11)} ${shortIn(result.path, context)}${result.detail !== undefined ? `: ${result.detail}` : ""}`,
    );
    if (result.conflict !== undefined) {
      lines.push(`              changed outside cairn, overwritten: ${result.conflict}`);
    }
  }
  if (plan.uncovered.length > 0) {
    lines.push(
      `Not undone: ${plural(plan.uncovered.length, "shell command")} ran since then and what they changed stays:`,
      ...plan.uncovered.map((u) => `  turn ${u.turn}: ${u.command}`),
    );
  }
  if (outcome.conversationRewound) {
    lines.push(`The conversation now ends before turn ${report.toTurn}.`);
  } else if (conversationAsked) {
    lines.push(
      "The conversation was not rewound: that turn has no recorded place in the transcript.",
    );
  } else {
    lines.push(
      `The conversation is unchanged; /rewind ${report.toTurn} conversation rewinds it too.`,
    );
  }
  return lines.join("\n");
}

function shortIn(path: string, context: CommandContext): string {
  return shortPath(path, context.info.workspaceRoot ?? context.info.cwd);
}
