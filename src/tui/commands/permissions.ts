// `/permissions`: the mode and the rules in effect with where each came from; `allow|ask|deny
// <rule>` adds a rule for this session, `mode <mode>` switches the mode.

import { parseRule, permissionModes, type PermissionMode } from "../../permissions/index.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { columns, shortPath } from "./format.ts";
import { usageError } from "./usage.ts";

type RuleKind = "allow" | "ask" | "deny";
const kinds: readonly RuleKind[] = ["allow", "ask", "deny"];

export const modeDescriptions: Readonly<Record<PermissionMode, string>> = {
  default: "asks before edits and commands that no rule allows",
  acceptEdits: "file edits in the workspace go ahead; other changes ask",
  plan: "read-only: the agent explores and proposes a plan, changing nothing",
  dontAsk: "whatever would ask is denied instead",
  bypassPermissions: "nothing asks except ask rules and risky deletions; deny rules still apply",
};

export const permissionsCommand: SlashCommand = {
  name: "permissions",
  description: "Show the mode and rules; add a rule or set the mode (mode <name>)",
  argumentHint: "[allow|ask|deny <rule>]",
  aliases: ["allowed-tools"],
  run(args, context) {
    if (args === "") {
      context.notice(overview(context));
      return;
    }
    const match = /^(\S+)\s*([\s\S]*)$/.exec(args);
    const verb = (match?.[1] ?? "").toLowerCase();
    const rest = (match?.[2] ?? "").trim();
    if (verb === "mode") {
      setMode(rest, context);
      return;
    }
    const kind = kinds.find((k) => k === verb);
    if (kind === undefined)
      throw usageError(permissionsCommand, `unknown action "${match?.[1] ?? ""}"`);
    addRule(kind, rest, context);
  },
};

function overview(context: CommandContext): string {
  const { status, rules, ruleOrigins } = context.info;
  const root = context.info.workspaceRoot ?? context.info.cwd;
  const lines = [
    `Mode: ${status.mode} (${modeDescriptions[status.mode]})`,
    "  Shift+Tab cycles the mode; /permissions mode <mode> picks one.",
  ];
  for (const kind of kinds) {
    const listed: Array<{ rule: string; origin: string | undefined }> =
      ruleOrigins !== undefined
        ? ruleOrigins.filter((r) => r.kind === kind)
        : rules[kind].map((rule) => ({ rule, origin: undefined }));
    lines.push(`${kind[0]?.toUpperCase()}${kind.slice(1)} rules:`);
    if (listed.length === 0) {
      lines.push("  (none)");
      continue;
    }
    const rows = listed.map(({ rule, origin }) => [
      `  ${rule}`,
      origin === undefined ? "" : origin.startsWith("(") ? origin : shortPath(origin, root),
    ]);
    lines.push(...columns(rows));
  }
  lines.push(
    "",
    "/permissions allow|ask|deny <rule> adds a rule for this session, e.g. /permissions allow Bash(npm test:*).",
    'To keep one: cairn config add --scope project permissions.allow "Bash(npm test:*)".',
  );
  return lines.join("\n");
}

function setMode(text: string, context: CommandContext): void {
  const mode = permissionModes.find((m) => m.toLowerCase() === text.toLowerCase());
  if (mode === undefined) {
    throw usageError(
      permissionsCommand,
      text === ""
        ? "name a mode"
        : `unknown mode "${text}"; the modes are ${permissionModes.join(", ")}`,
    );
  }
  context.setMode(mode);
  context.notice(`Permission mode: ${mode} (${modeDescriptions[mode]}).`);
}

function addRule(kind: RuleKind, text: string, context: CommandContext): void {
  if (text === "")
    throw usageError(
      permissionsCommand,
      `${kind} needs a rule, like Bash(npm test:*) or Edit(src/**)`,
    );
  // Throws a CairnError saying what a rule looks like; run.ts shows it.
  const rule = parseRule(text, `/permissions ${kind}`).source;
  if (!context.addRule) {
    context.notice(
      `Rules cannot be added from here. To add it: cairn config add --scope local permissions.${kind} "${rule}"`,
      "warning",
    );
    return;
  }
  context.addRule(kind, rule);
  context.notice(
    `Added ${kind} rule ${rule} for this session. To keep it: cairn config add --scope project permissions.${kind} "${rule}"`,
  );
}
