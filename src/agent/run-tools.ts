// The one path every tool call takes: validate input -> PreToolUse hooks -> permission decision
// -> (ask the front-end) -> run -> PostToolUse hooks -> cap the result. Read-only calls of a turn run concurrently; results go
// back in the order the model asked, one tool_result per tool_use, whatever happens.

import type { AgentEvent } from "../core/events.ts";
import type { ToolResultBlock, ToolUseBlock } from "../core/messages.ts";
import {
  analyzeCommand,
  createShellParser,
  decide,
  prepareQuery,
  type Decision,
  type PermissionPolicy,
  type PermissionQuery,
  type ShellParser,
} from "../permissions/index.ts";
import {
  describeInputError,
  toolSpec,
  type Access,
  type Spend,
  type Tool,
  type ToolOutput,
  type ToolSession,
} from "../tools/index.ts";
import { mapBounded } from "../core/map-bounded.ts";
import type { AgentHooks, PreToolUseOutcome } from "./hooks-port.ts";
import { lenientInput } from "./lenient-input.ts";

export interface PermissionRequest {
  toolUseId: string;
  toolName: string;
  input: unknown;
  access: Access;
  reason: string;
}

export type PermissionAnswer = { behavior: "allow" } | { behavior: "deny"; message?: string };

/** Supplied by the front-end; absent means nobody can be asked, so "ask" becomes "deny". */
export type AskPermission = (
  request: PermissionRequest,
  signal: AbortSignal,
) => Promise<PermissionAnswer>;

/**
 * Keeps files' earlier states so a rewind can restore them (src/checkpoints implements it). The
 * orchestrator calls it for every call that was allowed to run: `beforeChange` with the paths of
 * a file write (if it fails, the call does not run), `afterChange` once it ran, `noteUncovered`
 * for a command whose changes cannot be saved.
 */
export interface CheckpointHook {
  /**
   * Awaited once per turn before any of its tools runs: the session's record of what led here
   * (the transcript) must be on disk before a tool can have effects.
   */
  beforeTools?(): Promise<void>;
  beforeChange(paths: readonly string[]): Promise<void>;
  afterChange?(paths: readonly string[]): Promise<void>;
  noteUncovered(tool: string, command: string): void | Promise<void>;
}

export interface ToolRunOptions {
  tools: ReadonlyMap<string, Tool>;
  /** Read before each decision: a front-end may change the mode or add a rule mid-turn. */
  policy: () => PermissionPolicy;
  askPermission: AskPermission | undefined;
  session: ToolSession;
  signal: AbortSignal;
  emit: (event: AgentEvent) => void;
  /** Tool-use ids whose streamed input was not valid JSON. */
  invalidInputs: ReadonlyMap<string, string>;
  maxResultChars: number;
  maxConcurrency: number;
  checkpoints?: CheckpointHook;
  /** Receives what model calls inside a tool cost (the Task tool's subagent). */
  reportSpend?: (spend: Spend) => void;
  /** PreToolUse and PostToolUse hooks; absent means none. */
  hooks?: AgentHooks;
  /** Told once when a hook answered `continue: false`; calls not yet run are then refused. */
  onStopRun?: (reason: string) => void;
}

/** What hooks of this batch said about stopping the run, shared by every call of the batch. */
interface HookStopState {
  reason?: string;
}

type Prepared =
  | { kind: "done"; result: ToolResultBlock }
  | {
      kind: "run";
      call: ToolUseBlock;
      tool: Tool;
      input: unknown;
      access: Access;
      /** What the permission decision saw, to tell whether it still holds when the call runs. */
      query: PermissionQuery;
      /** What PreToolUse hooks said (their decision is applied by `authorize`). */
      hook?: PreToolUseOutcome;
    };

export const interruptedMessage = "Interrupted by the user: the tool call did not complete.";

export async function runToolCalls(
  calls: readonly ToolUseBlock[],
  options: ToolRunOptions,
): Promise<ToolResultBlock[]> {
  const stop: HookStopState = {};
  const prepared: Prepared[] = [];
  for (const call of calls) {
    prepared.push(
      stop.reason === undefined
        ? await prepare(call, options, stop)
        : { kind: "done", result: errorResult(call.id, hookStoppedMessage(stop.reason)) },
    );
  }

  const results = new Map<string, ToolResultBlock>();
  for (const p of prepared) if (p.kind === "done") results.set(p.result.tool_use_id, p.result);

  const runnable = prepared.filter(
    (p): p is Extract<Prepared, { kind: "run" }> => p.kind === "run",
  );
  if (runnable.length > 0) await options.checkpoints?.beforeTools?.();
  // Every call was judged before any ran. Once a mutating call has run (a `cd`, a new symlink),
  // a later call is judged again if what it would access now resolves differently.
  let changed = false;
  for (const batch of batches(runnable)) {
    if (stop.reason !== undefined) break;
    const settled = await mapBounded(batch, options.maxConcurrency, async (job) => {
      const refused = changed ? await recheck(job, options) : undefined;
      return refused ?? execute(job, options, stop);
    });
    for (const result of settled) results.set(result.tool_use_id, result);
    if (batch.some((job) => !job.tool.readOnly)) changed = true;
  }
  if (stop.reason !== undefined) options.onStopRun?.(stop.reason);
  const missing = stop.reason !== undefined ? hookStoppedMessage(stop.reason) : interruptedMessage;
  // Every call gets exactly one result, in the model's order.
  return calls.map((call) => results.get(call.id) ?? errorResult(call.id, missing));
}

function hookStoppedMessage(reason: string): string {
  return `Not run: a hook stopped the run (${reason}).`;
}

async function prepare(
  call: ToolUseBlock,
  options: ToolRunOptions,
  stop: HookStopState,
): Promise<Prepared> {
  const done = (content: string): Prepared => ({
    kind: "done",
    result: errorResult(call.id, content),
  });
  if (options.signal.aborted) return done(interruptedMessage);
  const tool = options.tools.get(call.name);
  if (!tool) {
    const known = [...options.tools.keys()].join(", ") || "none";
    return done(`No tool named "${call.name}" exists. Available tools: ${known}.`);
  }
  const invalid = options.invalidInputs.get(call.id);
  if (invalid !== undefined) {
    return done(
      `The input for ${call.name} was ${invalid}. Call ${call.name} again with a complete, valid JSON object.`,
    );
  }
  let parsed = tool.input.safeParse(call.input);
  if (!parsed.success) {
    // A value sent as a JSON string ("[...]", "5000", "true") is read as its type and tried
    // once more; the model is told about the first failure only if that does not help.
    const lenient = lenientInput(call.input, toolSpec(tool).inputSchema);
    const retried = lenient === undefined ? undefined : tool.input.safeParse(lenient);
    if (!retried?.success) return done(describeInputError(call.name, parsed.error));
    parsed = retried;
  }

  // Hooks judge the validated input, before the permission decision; what they answer is
  // applied below, and never grants more than the rules allow (see `authorize`).
  const hook = options.hooks?.preToolUse
    ? await options.hooks.preToolUse(
        { toolUseId: call.id, toolName: tool.name, input: parsed.data },
        options.signal,
      )
    : undefined;
  if (options.signal.aborted) return done(interruptedMessage);
  if (hook?.stopRun !== undefined) {
    stop.reason ??= hook.stopRun;
    return done(hookStoppedMessage(hook.stopRun));
  }
  if (hook?.decision === "deny") {
    const denial = `A PreToolUse hook blocked ${tool.name}: ${hook.reason ?? "no reason given"}`;
    return { kind: "done", result: denied(call, tool, denial, options) };
  }
  if (hook?.updatedInput !== undefined) {
    // A hook's input is judged like the model's: the tool's schema, then the permission engine.
    parsed = tool.input.safeParse(hook.updatedInput);
    if (!parsed.success) {
      return done(
        `${describeInputError(call.name, parsed.error)} (the input came from a PreToolUse hook's updatedInput)`,
      );
    }
  }

  const access = tool.describeAccess(parsed.data);
  const query = await queryFor(tool, access, options.session);
  const refused = await authorize(call, tool, parsed.data, access, query, options, hook);
  return refused
    ? { kind: "done", result: refused }
    : { kind: "run", call, tool, input: parsed.data, access, query, ...(hook ? { hook } : {}) };
}

/** The decision, asking the front-end if it says so; an error result when the call may not run. */
async function authorize(
  call: ToolUseBlock,
  tool: Tool,
  input: unknown,
  access: Access,
  query: PermissionQuery,
  options: ToolRunOptions,
  hook?: PreToolUseOutcome,
): Promise<ToolResultBlock | undefined> {
  const decision = withHookDecision(decide(options.policy(), query), hook);
  let denial: string | undefined;
  if (decision.behavior === "deny") {
    denial = `Permission to use ${tool.name} was denied: ${decision.reason}.`;
  } else if (decision.behavior === "ask") {
    const answer = options.askPermission
      ? await options.askPermission(
          { toolUseId: call.id, toolName: tool.name, input, access, reason: decision.reason },
          options.signal,
        )
      : ({
          behavior: "deny",
          message: `${decision.reason}, and no one was available to approve it`,
        } as const);
    if (options.signal.aborted) return errorResult(call.id, interruptedMessage);
    if (answer.behavior === "deny") {
      denial = `Permission to use ${tool.name} was denied: ${answer.message ?? "the user declined"}.`;
    }
  }
  if (denial === undefined && access.kind === "command") {
    denial = await approveUnsandboxed(call, tool, input, access, options);
    if (options.signal.aborted) return errorResult(call.id, interruptedMessage);
  }
  if (denial !== undefined) return denied(call, tool, denial, options);
  return undefined;
}

/** A refused call: reported to the front-end as a denial, answered to the model with why. */
function denied(
  call: ToolUseBlock,
  tool: Tool,
  denial: string,
  options: ToolRunOptions,
): ToolResultBlock {
  options.emit({
    type: "permission_denied",
    toolUseId: call.id,
    toolName: tool.name,
    input: call.input,
    reason: denial,
  });
  return errorResult(call.id, denial);
}

/**
 * A command allowed by the rules still needs the sandbox the user asked for. When it cannot be
 * had, the user decides (once per session) whether commands may run without it; nobody to ask
 * means no. Returns the denial, or undefined when the command may run.
 */
async function approveUnsandboxed(
  call: ToolUseBlock,
  tool: Tool,
  input: unknown,
  access: Access,
  options: ToolRunOptions,
): Promise<string | undefined> {
  const executor = options.session.executor;
  if (!executor.needsUnsandboxedApproval()) return undefined;
  const why = executor.unavailableReason ?? "The sandbox is required but unavailable.";
  const answer = options.askPermission
    ? await options.askPermission(
        {
          toolUseId: call.id,
          toolName: tool.name,
          input,
          access,
          reason: `the sandbox was asked for but cannot run here, so this would run without it (${why})`,
        },
        options.signal,
      )
    : ({
        behavior: "deny",
        message: `${why} Running it without the sandbox needs the user's approval, and no one was available to give it`,
      } as const);
  if (answer.behavior === "allow") {
    executor.allowUnsandboxed();
    return undefined;
  }
  return `Permission to use ${tool.name} was denied: ${answer.message ?? "the user declined to run it without the sandbox"}.`;
}

/**
 * A PreToolUse hook's word on top of the rules': "ask" asks even where a rule allows; "allow"
 * answers only an ask the mode's default made (no deny or ask rule, no safety check matched).
 */
function withHookDecision(decision: Decision, hook: PreToolUseOutcome | undefined): Decision {
  if (hook?.decision === "ask" && decision.behavior === "allow") {
    return {
      behavior: "ask",
      reason: `a PreToolUse hook asks: ${hook.reason ?? "no reason given"}`,
    };
  }
  if (hook?.decision === "allow" && decision.behavior === "ask" && decision.byDefault === true) {
    return {
      behavior: "allow",
      reason: `allowed by a PreToolUse hook${hook.reason !== undefined ? `: ${hook.reason}` : ""}`,
    };
  }
  return decision;
}

/** Judges a call again if what it accesses resolves differently now than when it was judged. */
async function recheck(
  job: Extract<Prepared, { kind: "run" }>,
  options: ToolRunOptions,
): Promise<ToolResultBlock | undefined> {
  if (options.signal.aborted) return errorResult(job.call.id, interruptedMessage);
  const query = await queryFor(job.tool, job.access, options.session);
  if (JSON.stringify(query) === JSON.stringify(job.query)) return undefined;
  return authorize(job.call, job.tool, job.input, job.access, query, options, job.hook);
}

/** What the permission decision needs: paths resolved, a command analysed (see prepareQuery). */
function queryFor(tool: Tool, access: Access, session: ToolSession): Promise<PermissionQuery> {
  return prepareQuery(tool, access, {
    workspace: session.workspace,
    shellCwd: session.shell.cwd,
    home: session.home,
    platform: session.platform,
    analyze: (command) => analyzeCommand(shellParser(session), command),
    readable: [session.outputDir],
  });
}

async function execute(
  job: Extract<Prepared, { kind: "run" }>,
  options: ToolRunOptions,
  stop: HookStopState,
): Promise<ToolResultBlock> {
  const { call, tool } = job;
  if (options.signal.aborted) return errorResult(call.id, interruptedMessage);
  options.emit({ type: "tool_start", toolUseId: call.id, name: tool.name, input: job.input });
  const checkpoint = await checkpointBefore(job, options);
  let output: ToolOutput;
  if (checkpoint.refused !== undefined) {
    output = { content: checkpoint.refused, isError: true };
  } else {
    try {
      output = await tool.run(job.input, {
        cwd: options.session.workspace.root,
        signal: options.signal,
        session: options.session,
        toolUseId: call.id,
        emit: options.emit,
        ...(options.reportSpend ? { reportSpend: options.reportSpend } : {}),
      });
    } catch (error) {
      const message = options.signal.aborted
        ? interruptedMessage
        : `${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`;
      output = { content: message, isError: true };
    }
    const note = checkpoint.note ?? (await checkpointAfter(checkpoint.paths, options));
    if (note !== undefined) output = withNote(output, note);
  }
  options.emit({
    type: "tool_end",
    toolUseId: call.id,
    name: tool.name,
    isError: output.isError === true,
    display: output.display,
    ...(output.isError === true ? { errorText: errorPreview(output.content) } : {}),
  });
  output = await afterToolHooks(job, output, options, stop);
  return {
    type: "tool_result",
    tool_use_id: call.id,
    content: capContent(output.content, options.maxResultChars),
    ...(output.isError ? { is_error: true } : {}),
  };
}

/**
 * PostToolUse hooks, and what PreToolUse hooks added: their feedback and context go to the model
 * beside the tool's result (the tool already ran; nothing here can undo it).
 */
async function afterToolHooks(
  job: Extract<Prepared, { kind: "run" }>,
  output: ToolOutput,
  options: ToolRunOptions,
  stop: HookStopState,
): Promise<ToolOutput> {
  let result = output;
  if (job.hook?.additionalContext !== undefined) {
    result = withNote(result, `PreToolUse hook context: ${job.hook.additionalContext}`);
  }
  const post = options.hooks?.postToolUse;
  if (post === undefined || options.signal.aborted) return result;
  const outcome = await post(
    {
      toolUseId: job.call.id,
      toolName: job.tool.name,
      input: job.input,
      response: output.content,
      isError: output.isError === true,
    },
    options.signal,
  );
  if (outcome.feedback !== undefined) {
    result = withNote(result, `PostToolUse hook feedback: ${outcome.feedback}`);
  }
  if (outcome.additionalContext !== undefined) {
    result = withNote(result, `PostToolUse hook context: ${outcome.additionalContext}`);
  }
  if (outcome.stopRun !== undefined) stop.reason ??= outcome.stopRun;
  return result;
}

interface CheckpointStep {
  /** Set when the call must not run: its files could not be backed up. */
  refused?: string;
  /** Set when the call may run but what it does could not be recorded. */
  note?: string;
  /** The files saved before the call, to record again after it. */
  paths: readonly string[];
}

/**
 * Saves the files a write will change before it runs, or names a command whose changes cannot
 * be saved. A write whose files could not be saved does not run: a rewind must never find a
 * change it has no earlier copy of.
 */
async function checkpointBefore(
  job: Extract<Prepared, { kind: "run" }>,
  options: ToolRunOptions,
): Promise<CheckpointStep> {
  const hook = options.checkpoints;
  if (hook === undefined) return { paths: [] };
  const { access } = job.query;
  if (access.kind === "write") {
    const paths = access.paths.map((path) => path.absolute);
    try {
      await hook.beforeChange(paths);
      return { paths };
    } catch (error) {
      const shown = access.paths.map((path) => path.display).join(", ");
      return {
        paths: [],
        refused: `${job.tool.name} did not run: ${shown} could not be backed up for /rewind (${errorText(error)}). No file was changed.`,
      };
    }
  }
  if (access.kind === "command" && !job.tool.readOnly) {
    try {
      await hook.noteUncovered(job.tool.name, access.command);
    } catch (error) {
      return {
        paths: [],
        note: `cairn could not record this command in the session's checkpoints (${errorText(error)}).`,
      };
    }
  }
  return { paths: [] };
}

/** Records what a write left behind; a failure is told, not fatal (the change is already made). */
async function checkpointAfter(
  paths: readonly string[],
  options: ToolRunOptions,
): Promise<string | undefined> {
  if (paths.length === 0 || options.checkpoints?.afterChange === undefined) return undefined;
  try {
    await options.checkpoints.afterChange(paths);
    return undefined;
  } catch (error) {
    return `cairn could not record the result of this change in the session's checkpoints (${errorText(error)}); /rewind may call later edits of these files conflicts.`;
  }
}

function withNote(output: ToolOutput, note: string): ToolOutput {
  const content =
    typeof output.content === "string"
      ? `${output.content}\n\n[${note}]`
      : [...output.content, { type: "text" as const, text: `[${note}]` }];
  return { ...output, content };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The session's shell parser, created by the first command (it loads its grammar on first use). */
function shellParser(session: ToolSession): ShellParser {
  return (session.shellParser.current ??= createShellParser());
}

/** Consecutive read-only calls form one concurrent batch; a mutating call runs alone. */
function batches<T extends { tool: Tool }>(jobs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (const job of jobs) {
    const last = out.at(-1);
    if (job.tool.readOnly && last?.[0]?.tool.readOnly) last.push(job);
    else out.push([job]);
  }
  return out;
}

/** What a front-end shows of a failed call: the start of its text, never a whole output. */
function errorPreview(content: ToolOutput["content"]): string {
  const text =
    typeof content === "string"
      ? content
      : content.map((block) => (block.type === "text" ? block.text : "")).join("\n");
  return text.length > errorPreviewChars ? `${text.slice(0, errorPreviewChars)}…` : text;
}

const errorPreviewChars = 2_000;

function capContent(content: ToolOutput["content"], max: number): ToolResultBlock["content"] {
  if (typeof content !== "string" || content.length <= max) return content;
  const omitted = content.length - max;
  return `${content.slice(0, max)}\n\n[output truncated: ${omitted} more characters not shown]`;
}

export function errorResult(toolUseId: string, content: string): ToolResultBlock {
  return { type: "tool_result", tool_use_id: toolUseId, content, is_error: true };
}
