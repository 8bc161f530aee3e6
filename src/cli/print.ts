// Print mode (`cairn -p`): runs the agent without a UI and writes the documented output
// contract to stdout (text, json or stream-json). Progress and warnings go to stderr only.

import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { AgentEvent } from "../core/events.ts";
import { CairnError, errorMessage } from "../core/errors.ts";
import { newSessionId } from "../core/ids.ts";
import { userText, type UserMessage } from "../core/messages.ts";
import { emptyRun, type Conversation, type RunResult } from "../agent/index.ts";
import type { DebugLog } from "../config/index.ts";
import type { Persistence } from "./persistence.ts";
import type { CliArgs } from "./args.ts";
import { describeFailure } from "./describe-failure.ts";
import {
  eventMessages,
  hookMessageLine,
  initMessage,
  resultMessage,
  type PermissionDenial,
} from "./output-messages.ts";
import {
  closeSession,
  describeTranscript,
  openSession,
  type OpenedSession,
} from "./session-setup.ts";
import type { Session } from "./setup.ts";
import { mcpInitInfo, waitForMcp, withMcpMentions } from "./mcp-frontend.ts";
import { expandSlashPrompt, type SlashPrompt } from "./slash-prompt.ts";
import { parseStreamJsonLine, readAll } from "./stdin.ts";

const stdinGraceMs = 3000;

export interface PrintIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on SIGINT/SIGTERM/SIGHUP; `reason` says which. */
  signal: AbortSignal;
  version: string;
}

/** Runs print mode; returns the process exit code. */
export async function runPrint(args: CliArgs, cwd: string, io: PrintIo): Promise<number> {
  const started = performance.now();
  const writeLine = (value: unknown): void => {
    io.stdout.write(`${JSON.stringify(value)}\n`);
  };
  const warn = (message: string): void => {
    io.stderr.write(`cairn: ${message}\n`);
  };
  const structured = args.outputFormat !== "text";
  let sessionId = args.sessionId ?? newSessionId();
  let opened: OpenedSession;
  try {
    opened = await openSession(args, cwd, {
      env: io.env,
      warn,
      label: "print mode",
      onSessionId: (id) => {
        sessionId = id;
      },
      // stdout is the output contract: hook lines join it only as stream-json system lines.
      onHookMessage: (message) => {
        if (args.outputFormat === "stream-json") writeLine(hookMessageLine(message, sessionId));
        else warn(message.text);
      },
    });
  } catch (error) {
    // A setup failure still honours the output contract: scripts get a result object.
    if (structured) writeSetupFailure(error);
    throw error;
  }
  const { session, persistence, debug } = opened;
  try {
    for (const warning of session.warnings) warn(warning);
    if (session.sandboxWarning !== undefined) warn(session.sandboxWarning);
    await describeTranscript(persistence, session);
  } catch (error) {
    await persistence.close();
    debug.log("setup failed", { error: errorMessage(error), stack: (error as Error).stack });
    if (structured) writeSetupFailure(error);
    throw error;
  }

  try {
    return await driveSession({
      args,
      cwd,
      io,
      session,
      sessionId,
      persistence,
      started,
      debug,
      writeLine,
      warn,
    });
  } finally {
    try {
      await session.hooks?.sessionEnd("other");
    } finally {
      await closeSession(opened);
    }
  }

  function writeSetupFailure(error: unknown): void {
    writeLine(
      resultMessage({
        run: emptyRun("error", error),
        sessionId,
        durationMs: performance.now() - started,
        denials: [],
        errors: [errorMessage(error)],
      }),
    );
  }
}

interface Drive {
  args: CliArgs;
  cwd: string;
  io: PrintIo;
  session: Session;
  sessionId: string;
  persistence: Persistence;
  started: number;
  debug: DebugLog;
  writeLine: (value: unknown) => void;
  warn: (message: string) => void;
}

/** Runs the prompt (or each stream-json message) and writes the output; returns the exit code. */
async function driveSession(drive: Drive): Promise<number> {
  const { args, cwd, io, session, sessionId, persistence, started, debug, writeLine, warn } = drive;
  const model = { ...session.resolved.info, id: session.resolved.model };
  debug.log("session", {
    provider: session.provider.id,
    baseUrl: session.provider.baseUrl,
    model: session.resolved.model,
    knownModel: session.resolved.info.known,
    tools: session.tools.map((t) => t.name),
    permissionMode: session.policy.mode,
  });
  await waitForMcp(session, warn);
  if (args.outputFormat === "stream-json") {
    writeLine(
      initMessage({
        ...mcpInitInfo(session),
        sessionId,
        cwd,
        model: session.resolved.model,
        tools: session.tools.map((t) => t.name),
        permissionMode: session.policy.mode,
        version: io.version,
        apiKeySource: session.apiKeySource,
        slashCommands: session.prompts.registry.list().map((c) => c.name),
        skills: session.prompts.skills,
        agents: session.agentTypes,
      }),
    );
  }

  const conversation: Conversation = { messages: persistence.messages };
  if (args.compact) return compactOnly(drive, conversation);
  // Its context waits in the hooks service and joins the first prompt.
  await session.hooks?.sessionStart(persistence.resumed ? "resume" : "startup", io.signal);
  const denials: PermissionDenial[] = [];
  const emit = (event: AgentEvent): void => {
    if (event.type !== "stream") debug.log(`event ${event.type}`, summarise(event));
    persistence.record(event);
    if (event.type === "retry") {
      warn(
        `${event.error}; retrying in ${(event.delayMs / 1000).toFixed(1)} s ` +
          `(attempt ${event.attempt}/${event.maxRetries})`,
      );
    }
    if (event.type === "compaction" && event.trigger === "auto") {
      warn(
        event.summary === null
          ? `context: old tool output elided (about ${event.tokensBefore} → ${event.tokensAfter} tokens)`
          : `context: conversation compacted into a summary (about ${event.tokensBefore} → ${event.tokensAfter} tokens)`,
      );
    }
    // A subagent's denied calls are the run's too: the result lists them and stderr says so.
    const denied = event.type === "subagent" ? event.event : event;
    if (denied.type === "permission_denied") {
      denials.push({
        tool_name: denied.toolName,
        tool_use_id: denied.toolUseId,
        tool_input: denied.input,
      });
    }
    if (args.outputFormat === "stream-json") {
      for (const line of eventMessages(event, sessionId, args.includePartialMessages))
        writeLine(line);
    }
  };

  let last: RunResult | undefined;
  let lastErrors: string[] = [];
  // Each run (one per stream-json message) reports its own duration and denials.
  let runStarted = started;
  const runOne = async (prompt: UserMessage, agent = session.agent): Promise<RunResult> => {
    denials.length = 0;
    prompt = await withMcpMentions(session, prompt, io.signal, warn);
    await persistence.beginRun(prompt);
    const run = await agent.run(conversation, prompt, { signal: io.signal, emit });
    await persistence.endRun(run, performance.now() - runStarted);
    lastErrors = runErrors(run, io.signal);
    debug.log("run ended", {
      outcome: run.outcome,
      numTurns: run.numTurns,
      usage: run.usage,
      error: run.error?.message,
      stack: run.error?.stack,
    });
    if (args.outputFormat === "stream-json") {
      writeLine(
        resultMessage({
          run,
          sessionId,
          model,
          durationMs: performance.now() - runStarted,
          denials,
          errors: lastErrors,
        }),
      );
    }
    runStarted = performance.now();
    return run;
  };

  if (args.inputFormat === "stream-json") {
    let lineNumber = 0;
    // The signal closes the reader, so SIGINT/SIGTERM end a session waiting for its next line.
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, signal: io.signal });
    for await (const line of lines) {
      lineNumber++;
      const prompt = parseStreamJsonLine(line, lineNumber, warn);
      if (!prompt) continue;
      // A message that is only `/name args` runs that custom command or skill.
      const only = prompt.content.length === 1 ? prompt.content[0] : undefined;
      const slash =
        only?.type === "text" ? await expandSlashPrompt(session, only.text, io.signal) : undefined;
      last = slash ? await runSlashPrompt(drive, slash, "", runOne) : await runOne(prompt);
      if (last.outcome === "aborted") break;
    }
    lines.close();
    if (!last && io.signal.aborted) last = emptyRun("aborted");
    if (!last) {
      throw new CairnError(
        "bad_input",
        "no user message on stdin",
        "Send at least one stream-json user message.",
      );
    }
  } else {
    const prompt = await textPrompt(args, io);
    const slash =
      prompt === undefined ? undefined : await expandSlashPrompt(session, args.prompt, io.signal);
    if (prompt === undefined) last = emptyRun("aborted");
    else if (slash) last = await runSlashPrompt(drive, slash, prompt, runOne);
    else last = await runOne(userText(prompt));
  }
  if (last.outcome === "aborted" && lastErrors.length === 0) {
    // Interrupted while waiting for input: no run wrote a result line yet.
    lastErrors = runErrors(last, io.signal);
    if (args.outputFormat === "stream-json") {
      writeLine(
        resultMessage({ run: last, sessionId, model, durationMs: 0, denials, errors: lastErrors }),
      );
    }
  }

  if (args.outputFormat === "json") {
    writeLine(
      resultMessage({
        run: last,
        sessionId,
        model,
        durationMs: performance.now() - runStarted,
        denials,
        errors: lastErrors,
      }),
    );
  } else if (
    args.outputFormat === "text" &&
    last.outcome === "success" &&
    // A prompt a hook blocked has no answer, not an empty one (the hook's reason is on stderr).
    !(last.hookStopped !== undefined && last.finalText === "")
  ) {
    io.stdout.write(last.finalText.endsWith("\n") ? last.finalText : `${last.finalText}\n`);
  }
  // Whatever the format, a failed run also says why on stderr, where people look.
  for (const line of lastErrors) warn(line);
  if (denials.length > 0) {
    warn(
      `${denials.length} tool call(s) were denied (${[...new Set(denials.map((d) => d.tool_name))].join(", ")}): ` +
        "print mode cannot ask. Allow them with --allowedTools or --permission-mode.",
    );
  }
  return exitCode(last, io.signal);
}

/**
 * Runs a custom command's or skill's expansion (after any piped input) with its allowed-tools
 * granted for the run and on its model, if it names one that can be reached.
 */
async function runSlashPrompt(
  drive: Drive,
  slash: SlashPrompt,
  joined: string,
  runOne: (prompt: UserMessage, agent?: Session["agent"]) => Promise<RunResult>,
): Promise<RunResult> {
  const { args, session, warn } = drive;
  for (const note of slash.notes) warn(`${slash.invoked}: ${note}`);
  // Piped input comes first in the joined prompt; the argument (the /command) last.
  const argument = args.prompt?.trim() ?? "";
  const piped = joined.endsWith(argument) ? joined.slice(0, joined.length - argument.length) : "";
  let agent = session.agent;
  if (slash.model !== undefined) {
    try {
      agent = (await session.withAgent({ model: slash.model })).agent;
    } catch (error) {
      warn(
        `${slash.invoked}: model ${slash.model} cannot be used (${errorMessage(error)}); using ${session.resolved.model}`,
      );
    }
  }
  const release = session.prompts.grant(slash.allow);
  try {
    const prompt = userText([piped.trim(), slash.text].filter((p) => p !== "").join("\n\n"));
    // An MCP prompt's images follow its text.
    if (slash.images) prompt.content.push(...slash.images);
    return await runOne(prompt, agent);
  } finally {
    release();
  }
}

/**
 * `cairn -p --compact [instructions]` with -c/-r: summarises the session's conversation now and
 * ends; the summary is the result. The next --continue goes on from the summary.
 */
async function compactOnly(drive: Drive, conversation: Conversation): Promise<number> {
  const { args, io, session, sessionId, persistence, started, writeLine, warn } = drive;
  if (!persistence.resumed) {
    throw new CairnError(
      "bad_flag",
      "--compact needs a session to compact",
      "Add --continue (the latest session here) or --resume <id>.",
    );
  }
  const compacted = await session.agent.compact(conversation, {
    signal: io.signal,
    emit: (event) => persistence.record(event),
    ...(args.prompt !== undefined ? { instructions: args.prompt } : {}),
  });
  const text =
    compacted.summary ??
    (compacted.outcome === "nothing_to_compact"
      ? `Nothing to compact: ${compacted.reason ?? "the conversation is already short"}`
      : "");
  const run: RunResult = {
    outcome:
      compacted.outcome === "aborted"
        ? "aborted"
        : compacted.outcome === "error"
          ? "error"
          : "success",
    finalText: text,
    numTurns: 0,
    usage: compacted.usage,
    costUsd: compacted.costUsd,
    apiDurationMs: compacted.apiDurationMs,
    stopReason: null,
    ...(compacted.error ? { error: compacted.error } : {}),
  };
  await persistence.endRun(run, performance.now() - started);
  const errors = runErrors(run, io.signal);
  if (args.outputFormat === "text") {
    if (run.outcome === "success") io.stdout.write(`${text}\n`);
  } else {
    writeLine(
      resultMessage({
        run,
        sessionId,
        model: { ...session.resolved.info, id: session.resolved.model },
        durationMs: performance.now() - started,
        denials: [],
        errors,
      }),
    );
  }
  for (const line of errors) warn(line);
  if (compacted.outcome === "compacted") {
    warn(`compacted: about ${compacted.tokensBefore} → ${compacted.tokensAfter} tokens`);
  }
  return exitCode(run, io.signal);
}

/** What the debug log keeps of an event: its shape, not whole messages. */
function summarise(event: AgentEvent): unknown {
  switch (event.type) {
    case "assistant":
      return { ...event.turn, blocks: event.message.content.map((b) => b.type) };
    case "user":
      return { origin: event.origin, blocks: event.message.content.length };
    case "compaction": {
      const { messages, summary, ...rest } = event;
      return { ...rest, messages: messages.length, summaryChars: summary?.length ?? 0 };
    }
    default:
      return event;
  }
}

/** The prompt from the argument and/or stdin; undefined if a signal arrived while waiting. */
async function textPrompt(args: CliArgs, io: PrintIo): Promise<string | undefined> {
  // With a prompt argument, piped input is optional context: don't wait forever for a parent
  // that never closes our stdin. Without one, stdin is the prompt and is worth waiting for.
  const hasArgument = args.prompt !== undefined && args.prompt.trim() !== "";
  let piped = "";
  if (!io.stdin.isTTY) {
    const text = await readAll(io.stdin, {
      signal: io.signal,
      ...(hasArgument ? { firstDataTimeoutMs: stdinGraceMs } : {}),
    });
    if (io.signal.aborted) return undefined;
    if (text === undefined) {
      io.stderr.write(
        `cairn: no input arrived on stdin within ${stdinGraceMs / 1000} s; going on without it ` +
          "(redirect stdin from /dev/null to skip the wait)\n",
      );
    }
    piped = text ?? "";
  }
  const parts = [piped.trim(), args.prompt?.trim() ?? ""].filter((p) => p !== "");
  if (parts.length === 0) {
    throw new CairnError(
      "bad_input",
      "no prompt given",
      'Pass it as an argument (cairn -p "fix the failing test") or on standard input.',
    );
  }
  return parts.join("\n\n");
}

function runErrors(run: RunResult, signal: AbortSignal): string[] {
  switch (run.outcome) {
    case "success":
      return [];
    case "max_turns":
      return [`Reached the maximum number of turns (${run.numTurns})`];
    case "aborted":
      return signal.reason === "EPIPE"
        ? ["Stopped: the reader of standard output went away"]
        : [`Interrupted by ${typeof signal.reason === "string" ? signal.reason : "SIGINT"}`];
    case "error":
      return [describeFailure(run.error)];
    default: {
      const never: never = run.outcome;
      return never;
    }
  }
}

const abortExitCodes: Readonly<Record<string, number>> = {
  SIGTERM: 143,
  SIGINT: 130,
  SIGHUP: 129,
  EPIPE: 141,
};

function exitCode(run: RunResult, signal: AbortSignal): number {
  // A signal decides the exit code even when it arrived between two stream-json messages.
  if (run.outcome === "aborted" || signal.aborted) {
    return (typeof signal.reason === "string" ? abortExitCodes[signal.reason] : undefined) ?? 130;
  }
  return run.outcome === "success" ? 0 : 1;
}
