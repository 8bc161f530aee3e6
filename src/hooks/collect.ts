// Turns what the hooks of one event did (exit codes, stdout, stderr) into what cairn acts on:
// blocks, context for the model, permission decisions, a request to stop, and lines for the user.
// Pure: the service runs the processes and applies the result.

import type { HookEvent, CommandHandler } from "./hook-table.ts";
import { parseStdout } from "./hook-output.ts";
import type { HandlerRun } from "./run-handler.ts";

export interface HookMessage {
  event: HookEvent;
  /** The hook's command, when the line is about one hook. */
  command?: string;
  text: string;
  level: "info" | "warning";
}

export interface Fired {
  handler: CommandHandler;
  run: HandlerRun;
}

export interface PermissionVerdict {
  decision: "allow" | "deny" | "ask";
  reason?: string;
}

export interface Collected {
  /** Set when a hook answered `continue: false`: the run ends with this reason. */
  stop?: string;
  /** Exit-2 stderr and `decision: "block"` reasons, in configuration order. */
  blocks: string[];
  /** `additionalContext`, and plain stdout where the event sends it to the model. */
  contexts: string[];
  decisions: PermissionVerdict[];
  updatedInputs: Array<Record<string, unknown>>;
  messages: HookMessage[];
}

/** Events where a plain stdout line is context for the model rather than a log line. */
const plainTextIsContext: ReadonlySet<HookEvent> = new Set(["UserPromptSubmit", "SessionStart"]);
/** Events where exit 2 or `decision: "block"` means something; elsewhere stderr is only shown. */
const blockingEvents: ReadonlySet<HookEvent> = new Set([
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "Stop",
  "SubagentStop",
]);
const contextEvents: ReadonlySet<HookEvent> = new Set([
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "SessionStart",
]);

export function collect(event: HookEvent, fired: readonly Fired[]): Collected {
  const out: Collected = {
    blocks: [],
    contexts: [],
    decisions: [],
    updatedInputs: [],
    messages: [],
  };
  for (const { handler, run } of fired) {
    const command = handler.command;
    const say = (text: string, level: HookMessage["level"] = "warning"): void => {
      out.messages.push({ event, command, text, level });
    };
    if (run.aborted) continue;
    if (run.spawnError !== undefined) {
      say(`${event} hook \`${command}\` could not start: ${run.spawnError}`);
      continue;
    }
    if (run.timedOut) {
      say(
        `${event} hook \`${command}\` ran longer than ${handler.timeoutMs / 1000} s and was stopped`,
      );
      continue;
    }
    const stderr = run.stderr.trim();
    if (run.exitCode === 2) {
      if (blockingEvents.has(event)) {
        out.blocks.push(stderr !== "" ? stderr : `${event} hook \`${command}\` exited with code 2`);
      } else if (stderr !== "") {
        say(`${event} hook \`${command}\`: ${stderr}`);
      }
      continue;
    }
    if (run.exitCode !== 0) {
      say(
        `${event} hook \`${command}\` failed with exit code ${String(run.exitCode)}` +
          (stderr !== "" ? `: ${stderr}` : ""),
      );
      continue;
    }
    const stdout = parseStdout(run.stdout);
    switch (stdout.kind) {
      case "empty":
        break;
      case "text":
        if (plainTextIsContext.has(event)) out.contexts.push(stdout.text);
        break;
      case "invalid":
        say(`${event} hook \`${command}\`: ${stdout.problem}; its output was ignored`);
        break;
      case "json": {
        const o = stdout.output;
        if (o.continue === false && out.stop === undefined) {
          out.stop = o.stopReason ?? `a ${event} hook stopped the run`;
        }
        if (o.systemMessage !== undefined && o.systemMessage.trim() !== "") {
          say(o.systemMessage.trim(), "info");
        }
        if (o.decision !== undefined) {
          if (event === "PreToolUse") {
            out.decisions.push({
              decision: o.decision === "approve" ? "allow" : "deny",
              ...(o.reason !== undefined ? { reason: o.reason } : {}),
            });
          } else if (o.decision === "block" && blockingEvents.has(event)) {
            out.blocks.push(o.reason ?? `blocked by ${event} hook \`${command}\``);
          }
        }
        const specific = o.hookSpecificOutput;
        if (specific === undefined) break;
        if (specific.hookEventName !== undefined && specific.hookEventName !== event) {
          say(
            `${event} hook \`${command}\`: hookSpecificOutput.hookEventName is "${specific.hookEventName}", expected "${event}"; hookSpecificOutput was ignored`,
          );
          break;
        }
        if (event === "PreToolUse") {
          const decision = specific.permissionDecision;
          if (decision !== undefined && decision !== "defer") {
            out.decisions.push({
              decision,
              ...(specific.permissionDecisionReason !== undefined
                ? { reason: specific.permissionDecisionReason }
                : {}),
            });
          }
          if (specific.updatedInput !== undefined) out.updatedInputs.push(specific.updatedInput);
        }
        if (specific.additionalContext !== undefined && contextEvents.has(event)) {
          out.contexts.push(specific.additionalContext);
        }
        break;
      }
      default: {
        const never: never = stdout;
        return never;
      }
    }
  }
  return out;
}

/** The strongest decision wins: deny over ask over allow. Exit-2 blocks count as denials. */
export function permissionVerdict(collected: Collected): PermissionVerdict | undefined {
  if (collected.blocks.length > 0) {
    return { decision: "deny", reason: collected.blocks.join("\n") };
  }
  for (const decision of ["deny", "ask", "allow"] as const) {
    const chosen = collected.decisions.filter((d) => d.decision === decision);
    if (chosen.length === 0) continue;
    const reasons = chosen
      .map((d) => d.reason)
      .filter((r): r is string => r !== undefined && r !== "");
    return { decision, ...(reasons.length > 0 ? { reason: reasons.join("\n") } : {}) };
  }
  return undefined;
}
