// The hooks of the effective settings, compiled once per session: per event, the matcher groups
// cairn can run. What it cannot run (unknown events, http/prompt/agent handlers) is named once.

import type { HookMatcher } from "../config/index.ts";
import { compileMatcher, type CompiledMatcher } from "./matcher.ts";

export const hookEvents = [
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "Notification",
  "Stop",
  "SubagentStop",
  "PreCompact",
  "SessionStart",
  "SessionEnd",
] as const;

export type HookEvent = (typeof hookEvents)[number];

/** Events whose matcher is ignored: every group of theirs applies. */
const unmatchedEvents: ReadonlySet<HookEvent> = new Set([
  "UserPromptSubmit",
  "Stop",
  "SubagentStop",
]);

export const defaultTimeoutMs = 60_000;

export interface CommandHandler {
  command: string;
  timeoutMs: number;
}

export interface HookGroup {
  matcher: CompiledMatcher;
  handlers: readonly CommandHandler[];
}

export type HookTable = ReadonlyMap<HookEvent, readonly HookGroup[]>;

export interface CompiledHooks {
  table: HookTable;
  /** For the person: events cairn does not run, handler types it skips, bad regexes. */
  warnings: string[];
}

function isHookEvent(name: string): name is HookEvent {
  return (hookEvents as readonly string[]).includes(name);
}

export function compileHooks(
  hooks: Readonly<Record<string, readonly HookMatcher[]>>,
): CompiledHooks {
  const table = new Map<HookEvent, HookGroup[]>();
  const warnings: string[] = [];
  const skippedTypes = new Set<string>();
  const unknownEvents: string[] = [];
  for (const [event, groups] of Object.entries(hooks)) {
    if (!isHookEvent(event)) {
      unknownEvents.push(event);
      continue;
    }
    const compiled: HookGroup[] = [];
    for (const group of groups) {
      const handlers: CommandHandler[] = [];
      for (const handler of group.hooks) {
        if (handler.type !== "command") {
          skippedTypes.add(handler.type);
          continue;
        }
        handlers.push({
          command: handler.command,
          timeoutMs: handler.timeout !== undefined ? handler.timeout * 1000 : defaultTimeoutMs,
        });
      }
      if (handlers.length === 0) continue;
      const matcher = unmatchedEvents.has(event)
        ? compileMatcher(undefined)
        : compileMatcher(group.matcher);
      if (matcher.error !== undefined) {
        warnings.push(
          `hooks: ${event} matcher ${JSON.stringify(group.matcher)} is not a valid regular expression (${matcher.error}); it matches only that exact name`,
        );
      }
      compiled.push({ matcher, handlers });
    }
    if (compiled.length > 0) table.set(event, compiled);
  }
  if (unknownEvents.length > 0) {
    warnings.push(
      `hooks: cairn does not run hooks for ${unknownEvents.join(", ")} (it runs ${hookEvents.join(", ")})`,
    );
  }
  if (skippedTypes.size > 0) {
    warnings.push(
      `hooks: handlers of type ${[...skippedTypes].join(", ")} are skipped; cairn runs only "command" handlers`,
    );
  }
  return { table, warnings };
}

/**
 * The handlers that apply to `subject` (a tool name, a source, a trigger…), each command once:
 * the same command configured in two files, or under two matching groups, runs once, with the
 * longest timeout any of them gave.
 */
export function handlersFor(
  table: HookTable,
  event: HookEvent,
  subject: string | undefined,
): CommandHandler[] {
  const byCommand = new Map<string, CommandHandler>();
  for (const group of table.get(event) ?? []) {
    if (subject !== undefined && !group.matcher.test(subject)) continue;
    for (const handler of group.handlers) {
      const seen = byCommand.get(handler.command);
      if (!seen || seen.timeoutMs < handler.timeoutMs) byCommand.set(handler.command, handler);
    }
  }
  return [...byCommand.values()];
}
