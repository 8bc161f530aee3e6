// `cairn rewind` for one session's checkpoints folder: lists the turns with what each changed, or
// puts the files back as they were before a turn. Choosing the session and rewinding the
// conversation are the caller's job.

import * as z from "zod/mini";
import {
  openCheckpoints,
  type RestorePlan,
  type RestoreReport,
  type TurnSummary,
} from "../checkpoints/index.ts";
import { CairnError } from "../core/errors.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";

useEnglishValidationMessages();

export interface RewindIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The session's checkpoints folder. */
  checkpointsFolder: string;
}

export const rewindHelp = `Usage: cairn rewind [--to <turn>] [--dry-run]

Without options, lists the session's turns: when each began, its prompt, the files cairn's tools
changed and the shell commands whose changes are not covered.

  --to <turn>   put every file changed in that turn or later back as it was before the turn
  --dry-run     with --to: show what would change, change nothing

Only changes made by cairn's file tools are restored; changes made by shell commands are not.
`;

const turnNumber = z
  .string()
  .check(z.regex(/^[1-9][0-9]*$/, "expected a turn number (1, 2, …) as listed by `cairn rewind`"));

interface RewindArgs {
  to?: number;
  dryRun: boolean;
  help: boolean;
}

export async function runRewindCommand(argv: readonly string[], io: RewindIo): Promise<number> {
  let args: RewindArgs;
  try {
    args = parseRewindArgs(argv);
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    return fail(io, error);
  }
  if (args.help) {
    io.stdout.write(rewindHelp);
    return 0;
  }
  try {
    const store = await openCheckpoints(io.checkpointsFolder);
    if (args.to === undefined) {
      io.stdout.write(formatTurns(await store.list()));
      return 0;
    }
    const plan = await store.planRestore(args.to);
    if (args.dryRun) {
      io.stdout.write(formatPlan(plan));
      return 0;
    }
    const report = await store.restore(plan);
    io.stdout.write(formatReport(plan, report));
    return report.results.some((r) => r.outcome === "failed") ? 1 : 0;
  } catch (error) {
    if (!(error instanceof CairnError)) throw error;
    return fail(io, error);
  }
}

export function parseRewindArgs(argv: readonly string[]): RewindArgs {
  const args: RewindArgs = { dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--dry-run") args.dryRun = true;
    else if (arg === "-h" || arg === "--help") args.help = true;
    else if (arg === "--to" || arg.startsWith("--to=")) {
      const value = arg === "--to" ? argv[++i] : arg.slice("--to=".length);
      if (value === undefined) throw badFlag("--to needs a turn number");
      const parsed = turnNumber.safeParse(value);
      if (!parsed.success) {
        throw badFlag(`--to: ${parsed.error.issues[0]?.message ?? "invalid"}, got "${value}"`);
      }
      args.to = Number(parsed.data);
    } else {
      throw badFlag(`unknown option "${arg}"`);
    }
  }
  if (args.dryRun && args.to === undefined) throw badFlag("--dry-run needs --to <turn>");
  return args;
}

export function formatTurns(turns: readonly TurnSummary[]): string {
  if (turns.length === 0) return "No turns recorded for this session yet.\n";
  const lines: string[] = [];
  for (const turn of turns) {
    lines.push(`${turn.index}  ${shortTime(turn.at)}  ${turn.prompt}`);
    lines.push(
      turn.files.length === 0
        ? "     no files changed by cairn's tools"
        : `     ${plural(turn.files.length, "file")} changed: ${turn.files.join(", ")}`,
    );
    for (const item of turn.unsaved) {
      lines.push(`     not saved: ${item.path} (${item.reason})`);
    }
    if (turn.uncovered.length > 0) {
      const commands = turn.uncovered.map((u) => u.command).join("; ");
      lines.push(
        `     not covered: ${plural(turn.uncovered.length, "shell command")}: ${commands}`,
      );
    }
    for (const to of turn.rewinds) lines.push(`     rewound files to before turn ${to}`);
  }
  lines.push("", "Restore files to before a turn with: cairn rewind --to <turn>");
  return `${lines.join("\n")}\n`;
}

export function formatPlan(plan: RestorePlan): string {
  const lines = [`Would restore files to before turn ${plan.toTurn} (${plan.prompt}):`];
  const changing = plan.items.filter((item) => item.action !== "unchanged");
  if (changing.length === 0) lines.push("  nothing to change");
  for (const item of plan.items) {
    const verb =
      item.action === "not_covered"
        ? "not covered"
        : item.action === "unchanged"
          ? "unchanged"
          : item.target.kind === "missing"
            ? "delete"
            : "restore";
    const why = item.target.kind === "unsaved" ? ` (${item.target.reason})` : "";
    lines.push(`  ${verb.padEnd(11)} ${item.path}${why}`);
    if (item.conflict !== undefined) lines.push(`              conflict: ${item.conflict}`);
  }
  lines.push(...uncoveredLines(plan));
  return `${lines.join("\n")}\n`;
}

export function formatReport(plan: RestorePlan, report: RestoreReport): string {
  const lines = [`Restored files to before turn ${report.toTurn} (${plan.prompt}):`];
  if (report.results.length === 0) lines.push("  no file was changed in or after that turn");
  for (const result of report.results) {
    const label = result.outcome === "not_covered" ? "not covered" : result.outcome;
    const why = result.detail !== undefined ? `: ${result.detail}` : "";
    lines.push(`  ${label.padEnd(11)} ${result.path}${why}`);
    if (result.conflict !== undefined) {
      lines.push(`              conflict (overwritten): ${result.conflict}`);
    }
  }
  lines.push(...uncoveredLines(plan));
  return `${lines.join("\n")}\n`;
}

function uncoveredLines(plan: RestorePlan): string[] {
  if (plan.uncovered.length === 0) return [];
  return [
    `Not covered: ${plural(plan.uncovered.length, "shell command")} ran in these turns; what they changed was not restored:`,
    ...plan.uncovered.map((u) => `  turn ${u.turn}: ${u.command}`),
  ];
}

function shortTime(iso: string): string {
  // "2025-06-01T12:00:03.000Z" -> "2025-06-01 12:00:03Z": seconds are enough to tell turns apart.
  return iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function badFlag(message: string): CairnError {
  return new CairnError("bad_flag", `rewind: ${message}`, "Run `cairn rewind --help` for usage.");
}

function fail(io: RewindIo, error: CairnError): number {
  io.stderr.write(`cairn: ${error.message}\n`);
  if (error.hint) io.stderr.write(`${error.hint}\n`);
  return 1;
}
