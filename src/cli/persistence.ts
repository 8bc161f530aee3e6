// Where a print-mode session lives on disk: which transcript it continues or starts, recording the
// agent's events into it, and the checkpoint store beside it. Knows nothing of output formats.
// A new session loads the checkpoint module off the critical path (a turn's record is written
// while the model answers) and prepares the transcript's folder while the session is set up.

import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { AgentEvent } from "../core/events.ts";
import { CairnError } from "../core/errors.ts";
import { newSessionId } from "../core/ids.ts";
import { textOf, type Message, type UserMessage } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import type { CheckpointHook, RunResult } from "../agent/index.ts";
import type { CheckpointStore } from "../checkpoints/index.ts";
import type { LoadedSession, TranscriptWriter } from "../sessions/index.ts";
import type { CliArgs } from "./args.ts";
import { createSubagentRecords } from "./subagent-records.ts";

type SessionsModule = typeof import("../sessions/index.ts");
const sessionsModule = (): Promise<SessionsModule> => import("../sessions/index.ts");

export interface Persistence {
  readonly sessionId: string;
  /** The conversation to continue: empty for a new session. */
  readonly messages: Message[];
  readonly resumed: boolean;
  /** Saves files before tools change them; absent with --no-session-persistence. */
  readonly checkpoints: CheckpointHook | undefined;
  /** Transcript path, once there is one. */
  readonly transcriptPath: string | undefined;
  /** Names the model in the transcript's header (creating it) and gives pricing for costs. */
  describe(facts: HeaderFacts): Promise<void>;
  /** Marks the start of a run (a checkpoint turn), before the agent sees the prompt. */
  beginRun(prompt: UserMessage): Promise<void>;
  record(event: AgentEvent): void;
  endRun(run: RunResult, durationMs: number): Promise<void>;
  /**
   * The session's own checkpoint store (rewinds go through it, never a second instance on the
   * folder); undefined when nothing is recorded (--no-session-persistence).
   */
  checkpointStore(): Promise<CheckpointStore> | undefined;
  /**
   * Appends a `rewind` entry (the conversation goes back to just before transcript line
   * `toEntry`) and makes it durable. Throws when the session has no transcript.
   */
  recordRewind(toEntry: number): Promise<void>;
  close(): Promise<void>;
}

interface Options {
  cairnHome: string;
  /** The workspace root, a real path. */
  root: string;
  /** Lines for stderr (torn lines skipped, repairs, a failed write). */
  warn: (message: string) => void;
}

/** The model the transcript header names; known only once the session is set up. */
export interface HeaderFacts {
  model: string;
  provider: string;
  costOf: (usage: Usage) => number;
}

/**
 * Finds the session the flags ask for (-c, -r id, --fork-session, --session-id) and opens it.
 * A continued session is locked at once, so a second cairn cannot write the same transcript.
 */
export async function openPersistence(args: CliArgs, options: Options): Promise<Persistence> {
  const continuing = args.continue || args.resume !== undefined;
  const sessions = continuing ? await sessionsModule() : undefined;
  const source = sessions ? await sessionToContinue(sessions, args, options) : undefined;
  if (args.noSessionPersistence) {
    const loaded = source && sessions ? await sessions.loadTranscript(source.path) : undefined;
    if (loaded) reportLoad(loaded, options.warn);
    return memoryOnly(
      loaded?.sessionId ?? args.sessionId ?? newSessionId(),
      loaded?.messages ?? [],
    );
  }
  let writer: TranscriptWriter | undefined;
  let messages: Message[] = [];
  let sessionId = args.sessionId ?? newSessionId();
  if (args.sessionId !== undefined) {
    // The transcript is created in the background later; a clash must still stop the run now.
    await refuseExisting(await sessionsModule(), options, args.sessionId);
  }
  if (sessions && source && !args.forkSession) {
    const opened = await sessions.openTranscriptForAppend(source.path);
    writer = opened.writer;
    reportLoad(opened.session, options.warn);
    messages = opened.session.messages;
    sessionId = opened.session.sessionId;
  } else if (sessions && source) {
    const loaded = await sessions.loadTranscript(source.path);
    reportLoad(loaded, options.warn);
    writer = await sessions.forkSession(loaded, {
      cairnHome: options.cairnHome,
      root: options.root,
      newId: sessionId,
    });
    messages = loaded.messages;
  }
  if (!writer) {
    // Made while the rest of the session is set up, so creating the transcript later is quick.
    void sessionsModule()
      .then((m) =>
        mkdir(m.projectDir(options.cairnHome, options.root), { recursive: true, mode: 0o700 }),
      )
      .catch(() => undefined);
  }
  return onDisk({ sessionId, messages, resumed: source !== undefined, writer, options });
}

async function refuseExisting(
  sessions: SessionsModule,
  options: Options,
  sessionId: string,
): Promise<void> {
  const { transcript } = sessions.sessionPaths(
    sessions.projectDir(options.cairnHome, options.root),
    sessionId,
  );
  if (
    await stat(transcript).then(
      () => true,
      () => false,
    )
  ) {
    throw new CairnError(
      "session_exists",
      `session ${sessionId} already exists in this folder (${transcript})`,
      "Choose another --session-id, or continue it with --resume " + sessionId,
    );
  }
}

async function sessionToContinue(
  sessions: SessionsModule,
  args: CliArgs,
  options: Options,
): Promise<{ path: string } | undefined> {
  if (args.continue) {
    // A transcript that cannot be read is skipped, but the person is told which one and why.
    const latest = await sessions.latestSession(options.cairnHome, options.root, {
      warn: options.warn,
    });
    if (!latest) {
      throw new CairnError(
        "session_not_found",
        `no session to continue in ${options.root}`,
        "Start one without --continue; cairn sessions lists the sessions of this folder.",
      );
    }
    return latest;
  }
  if (args.resume === true) {
    throw new CairnError(
      "bad_flag",
      "--resume needs a session id in print mode",
      "Run cairn sessions to list this folder's sessions, then pass one: cairn -p -r <id> ...",
    );
  }
  if (args.resume !== undefined) {
    return sessions.findSession(options.cairnHome, options.root, args.resume);
  }
  return undefined;
}

function reportLoad(loaded: LoadedSession, warn: (message: string) => void): void {
  for (const warning of loaded.warnings) warn(warning);
  for (const repair of loaded.repairs) warn(repair);
}

function memoryOnly(sessionId: string, messages: Message[]): Persistence {
  return {
    sessionId,
    messages,
    resumed: messages.length > 0,
    checkpoints: undefined,
    transcriptPath: undefined,
    describe: () => Promise.resolve(),
    beginRun: () => Promise.resolve(),
    record: () => undefined,
    endRun: () => Promise.resolve(),
    checkpointStore: () => undefined,
    recordRewind: () =>
      Promise.reject(new CairnError("not_recorded", "this session is not recorded")),
    close: () => Promise.resolve(),
  };
}

interface DiskState {
  sessionId: string;
  messages: Message[];
  resumed: boolean;
  writer: TranscriptWriter | undefined;
  options: Options;
}

/** What is recorded, kept in order until the transcript exists. */
type Item =
  { kind: "event"; event: AgentEvent } | { kind: "result"; run: RunResult; durationMs: number };

/**
 * A persistence whose transcript is created once setup succeeded, so a run that fails in setup
 * leaves none. Items recorded before it exists (none in print mode) are written in order then.
 */
function onDisk(state: DiskState): Persistence {
  let writer = state.writer;
  let creating: Promise<void> | undefined;
  let sessions: SessionsModule | undefined;
  const pending: Item[] = [];
  let facts: HeaderFacts | undefined;
  let writeFailed = false;
  // Each subagent (Task call) gets its own transcript in the session's side folder.
  const subagents = createSubagentRecords({
    cairnHome: state.options.cairnHome,
    root: state.options.root,
    sessionId: state.sessionId,
    facts: () => facts,
    warn: state.options.warn,
  });

  const write = (item: Item): void => {
    if (!writer || !sessions) return;
    const entry =
      item.kind === "event"
        ? sessions.entryForEvent(item.event, facts?.costOf ?? (() => 0))
        : sessions.resultEntry(item.run, item.durationMs);
    if (!entry) return;
    try {
      writer.append(entry);
      writeFailed = false;
    } catch (error) {
      // The run goes on (the user's work matters more than its record), but they are told once.
      if (!writeFailed) {
        state.options.warn(
          `could not write the transcript ${writer.path}: ${(error as Error).message}; the session may not be resumable`,
        );
      }
      writeFailed = true;
    }
  };
  const record = (item: Item): void => {
    if (writer && sessions) write(item);
    else pending.push(item);
  };
  const syncQuietly = async (): Promise<void> => {
    try {
      await writer?.sync();
    } catch (error) {
      state.options.warn(`could not flush the transcript to disk: ${(error as Error).message}`);
    }
  };

  const checkpoints = lazyCheckpoints(state, async () => {
    await creating;
    await syncQuietly();
  });
  return {
    sessionId: state.sessionId,
    messages: state.messages,
    resumed: state.resumed,
    checkpoints: checkpoints.hook,
    get transcriptPath() {
      return writer?.path;
    },
    async describe(next) {
      facts = next;
      creating ??= (async () => {
        sessions = await sessionsModule();
        writer ??= await sessions.createTranscript({
          cairnHome: state.options.cairnHome,
          root: state.options.root,
          sessionId: state.sessionId,
          header: { model: next.model, provider: next.provider },
        });
        for (const item of pending.splice(0)) write(item);
      })();
      // Awaited: the transcript exists before anything is sent, so a kill at any later moment
      // leaves a session to continue. The folders were made while the session was set up.
      await creating;
    },
    beginRun(prompt) {
      // The prompt's transcript line is the next one: rewinding the conversation to before this
      // turn resets it to the state just before that line. A new transcript has only its header.
      const nextLine = (writer?.entryCount ?? 1) + pending.length;
      checkpoints.beginTurn({
        prompt: textOf(prompt).split("\n")[0] ?? "",
        messageCount: state.messages.length,
        messageId: String(nextLine),
      });
      return Promise.resolve();
    },
    record(event) {
      if (event.type === "subagent") {
        subagents.record(event);
        return;
      }
      if (event.type === "tool_end") subagents.finish(event.toolUseId);
      record({ kind: "event", event });
      // A turn ends when its tool results are in: make it durable before the next model call.
      if (event.type === "user" && event.origin === "tool_results") void syncQuietly();
    },
    async endRun(run, durationMs) {
      record({ kind: "result", run, durationMs });
      await creating;
      await syncQuietly();
      await checkpoints.settled();
    },
    checkpointStore: () => checkpoints.store(),
    async recordRewind(toEntry) {
      await creating;
      if (!writer) throw new CairnError("not_recorded", "this session has no transcript yet");
      writer.append({ type: "rewind", toEntry });
      await writer.sync();
    },
    async close() {
      await creating;
      await subagents.close();
      await writer?.close();
    },
  };
}

/**
 * The checkpoint store of a session, opened on first use. A turn begins without waiting (the
 * model call goes first); a change waits for its turn to be recorded, and if that failed the
 * change is refused, because the file could not be backed up.
 */
function lazyCheckpoints(
  state: DiskState,
  transcriptReady: () => Promise<void>,
): {
  hook: CheckpointHook;
  beginTurn: (turn: { prompt: string; messageCount: number; messageId: string }) => void;
  settled: () => Promise<void>;
  store: () => Promise<CheckpointStore>;
} {
  let store: Promise<CheckpointStore> | undefined;
  let turn: Promise<unknown> = Promise.resolve();
  const open = (): Promise<CheckpointStore> =>
    (store ??= (async () => {
      const sessions = await sessionsModule();
      const folder = sessions.sessionPaths(
        sessions.projectDir(state.options.cairnHome, state.options.root),
        state.sessionId,
      ).dataDir;
      const { openCheckpoints } = await import("../checkpoints/index.ts");
      return openCheckpoints(join(folder, "checkpoints"));
    })());
  const ready = async (): Promise<CheckpointStore> => {
    await turn;
    return open();
  };
  return {
    hook: {
      beforeTools: transcriptReady,
      beforeChange: async (paths) => (await ready()).beforeChange(paths),
      afterChange: async (paths) => (await ready()).afterChange(paths),
      noteUncovered: async (tool, command) => (await ready()).noteUncovered(tool, command),
    },
    beginTurn(next) {
      turn = open().then((s) => s.beginTurn(next));
      // Awaited by the next change (which reports a failure); this only keeps it from being
      // reported as unhandled meanwhile.
      turn.catch(() => undefined);
    },
    async settled() {
      try {
        await turn;
      } catch (error) {
        state.options.warn(`could not record a checkpoint: ${(error as Error).message}`);
      }
    },
    store: ready,
  };
}

/** Removes transcripts older than cleanupPeriodDays (default 30), after the run; problems are returned. */
export async function cleanupOldSessions(
  cairnHome: string,
  days: number | undefined,
): Promise<{ removed: string[]; problems: string[] }> {
  const sessions = await sessionsModule();
  return sessions.cleanupSessions(cairnHome, days ?? 30, new Date());
}
