// The interactive session behind the screen: opens the session as print mode does, runs one
// prompt at a time (prompts typed meanwhile wait in a queue), answers the agent's permission
// questions through the screen, switches the permission mode, and offers slash commands what
// they may do (CommandContext). It renders nothing: the screen reads its store.

import { join } from "node:path";
import {
  emptyRun,
  type Conversation,
  type PermissionAnswer,
  type PermissionRequest,
} from "../agent/index.ts";
import { CairnError, errorMessage } from "../core/errors.ts";
import type { AgentEvent } from "../core/events.ts";
import { userText } from "../core/messages.ts";
import { addUsage, emptyUsage, type Usage } from "../core/usage.ts";
import { parseRule, type PermissionMode, type Rule } from "../permissions/index.ts";
import { costUsd, type Env } from "../providers/index.ts";
import { loadTranscript, oneLine, promptsOf, workspaceKey } from "../sessions/index.ts";
import type { CliArgs } from "../cli/args.ts";
import { describeFailure } from "../cli/describe-failure.ts";
import { openPersistence, type Persistence } from "../cli/persistence.ts";
import {
  closeSession,
  describeTranscript,
  loadSessionMemory,
  openFreshPersistence,
  openSession,
  type OpenedSession,
} from "../cli/session-setup.ts";
import type { Session } from "../cli/setup.ts";
import { subagentSpend } from "../extensions/agents/index.ts";
import { customSlashCommands, shadowedText } from "./commands/custom.ts";
import { runEditor } from "./editor.ts";
import { pendingPermission } from "./permission-request.ts";
import { saveProjectRule } from "./project-rule.ts";
import { appendInterruptionNote, interruptionNote } from "./interruption.ts";
import { historyFromMessages } from "./resumed-history.ts";
import { mcpReport, withMcpMentions } from "../cli/mcp-frontend.ts";
import type { ImageBlock } from "../core/messages.ts";
import { createMcpUi, type McpUi } from "./mcp-ui.ts";
import { sessionInfo } from "./session-info.ts";
import { shortPath } from "./tool-target.ts";
import type {
  CommandContext,
  EarlierPrompt,
  PendingPermission,
  PermissionChoice,
  SlashCommand,
  StatusLine,
} from "./types.ts";
import { initialViewState, type UiAction, type UiState } from "./view-model.ts";
import { createViewStore } from "./view-store.ts";

/** What the screen needs of the controller; app.tsx's tests hand in a fake. */
export interface UiController {
  /** Properties, not methods: React's useSyncExternalStore calls them unbound. */
  readonly getState: () => UiState;
  readonly subscribe: (listener: () => void) => () => void;
  /** A prompt or a slash command. A prompt typed while a run is busy waits for it to end. */
  submit(text: string): void;
  /** Esc: stops the running turn (and drops queued prompts, saying which). */
  interrupt(): void;
  answerPermission(choice: PermissionChoice): void;
  /** Shift+Tab: default → acceptEdits → plan → default (bypassPermissions if started with it). */
  cycleMode(): void;
  /**
   * Esc Esc on an empty prompt: the session's earlier prompts, newest first; empty (with a notice
   * saying why) while busy or when there are none. Absent (test fakes): Esc Esc does nothing.
   */
  earlierPrompts?(): Promise<EarlierPrompt[]>;
  /**
   * Goes back to just before `prompt`: the conversation (and transcript) is cut there, and with
   * `files` the files cairn changed since are put back. Says what it did in a notice; false when
   * it could not (busy, a failure), so the prompt's text is not put in the editor.
   */
  rewindToPrompt?(prompt: EarlierPrompt, options: { files: boolean }): Promise<boolean>;
  /** The app hands over what only Ink can do; returns a function that takes it back. */
  attachTerminal(terminal: TerminalHooks): () => void;
  readonly commands: readonly SlashCommand[];
  /** The MCP servers' questions and elicitation forms; absent when no server is configured. */
  readonly mcp?: McpUi;
  readonly cwd: string;
  /** The prompt history file of this folder. */
  readonly historyFile: string;
}

export interface TerminalHooks {
  /** Hands the terminal to a child process (an editor) while `run` runs. */
  suspend(run: () => Promise<void>): Promise<void>;
  /** Ends the UI (the caller then closes the controller). */
  exit(): void;
}

export interface Controller extends UiController {
  readonly context: CommandContext;
  /** Stops a run in progress and closes the session (background jobs, transcript). */
  close(): Promise<void>;
  /** Resolves once no run, compaction or queued prompt is left (for tests and scripts). */
  idle(): Promise<void>;
}

export interface ControllerOptions {
  args: CliArgs;
  /** The workspace root, a real path. */
  cwd: string;
  env: Env;
  version: string;
  commands: readonly SlashCommand[];
  /** Runs `input` when it is a slash command; false means it is a prompt for the model. */
  runCommand: (
    input: string,
    commands: readonly SlashCommand[],
    context: CommandContext,
  ) => Promise<boolean>;
  /** Whether `input` is a slash command (echoed as typed before it runs). */
  isCommand: (input: string) => boolean;
  /** The clock for tool durations. */
  now?: () => number;
  /** How long streamed text may wait before the screen hears of it (tests use 0). */
  frameMs?: number;
}

/** What a custom command's prompt runs with (PromptExpansion): extra allow rules, another model. */
interface PromptRunOptions {
  allow: readonly Rule[];
  model?: string;
  /** Sent after the text (an MCP prompt's images). */
  images?: readonly ImageBlock[];
}

/** Resumed conversations show at most this many items; the transcript keeps everything. */
const resumedItemsShown = 60;

/** What changes when the conversation is cleared or another session is resumed. */
interface Live {
  opened: OpenedSession;
  conversation: Conversation;
  /** The transcript exists and knows the model (done before the first run). */
  described: boolean;
  usage: Usage;
  costUsd: number;
}

interface Ask {
  pending: PendingPermission;
  answer: (answer: PermissionAnswer) => void;
}

export async function createController(options: ControllerOptions): Promise<Controller> {
  const { args, cwd, env } = options;
  const now = options.now ?? Date.now;
  // Filled in once the session is open; what setup warns about waits in `early` until then.
  const store = createViewStore(initialViewState(placeholderStatus, cwd), {
    ...(options.frameMs !== undefined ? { frameMs: options.frameMs } : {}),
  });
  const early: string[] = [];
  let ready = false;
  const dispatch = (action: UiAction): void => store.dispatch(action);
  const notice = (text: string, level: "info" | "warning" | "error" = "info"): void =>
    dispatch({ type: "notice", text, level });
  const warn = (text: string): void => {
    if (ready) notice(text, "warning");
    else early.push(text);
  };

  const asks: Ask[] = [];
  const showFirstAsk = (): void => {
    const first = asks[0];
    dispatch(
      first
        ? { type: "permission_asked", pending: first.pending }
        : { type: "permission_answered" },
    );
  };
  const askPermission = (request: PermissionRequest, signal: AbortSignal) =>
    new Promise<PermissionAnswer>((resolve) => {
      if (signal.aborted) {
        resolve({ behavior: "deny", message: "the run was interrupted" });
        return;
      }
      const onAbort = (): void => {
        const index = asks.indexOf(ask);
        if (index >= 0) asks.splice(index, 1);
        resolve({ behavior: "deny", message: "the run was interrupted" });
        if (index === 0) showFirstAsk();
      };
      const ask: Ask = {
        pending: pendingPermission(request, cwd),
        answer: (answer) => {
          signal.removeEventListener("abort", onAbort);
          resolve(answer);
        },
      };
      signal.addEventListener("abort", onAbort, { once: true });
      session().hooks?.notification?.(
        `cairn needs your permission to use ${request.toolName}`,
        "permission_prompt",
      );
      asks.push(ask);
      if (asks.length === 1) showFirstAsk();
    });

  const opened = await openSession(args, cwd, {
    env,
    warn,
    askPermission,
    label: "interactive",
    onHookMessage: (message) => {
      if (ready) notice(message.text, message.level);
      else early.push(message.text);
    },
    // Read when a hook runs, by which time `live` is set; /clear and /resume move it.
    hookSession: () => ({
      sessionId: live.opened.persistence.sessionId,
      transcriptPath: live.opened.persistence.transcriptPath,
    }),
  });
  let live: Live = {
    opened,
    conversation: { messages: opened.persistence.messages },
    described: false,
    usage: emptyUsage(),
    costUsd: 0,
  };
  const startMode = opened.session.policy.mode;
  const session = (): Session => live.opened.session;

  const statusOf = (): StatusLine => {
    const size = session().agent.contextSize(live.conversation);
    return {
      model: session().resolved.model,
      mode: session().policy.mode,
      contextTokens: size.tokens,
      contextWindow: size.window,
      costUsd: live.costUsd,
      backgroundShells: runningShells(session()),
    };
  };
  dispatch({ type: "status", status: statusOf() });
  ready = true;
  const resumed = resumedHistory(live.conversation, cwd);
  if (resumed.length > 0) dispatch({ type: "clear", history: resumed });
  for (const line of [...early, ...session().warnings]) notice(line, "warning");
  if (session().sandboxWarning !== undefined) notice(session().sandboxWarning ?? "", "warning");
  // MCP servers connect in the background: their tools join the next request once ready.
  const mcp = session().mcp;
  // Approval questions and elicitation forms go to the screen; /mcp decides too.
  const mcpUi = mcp ? createMcpUi({ mcp, notice }) : undefined;
  if (mcp) {
    mcp.ready().then(
      () => mcpReport(mcp, { approvalAsked: true }).forEach((line) => notice(line, "warning")),
      (error: unknown) => notice(`MCP: ${errorMessage(error)}`, "warning"),
    );
  }
  await session().hooks?.sessionStart(opened.persistence.resumed ? "resume" : "startup");

  let terminal: TerminalHooks | undefined;
  let run: { abort: AbortController; done: Promise<void> } | undefined;
  let activity: AbortController | undefined;
  let queue: string[] = [];
  const idleWaiters: Array<() => void> = [];
  let ruleWrites: Promise<void> = Promise.resolve();

  /** Submitted texts not yet started or queued (deciding whether they are commands). */
  let submitting = 0;
  const busy = (): boolean => run !== undefined || activity !== undefined || submitting > 0;
  const settleIdle = (): void => {
    if (busy() || queue.length > 0) return;
    for (const waiter of idleWaiters.splice(0)) waiter();
  };

  const emit = (event: AgentEvent): void => {
    if (event.type !== "stream") live.opened.debug.log(`event ${event.type}`);
    live.opened.persistence.record(event);
    const spent =
      event.type === "assistant"
        ? event.turn.usage
        : event.type === "compaction"
          ? event.usage
          : undefined;
    if (spent) {
      live.usage = addUsage(live.usage, spent);
      live.costUsd += costUsd(session().resolved.info.pricing, spent);
    }
    // A subagent's calls, priced for its own model, arrive with its Task call's end.
    const child = event.type === "tool_end" ? subagentSpend(event.display) : undefined;
    if (child) {
      live.usage = addUsage(live.usage, child.usage);
      live.costUsd += child.costUsd;
    }
    dispatch({ type: "agent", event, now: now() });
    // One status update after the event: the spend, and the shells a tool may have started.
    const priced = spent !== undefined || child !== undefined;
    if (priced || event.type === "tool_end") {
      dispatch({
        type: "status",
        status: {
          ...(priced ? { costUsd: live.costUsd } : {}),
          ...(event.type === "tool_end" ? { backgroundShells: runningShells(session()) } : {}),
        },
      });
    }
  };

  const ensureDescribed = async (): Promise<void> => {
    if (live.described) return;
    await describeTranscript(live.opened.persistence, session());
    live.described = true;
  };

  const startRun = async (text: string, forRun?: PromptRunOptions): Promise<void> => {
    const abort = new AbortController();
    let finished!: () => void;
    run = { abort, done: new Promise((resolve) => (finished = resolve)) };
    dispatch({ type: "run_started", prompt: text });
    const started = performance.now();
    try {
      await ensureDescribed();
      const typed = userText(text);
      if (forRun?.images) typed.content.push(...forRun.images);
      const prompt = await withMcpMentions(session(), typed, abort.signal, (line) =>
        notice(line, "warning"),
      );
      await live.opened.persistence.beginRun(prompt);
      // A custom command's model and allowed-tools hold for its run only.
      const agent = forRun?.model !== undefined ? await agentOn(forRun.model) : session().agent;
      const release = session().prompts.grant(forRun?.allow ?? []);
      const result = await agent
        .run(live.conversation, prompt, { signal: abort.signal, emit })
        .finally(release);
      if (result.outcome === "aborted" && abort.signal.reason === interruptReason) {
        noteInterruption();
      }
      await live.opened.persistence.endRun(result, performance.now() - started);
      live.opened.debug.log("run ended", {
        outcome: result.outcome,
        numTurns: result.numTurns,
        error: result.error?.message,
      });
      dispatch({
        type: "run_ended",
        result,
        now: now(),
        ...(result.outcome === "error" ? { errorText: describeFailure(result.error) } : {}),
      });
    } catch (error) {
      live.opened.debug.log("run failed", {
        error: errorMessage(error),
        stack: (error as Error).stack,
      });
      dispatch({
        type: "run_ended",
        now: now(),
        errorText:
          error instanceof CairnError && error.hint
            ? `${error.message}\n${error.hint}`
            : errorMessage(error),
        result: emptyRun("error"),
      });
    } finally {
      run = undefined;
      finished();
      dispatch({ type: "status", status: statusOf() });
      const next = queue.shift();
      dispatch({ type: "queued", prompts: [...queue] });
      if (next !== undefined) void startRun(next);
      else settleIdle();
    }
  };

  /** After Esc stopped a run the conversation says so, in the transcript too (a resume reads the same). */
  const noteInterruption = (): void => {
    const note = appendInterruptionNote(live.conversation.messages);
    live.opened.persistence.record({ type: "user", message: note, origin: "prompt" });
  };

  /**
   * Cuts the conversation back to its state just before transcript line `toEntry`, as
   * `cairn rewind --conversation` does: a `rewind` entry, then the conversation read back from
   * the transcript (which also undoes compactions and merged prompts since then).
   */
  const rewindConversation = async (toEntry: number): Promise<void> => {
    const persistence = live.opened.persistence;
    await persistence.recordRewind(toEntry);
    const path = persistence.transcriptPath;
    if (path === undefined) throw new CairnError("not_recorded", "this session is not recorded");
    const loaded = await loadTranscript(path);
    // In place: the persistence keeps the same array to count messages at each turn.
    live.conversation.messages.splice(0, live.conversation.messages.length, ...loaded.messages);
    dispatch({ type: "status", status: statusOf() });
  };

  const checkpointStore = async () => {
    const store = live.opened.persistence.checkpointStore();
    if (!store) {
      throw new CairnError(
        "not_recorded",
        "this session keeps no checkpoints (session persistence is off), so files cannot be put back",
      );
    }
    return store;
  };

  const ensureIdle = (what: string): void => {
    if (run || activity) {
      throw new CairnError(
        "busy",
        `cannot ${what} while cairn is working`,
        "Wait for it to finish, or press Esc to stop it first.",
      );
    }
  };

  /** Work that is not a run (compaction, a model switch): busy while it lasts, Esc stops it. */
  const withActivity = async <T>(
    label: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> => {
    const abort = new AbortController();
    activity = abort;
    dispatch({ type: "activity", label });
    try {
      return await work(abort.signal);
    } finally {
      activity = undefined;
      dispatch({ type: "activity", label: undefined });
      dispatch({ type: "status", status: statusOf() });
      settleIdle();
    }
  };

  /** Makes `next` the live session (a new transcript or another one), closing the old one. */
  const switchTo = async (persistence: Persistence, what: string): Promise<void> => {
    let next: Session;
    try {
      next = await session().withAgent({ checkpoints: persistence.checkpoints ?? null });
    } catch (error) {
      await persistence.close();
      throw error;
    }
    const old = live.opened.persistence;
    live = {
      opened: { ...live.opened, session: next, persistence },
      conversation: { messages: persistence.messages },
      described: false,
      usage: emptyUsage(),
      costUsd: 0,
    };
    await old.close();
    dispatch({ type: "clear", history: resumedHistory(live.conversation, cwd) });
    dispatch({ type: "status", status: statusOf() });
    notice(`${what} (session ${persistence.sessionId}).`);
  };

  const addRule = (kind: "allow" | "ask" | "deny", text: string, origin: string): Rule => {
    const rule = parseRule(text, origin, cwd);
    const labelled: Rule = { ...rule, source: `${rule.source} (${origin})` };
    const policy = session().policy;
    session().setPolicy({ ...policy, [kind]: [...policy[kind], labelled] });
    return labelled;
  };

  const setMode = (mode: PermissionMode): void => {
    if (mode === "bypassPermissions" && startMode !== "bypassPermissions") {
      notice(
        "bypassPermissions is available only when cairn starts with it (--permission-mode bypassPermissions).",
        "warning",
      );
      return;
    }
    session().setPolicy({ ...session().policy, mode });
    dispatch({ type: "status", status: { mode } });
  };

  /** A command's model, for one run; the session's own model when it cannot be reached. */
  const agentOn = async (model: string): Promise<Session["agent"]> => {
    try {
      return (await session().withAgent({ model })).agent;
    } catch (error) {
      notice(
        `Model ${model} cannot be used (${errorMessage(error)}); using ${session().resolved.model}.`,
        "warning",
      );
      return session().agent;
    }
  };

  // Custom commands and skills follow the built-ins; the list is rebuilt only when the names change
  // (an MCP server's prompts arrive later), and a clash with a built-in is told once.
  let custom: { key: string; commands: readonly SlashCommand[] } | undefined;
  const warnedShadows = new Set<string>();
  const allCommands = (): readonly SlashCommand[] => {
    const prompts = session().prompts.registry.list();
    const key = prompts.map((p) => p.name).join("\n");
    if (custom?.key !== key) {
      const built = customSlashCommands(options.commands, prompts);
      const fresh = built.shadowed.filter((s) => !warnedShadows.has(s.name));
      for (const s of fresh) warnedShadows.add(s.name);
      if (fresh.length > 0) notice(shadowedText(fresh), "warning");
      custom = { key, commands: [...options.commands, ...built.commands] };
    }
    return custom.commands;
  };
  // Built now, so a clash is told at start and never from inside a render.
  allCommands();

  const context: CommandContext = {
    notice,
    async clearConversation() {
      ensureIdle("clear the conversation");
      const fresh = await openFreshPersistence(args, cwd, live.opened.home, warn);
      await session().hooks?.sessionEnd("clear");
      await switchTo(fresh, "Started a new conversation");
      await session().hooks?.sessionStart("clear");
    },
    async compact(instructions) {
      ensureIdle("compact");
      await withActivity("Compacting the conversation", async (signal) => {
        await ensureDescribed();
        const result = await session().agent.compact(live.conversation, {
          signal,
          emit,
          ...(instructions !== undefined && instructions !== "" ? { instructions } : {}),
        });
        switch (result.outcome) {
          case "compacted":
            // Its context joins the next prompt, as after a start.
            await session().hooks?.sessionStart("compact", signal);
            return;
          case "nothing_to_compact":
            notice(`Nothing to compact: ${result.reason ?? "the conversation is already short"}.`);
            return;
          case "aborted":
            notice("Compaction interrupted.");
            return;
          case "error":
            notice(describeFailure(result.error), "error");
            return;
          default: {
            const never: never = result.outcome;
            return never;
          }
        }
      });
    },
    submitPrompt(text) {
      if (run || activity) {
        queue.push(text);
        dispatch({ type: "queued", prompts: [...queue] });
        return Promise.resolve();
      }
      return startRun(text);
    },
    async setModel(spec) {
      ensureIdle("change the model");
      const next = await withActivity("Switching model", () =>
        session().withAgent({ model: spec }),
      );
      live = { ...live, opened: { ...live.opened, session: next } };
      dispatch({ type: "status", status: statusOf() });
      notice(
        `Model: ${next.resolved.model}${next.resolved.info.known ? "" : " (not in cairn's catalog: context window and prices are guesses)"}.`,
      );
    },
    setMode,
    async openInEditor(path) {
      if (!terminal) throw new CairnError("no_terminal", "no terminal to open an editor in");
      await terminal.suspend(() => runEditor(path, env));
    },
    exit() {
      terminal?.exit();
    },
    get info() {
      return sessionInfo({
        live: live.opened,
        conversation: live.conversation,
        status: store.getState().status,
        usage: live.usage,
        version: options.version,
      });
    },
    addRule(kind, rule) {
      addRule(kind, rule, "session");
    },
    async resume(sessionId) {
      ensureIdle("switch sessions");
      const persistence = await openPersistence(
        { ...args, continue: false, resume: sessionId, forkSession: false, sessionId: undefined },
        { cairnHome: live.opened.home, root: cwd, warn },
      );
      await switchTo(persistence, "Resumed");
      await session().hooks?.sessionStart("resume");
    },
    async rewind(turn, options) {
      ensureIdle("rewind");
      const store = await checkpointStore();
      const plan = await store.planRestore(turn);
      const report = await store.restore(plan);
      const toEntry = plan.messageId === undefined ? NaN : Number(plan.messageId);
      const conversationRewound = options.conversation && Number.isInteger(toEntry);
      if (conversationRewound) await rewindConversation(toEntry);
      return { plan, report, conversationRewound };
    },
    async reloadMemory() {
      ensureIdle("reload memory files");
      const memory = await loadSessionMemory(cwd, live.opened.home, env, warn);
      const next = await session().withAgent({ memory: memory.text });
      live = { ...live, opened: { ...live.opened, session: next, memory } };
      dispatch({ type: "status", status: statusOf() });
    },
    get commands() {
      return allCommands();
    },
    ...(mcpUi ? { mcp: mcpUi } : {}),
    async runPromptCommand(command, commandArgs) {
      ensureIdle(`run /${command.name}`);
      const expansion = await withActivity(`Preparing /${command.name}`, (signal) =>
        session().expandPrompt(command, commandArgs, signal),
      );
      for (const note of expansion.notes) notice(`/${command.name}: ${note}`, "warning");
      await startRun(expansion.text, {
        allow: expansion.allow,
        ...(expansion.model !== undefined ? { model: expansion.model } : {}),
        ...(expansion.images ? { images: expansion.images } : {}),
      });
    },
  };

  const submitText = async (text: string): Promise<void> => {
    let handled: boolean;
    if (options.isCommand(text)) dispatch({ type: "command", text });
    try {
      handled = await options.runCommand(text, allCommands(), context);
    } catch (error) {
      notice(`/${text.slice(1).split(/\s/)[0] ?? ""} failed: ${errorMessage(error)}`, "error");
      live.opened.debug.log("command failed", {
        error: errorMessage(error),
        stack: (error as Error).stack,
      });
      handled = true;
    }
    submitting--;
    if (handled) {
      settleIdle();
    } else if (run || activity) {
      queue.push(text);
      dispatch({ type: "queued", prompts: [...queue] });
    } else {
      await startRun(text);
    }
  };

  return {
    getState: () => store.getState(),
    subscribe: (listener) => store.subscribe(listener),
    submit(text) {
      if (text.trim() === "") return;
      submitting++;
      void submitText(text);
    },
    interrupt() {
      if (queue.length > 0) {
        notice(
          `Dropped ${queue.length === 1 ? "a queued prompt" : `${queue.length} queued prompts`}: ${queue.map((q) => JSON.stringify(oneLine(q, 60))).join(", ")}`,
          "warning",
        );
        queue = [];
        dispatch({ type: "queued", prompts: [] });
      }
      if (run || activity) dispatch({ type: "interrupt_requested" });
      run?.abort.abort(interruptReason);
      activity?.abort(interruptReason);
    },
    answerPermission(choice) {
      const ask = asks.shift();
      if (!ask) return;
      switch (choice.type) {
        case "allow_once":
          break;
        case "allow_session":
          addRule("allow", choice.rule, "session");
          notice(`Allowed ${choice.rule} for the rest of this session.`);
          break;
        case "allow_project": {
          addRule("allow", choice.rule, ".cairn/settings.local.json");
          const home = live.opened.home;
          ruleWrites = ruleWrites.then(async () => {
            try {
              notice(
                await saveProjectRule(choice.rule, {
                  root: cwd,
                  cairnHome: home,
                  trustFlag: args.trust,
                }),
              );
            } catch (error) {
              notice(
                `Could not save ${choice.rule}: ${errorMessage(error)}. It applies to this session only.`,
                "error",
              );
            }
          });
          break;
        }
        case "deny":
          ask.answer({
            behavior: "deny",
            ...(choice.note !== undefined && choice.note.trim() !== ""
              ? { message: `the user declined and said: ${choice.note.trim()}` }
              : {}),
          });
          showFirstAsk();
          return;
        default: {
          const never: never = choice;
          return never;
        }
      }
      ask.answer({ behavior: "allow" });
      showFirstAsk();
    },
    cycleMode() {
      setMode(nextMode(session().policy.mode, startMode));
    },
    async earlierPrompts() {
      if (busy()) {
        notice("Esc Esc goes back to an earlier message once cairn is idle.", "warning");
        return [];
      }
      const prompts = await listEarlierPrompts(live.opened.persistence, cwd).catch(
        (error: unknown) => {
          notice(`Could not list the earlier messages: ${errorMessage(error)}`, "error");
          return [];
        },
      );
      if (prompts.length > 0) return prompts;
      notice(
        live.opened.persistence.transcriptPath === undefined &&
          live.conversation.messages.length > 0
          ? "This session is not recorded (--no-session-persistence), so there is no earlier message to go back to."
          : "No earlier message in this conversation to go back to.",
      );
      return prompts;
    },
    async rewindToPrompt(prompt, options) {
      try {
        ensureIdle("go back to an earlier message");
        let restored: string | undefined;
        if (options.files && prompt.turn !== undefined) {
          const store = await checkpointStore();
          const report = await store.restore(await store.planRestore(prompt.turn));
          restored = describeRestore(report.results, cwd);
        }
        await rewindConversation(prompt.entry);
        const files =
          restored ??
          (prompt.files.length === 0
            ? "No file was changed by cairn since then."
            : `Files were left as they are (${prompt.files.length} changed since; /rewind ${prompt.turn ?? ""} puts them back).`);
        notice(
          `Went back to before ${JSON.stringify(oneLine(prompt.text, 60))}: the conversation now ends there, and the message is in the prompt to edit. ${files}`,
        );
        return true;
      } catch (error) {
        notice(`Could not go back: ${errorMessage(error)}`, "error");
        return false;
      }
    },
    attachTerminal(next) {
      terminal = next;
      return () => {
        if (terminal === next) terminal = undefined;
      };
    },
    get commands() {
      return allCommands();
    },
    ...(mcpUi ? { mcp: mcpUi } : {}),
    cwd,
    historyFile: join(opened.home, "history", `${workspaceKey(cwd)}.jsonl`),
    context,
    async close() {
      queue = [];
      run?.abort.abort("exit");
      activity?.abort("exit");
      await run?.done;
      await ruleWrites;
      mcpUi?.dispose();
      try {
        await session().hooks?.sessionEnd("prompt_input_exit");
      } finally {
        await closeSession(live.opened);
      }
    },
    idle() {
      if (!busy() && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** Why a run was stopped by Esc (an exit aborts with another reason and leaves no note). */
const interruptReason = "interrupted";

/**
 * The prompts of the conversation as it stands (from the transcript: rewound and compacted-away
 * ones are not offered), newest first, each with its checkpoint turn and the files changed since.
 */
async function listEarlierPrompts(
  persistence: Persistence,
  root: string,
): Promise<EarlierPrompt[]> {
  const path = persistence.transcriptPath;
  if (path === undefined) return [];
  const loaded = await loadTranscript(path);
  const store = persistence.checkpointStore();
  const turns = store ? await (await store).list() : [];
  const prompts = promptsOf(loaded.entries).filter(
    (p) => p.text.trim() !== "" && p.text !== interruptionNote,
  );
  return prompts.reverse().map((prompt) => {
    const turn = turns.find((t) => t.messageId === String(prompt.entry));
    const changed = turn ? turns.filter((t) => t.index >= turn.index).flatMap((t) => t.files) : [];
    const files = [...new Set(changed.map((file) => shortPath(file, root)))];
    return {
      entry: prompt.entry,
      text: prompt.text,
      at: prompt.at,
      ...(turn ? { turn: turn.index } : {}),
      files,
    };
  });
}

/** One line on what a restore did, naming the files. */
function describeRestore(
  results: ReadonlyArray<{ path: string; outcome: string; detail?: string }>,
  root: string,
): string {
  if (results.length === 0) return "No file was changed by cairn since then.";
  const named = results.map(
    (r) =>
      `${shortPath(r.path, root)} ${r.outcome.replace("_", " ")}${r.detail !== undefined ? ` (${r.detail})` : ""}`,
  );
  return `Files put back: ${named.join(", ")}.`;
}

const placeholderStatus: StatusLine = {
  model: "",
  mode: "default",
  contextTokens: 0,
  contextWindow: 0,
  costUsd: 0,
  backgroundShells: 0,
};

/** Shift+Tab's cycle; bypassPermissions and dontAsk join it only when the session started in them. */
export function nextMode(current: PermissionMode, startedWith: PermissionMode): PermissionMode {
  const cycle: PermissionMode[] = ["default", "acceptEdits", "plan"];
  if (startedWith === "bypassPermissions" || startedWith === "dontAsk") cycle.push(startedWith);
  const index = cycle.indexOf(current);
  return cycle[(index + 1) % cycle.length] ?? "default";
}

function runningShells(session: Session): number {
  return session.toolSession.jobs.list().filter((job) => job.status.type === "running").length;
}

function resumedHistory(conversation: Conversation, root: string) {
  const items = historyFromMessages(conversation.messages, root);
  if (items.length <= resumedItemsShown) return items;
  const hidden = items.length - resumedItemsShown;
  return [
    {
      type: "notice" as const,
      id: "hidden",
      text: `… ${hidden} earlier ${hidden === 1 ? "item" : "items"} of this conversation not shown.`,
      level: "info" as const,
    },
    ...items.slice(-resumedItemsShown),
  ];
}
