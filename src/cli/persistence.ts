// Where a print-mode session lives on disk: which transcript it continues or starts, recording the
// agent's events into it, and the checkpoint store beside it. Knows nothing of output formats.

import { join } from "node:path";
import type { AgentEvent } from "../core/events.ts";
import { CairnError } from "../core/errors.ts";
import { newSessionId } from "../core/ids.ts";
import { textOf, type Message, type UserMessage } from "../core/messages.ts";
import type { Usage } from "../core/usage.ts";
import type { RunResult } from "../agent/index.ts";
import { openCheckpoints, type CheckpointStore } from "../checkpoints/index.ts";
import {
  entryForEvent,
  findSession,
  forkSession,
  latestSession,
  loadTranscript,
  openTranscriptForAppend,
  projectDir,
  resultEntry,
  sessionPaths,
  createTranscript,
  type LoadedSession,
  type TranscriptWriter,
} from "../sessions/index.ts";
import type { CliArgs } from "./args.ts";

export interface Persistence {
  readonly sessionId: string;
  /** The conversation to continue: empty for a new session. */
  readonly messages: Message[];
  readonly resumed: boolean;
  /** Saves files before tools change them; absent with --no-session-persistence. */
  readonly checkpoints: CheckpointStore | undefined;
  /** Transcript path, once there is one. */
  readonly transcriptPath: string | undefined;
  /** Names the model in the transcript's header (creating it) and gives pricing for costs. */
  describe(facts: HeaderFacts): Promise<void>;
  /** Marks the start of a run (a checkpoint turn), before the agent sees the prompt. */
  beginRun(prompt: UserMessage): Promise<void>;
  record(event: AgentEvent): void;
  endRun(run: RunResult, durationMs: number): Promise<void>;
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
  const source = await sessionToContinue(args, options);
  if (args.noSessionPersistence) {
    const loaded = source ? await loadTranscript(source.path) : undefined;
    if (loaded) reportLoad(loaded, options.warn);
    return memoryOnly(
      loaded?.sessionId ?? args.sessionId ?? newSessionId(),
      loaded?.messages ?? [],
    );
  }
  let writer: TranscriptWriter | undefined;
  let messages: Message[] = [];
  let sessionId = args.sessionId ?? newSessionId();
  if (source && !args.forkSession) {
    const opened = await openTranscriptForAppend(source.path);
    writer = opened.writer;
    reportLoad(opened.session, options.warn);
    messages = opened.session.messages;
    sessionId = opened.session.sessionId;
  } else if (source) {
    const loaded = await loadTranscript(source.path);
    reportLoad(loaded, options.warn);
    writer = await forkSession(loaded, {
      cairnHome: options.cairnHome,
      root: options.root,
      newId: sessionId,
    });
    messages = loaded.messages;
  }
  const folder = sessionPaths(projectDir(options.cairnHome, options.root), sessionId).dataDir;
  const checkpoints = await openCheckpoints(join(folder, "checkpoints"));
  return onDisk({
    sessionId,
    messages,
    resumed: source !== undefined,
    writer,
    checkpoints,
    options,
  });
}

async function sessionToContinue(
  args: CliArgs,
  options: Options,
): Promise<{ path: string } | undefined> {
  if (args.continue) {
    // A transcript that cannot be read is skipped, but the person is told which one and why.
    const latest = await latestSession(options.cairnHome, options.root, { warn: options.warn });
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
  if (args.resume !== undefined) return findSession(options.cairnHome, options.root, args.resume);
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
    close: () => Promise.resolve(),
  };
}

interface DiskState {
  sessionId: string;
  messages: Message[];
  resumed: boolean;
  writer: TranscriptWriter | undefined;
  checkpoints: CheckpointStore;
  options: Options;
}

/** A persistence whose transcript is created lazily, so a run that fails in setup leaves none. */
function onDisk(state: DiskState): Persistence {
  let writer = state.writer;
  let facts: HeaderFacts | undefined;
  let writeFailed = false;
  const append = (entry: Parameters<TranscriptWriter["append"]>[0]): number | undefined => {
    if (!writer) return undefined;
    try {
      const line = writer.append(entry);
      writeFailed = false;
      return line;
    } catch (error) {
      // The run goes on (the user's work matters more than its record), but they are told once.
      if (!writeFailed) {
        state.options.warn(
          `could not write the transcript ${writer.path}: ${(error as Error).message}; the session may not be resumable`,
        );
      }
      writeFailed = true;
      return undefined;
    }
  };
  const persistence: Persistence = {
    sessionId: state.sessionId,
    messages: state.messages,
    resumed: state.resumed,
    checkpoints: state.checkpoints,
    get transcriptPath() {
      return writer?.path;
    },
    async describe(next) {
      facts = next;
      writer ??= await createTranscript({
        cairnHome: state.options.cairnHome,
        root: state.options.root,
        sessionId: state.sessionId,
        header: { model: next.model, provider: next.provider },
      });
    },
    async beginRun(prompt) {
      // The prompt's transcript line is the next one: rewinding the conversation to before this
      // turn resets it to the state just before that line.
      await state.checkpoints.beginTurn({
        prompt: textOf(prompt).split("\n")[0] ?? "",
        messageCount: state.messages.length,
        ...(writer ? { messageId: String(writer.entryCount) } : {}),
      });
    },
    record(event) {
      const entry = entryForEvent(event, facts?.costOf ?? (() => 0));
      if (entry) append(entry);
      // A turn ends when its tool results are in: make it durable before the next model call.
      if (event.type === "user" && event.origin === "tool_results") void syncQuietly();
    },
    async endRun(run, durationMs) {
      append(resultEntry(run, durationMs));
      await syncQuietly();
    },
    async close() {
      await writer?.close();
    },
  };
  const syncQuietly = async (): Promise<void> => {
    try {
      await writer?.sync();
    } catch (error) {
      state.options.warn(`could not flush the transcript to disk: ${(error as Error).message}`);
    }
  };
  return persistence;
}
