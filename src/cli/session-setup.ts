// Opens and closes a session the way every front-end needs it: the transcript the flags ask for,
// the memory files, the debug log and the agent (setup.ts), in that order and undone on failure.
// What a front-end does with the session (output formats, a screen) is its own business.

import { homedir } from "node:os";
import { errorMessage } from "../core/errors.ts";
import { newSessionId } from "../core/ids.ts";
import type { AskPermission } from "../agent/index.ts";
import { cairnHome, disabledDebugLog, openDebugLog, type DebugLog } from "../config/index.ts";
import {
  createNestedMemory,
  formatMemory,
  formatNestedMemory,
  loadMemory,
  type MemoryFile,
} from "../memory/index.ts";
import { costUsd, type Env } from "../providers/index.ts";
import type { CliArgs } from "./args.ts";
import { cleanupOldSessions, openPersistence, type Persistence } from "./persistence.ts";
import { createSession, type Session, type SessionExtras } from "./setup.ts";

export interface OpenSessionOptions {
  env: Env;
  /** Lines for the person: settings problems, repaired transcripts, memory import failures. */
  warn: (message: string) => void;
  /** How the front-end answers permission questions; absent means nobody can be asked. */
  askPermission?: AskPermission;
  /** Names the front-end in the debug log ("print mode", "interactive"). */
  label: string;
  /** Told the session's id as soon as it is known (before setup can still fail). */
  onSessionId?: (sessionId: string) => void;
  /** Where hooks' lines for the person go (their systemMessage, failures, blocks). */
  onHookMessage?: SessionExtras["onHookMessage"];
  /**
   * The session hooks are told they run in; defaults to the one opened here. The TUI passes
   * its own, since /clear and /resume move it to another transcript.
   */
  hookSession?: SessionExtras["hookSession"];
}

export interface OpenedSession {
  session: Session;
  persistence: Persistence;
  debug: DebugLog;
  /** `$CAIRN_HOME` or `~/.cairn`. */
  home: string;
  memory: SessionMemory;
}

export interface SessionMemory {
  /** The memory files' text for the system prompt. */
  text: string;
  files: MemoryFile[];
  /** The repository root discovery started from. */
  root: string;
  /** The agent's hook: nested memory files that apply once a tool touches their folder. */
  nested: (paths: readonly string[]) => Promise<string | undefined>;
}

/**
 * Opens the session the flags ask for (-c, -r id, --fork-session…), loads memory beside it and
 * builds the agent. On failure nothing stays locked. The transcript itself is created by
 * `describeTranscript`, which the caller runs when it is about to use the session.
 */
export async function openSession(
  args: CliArgs,
  cwd: string,
  options: OpenSessionOptions,
): Promise<OpenedSession> {
  const { env, warn } = options;
  const home = cairnHome(env);
  let debug = disabledDebugLog;
  let persistence: Persistence | undefined;
  try {
    const opening = openPersistence(args, { cairnHome: home, root: cwd, warn });
    const [opened, memory] = await Promise.all([
      opening,
      loadSessionMemory(cwd, home, env, warn),
    ]).catch(async (error: unknown) => {
      // A persistence that opened (and locked its transcript) must let go when memory failed.
      await (await opening.catch(() => undefined))?.close();
      throw error;
    });
    persistence = opened;
    options.onSessionId?.(persistence.sessionId);
    debug = openDebugLog(env, home, persistence.sessionId);
    debug.log(options.label, {
      argv: process.argv.slice(2),
      cwd,
      resumed: persistence.resumed,
    });
    const current = persistence;
    const session = await createSession(args, env, cwd, options.askPermission, {
      ...(persistence.checkpoints ? { checkpoints: persistence.checkpoints } : {}),
      memory: memory.text,
      onPathsTouched: memory.nested,
      hookSession:
        options.hookSession ??
        (() => ({ sessionId: current.sessionId, transcriptPath: current.transcriptPath })),
      ...(options.onHookMessage ? { onHookMessage: options.onHookMessage } : {}),
    });
    return { session, persistence, debug, home, memory };
  } catch (error) {
    await persistence?.close();
    debug.log("setup failed", { error: errorMessage(error), stack: (error as Error).stack });
    throw error;
  }
}

/** Creates the transcript (if new) naming the session's model, with prices for its costs. */
export async function describeTranscript(
  persistence: Persistence,
  session: Session,
): Promise<void> {
  const pricing = session.resolved.info.pricing;
  await persistence.describe({
    model: session.resolved.model,
    provider: session.provider.id,
    costOf: (usage) => costUsd(pricing, usage),
  });
}

/**
 * A new, empty session in the same folder (`/clear`): a fresh id and transcript, the same
 * settings, tools and policy. The caller closes the old persistence.
 */
export async function openFreshPersistence(
  args: CliArgs,
  cwd: string,
  home: string,
  warn: (message: string) => void,
): Promise<Persistence> {
  const fresh: CliArgs = {
    ...args,
    continue: false,
    resume: undefined,
    forkSession: false,
    sessionId: newSessionId(),
  };
  return openPersistence(fresh, { cairnHome: home, root: cwd, warn });
}

/** Ends a session: background jobs die, the transcript is closed, old sessions are cleaned. */
export async function closeSession(opened: OpenedSession): Promise<void> {
  const { session, persistence, debug, home } = opened;
  try {
    // Background jobs and MCP server processes die with the session; temp files go with it.
    await Promise.all([session.toolSession.dispose(), session.mcp?.close()]);
  } finally {
    await persistence.close();
  }
  // After the work, not before: it reads every project's folder, which the first request
  // should not wait for.
  try {
    const { removed, problems } = await cleanupOldSessions(
      home,
      session.settings.effective.cleanupPeriodDays,
    );
    if (removed.length > 0 || problems.length > 0) debug.log("cleanup", { removed, problems });
  } catch (error) {
    debug.log("cleanup failed", { error: errorMessage(error) });
  }
}

/** The memory files' text for the system prompt, and the hook that adds nested ones later. */
export async function loadSessionMemory(
  cwd: string,
  cairn: string,
  env: Env,
  warn: (message: string) => void,
): Promise<SessionMemory> {
  const home = homedir();
  const claudeHome = env.CLAUDE_CONFIG_DIR?.trim();
  const loaded = await loadMemory({
    cwd,
    home,
    cairnHome: cairn,
    ...(claudeHome ? { claudeHome } : {}),
  });
  for (const warning of loaded.warnings) warn(warning);
  const nested = createNestedMemory({
    root: loaded.root,
    cwd: loaded.cwd,
    home,
    loaded: loaded.loadedPaths,
    onWarning: warn,
  });
  return {
    text: formatMemory(loaded.files),
    files: loaded.files,
    root: loaded.root,
    nested: async (paths) => {
      const text = formatNestedMemory(await nested.touch(paths));
      return text === "" ? undefined : text;
    },
  };
}
