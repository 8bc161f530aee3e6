// Appends entries to a session's transcript, one whole line per synchronous write on an O_APPEND
// descriptor, so a crash or kill -9 leaves at most a torn last line. Holds the session's lock.

import { closeSync, constants, fsync, ftruncateSync, openSync, writeSync } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { CairnError, errorMessage } from "../core/errors.ts";
import { addUsage, emptyUsage } from "../core/usage.ts";
import {
  serializeEntry,
  transcriptVersion,
  type EntryInput,
  type SessionEntry,
  type SessionTotals,
  type TranscriptEntry,
} from "./entries.ts";
import { isErrnoCode, syncFolder } from "../fs/index.ts";
import { readTranscript, type LoadedSession } from "./load-transcript.ts";
import { acquireLock, type HeldLock } from "./lock.ts";
import { assertSessionId, projectDir, sessionPaths } from "./paths.ts";

const fsyncAsync = promisify(fsync);

export interface TranscriptWriter {
  readonly sessionId: string;
  readonly path: string;
  /** The line index the next entry gets (what a later `rewind` entry points to). */
  readonly entryCount: number;
  /** Messages, usage and cost of the whole session so far. */
  readonly totals: SessionTotals;
  /**
   * Writes one entry now (synchronously, so entries keep their order without awaiting) and
   * returns its line index. Stamps `at` when absent and a result's `totals`. Throws a
   * `session_write` CairnError when the disk refuses (full, read-only); the next append tries
   * again.
   */
  append(entry: EntryInput): number;
  /** Makes everything appended so far durable (fsync). Call at the end of each turn. */
  sync(): Promise<void>;
  /** fsync, close, release the lock. Idempotent. */
  close(): Promise<void>;
}

export interface SessionHeaderInput {
  model: string;
  provider: string;
  forkedFrom?: { sessionId: string; entryCount: number };
}

export interface CreateTranscriptOptions {
  cairnHome: string;
  /** The workspace root, a real path. */
  root: string;
  sessionId: string;
  header: SessionHeaderInput;
  now?: () => Date;
}

/**
 * Starts a new transcript. Fails with `session_exists` if the id was used before in this folder
 * (the file is created exclusively) and `session_busy` if another process holds its lock.
 */
export async function createTranscript(
  options: CreateTranscriptOptions,
): Promise<TranscriptWriter> {
  assertSessionId(options.sessionId);
  const now = options.now ?? (() => new Date());
  const dir = projectDir(options.cairnHome, options.root);
  // Transcripts hold code, command output and sometimes secrets: private to the user.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const paths = sessionPaths(dir, options.sessionId);
  const lock = await acquireLock(paths.lock, options.sessionId);
  let fd: number;
  try {
    fd = openSync(
      paths.transcript,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND,
      0o600,
    );
  } catch (error) {
    await lock.release();
    if (isErrnoCode(error, "EEXIST")) {
      throw new CairnError(
        "session_exists",
        `session ${options.sessionId} already exists in this folder (${paths.transcript})`,
        "Resume it with --resume, or pick a new --session-id.",
      );
    }
    throw error;
  }
  const header: SessionEntry = {
    type: "session",
    at: now().toISOString(),
    version: transcriptVersion,
    sessionId: options.sessionId,
    cwd: options.root,
    model: options.header.model,
    provider: options.header.provider,
    ...(options.header.forkedFrom ? { forkedFrom: options.header.forkedFrom } : {}),
  };
  const writer = makeWriter({
    fd,
    path: paths.transcript,
    sessionId: options.sessionId,
    lock,
    now,
    entryCount: 0,
    totals: { messages: 0, usage: emptyUsage(), costUsd: 0 },
  });
  try {
    writer.writeEntry(header);
    await writer.sync();
    await syncFolder(dir);
  } catch (error) {
    await writer.close();
    // A transcript without its header cannot be loaded: do not leave it behind.
    await rm(paths.transcript, { force: true });
    throw error;
  }
  return writer;
}

/**
 * Resumes writing an existing transcript: takes its lock (or fails with `session_busy`), loads
 * it under the lock, and mends its end: a torn last line is cut off, a whole last entry without
 * its newline gets one. Returns the writer and the session as loaded.
 */
export async function openTranscriptForAppend(
  path: string,
  options: { now?: () => Date } = {},
): Promise<{ writer: TranscriptWriter; session: LoadedSession }> {
  const sessionId = basename(path, ".jsonl");
  // Checked before locking, which would otherwise fail on a missing folder with a bare ENOENT.
  try {
    await stat(path);
  } catch (error) {
    if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) throw error;
    throw new CairnError("session_not_found", `no session transcript at ${path}`);
  }
  const lock = await acquireLock(join(dirname(path), `${sessionId}.lock`), sessionId);
  let fd: number | undefined;
  try {
    const { session, tail } = await readTranscript(path);
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND);
    if (tail.kind === "torn") ftruncateSync(fd, tail.keepBytes);
    if (tail.kind === "unterminated") {
      const failed = writeAll(fd, Buffer.from("\n"));
      if (failed) throw writeError(`the session to ${path}`, sessionWriteHint, failed.error);
    }
    const writer = makeWriter({
      fd,
      path,
      sessionId: session.sessionId,
      lock,
      now: options.now ?? (() => new Date()),
      entryCount: session.entryCount,
      totals: { messages: session.messageCount, usage: session.usage, costUsd: session.costUsd },
    });
    return { writer, session };
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    await lock.release();
    throw error;
  }
}

interface WriterState {
  fd: number;
  path: string;
  sessionId: string;
  lock: HeldLock;
  now: () => Date;
  entryCount: number;
  totals: SessionTotals;
}

function makeWriter(state: WriterState): TranscriptWriter & {
  writeEntry(entry: TranscriptEntry): number;
} {
  let closed = false;
  const lines = createLineAppender(state.fd, {
    what: `the session to ${state.path}`,
    hint: sessionWriteHint,
    lines: state.entryCount,
  });

  const writeEntry = (entry: TranscriptEntry): number => {
    if (closed) throw new Error(`transcript ${state.path} is closed`);
    lines.append(serializeEntry(entry));
    return lines.count - 1;
  };

  return {
    sessionId: state.sessionId,
    path: state.path,
    get entryCount() {
      return lines.count;
    },
    get totals() {
      return state.totals;
    },
    writeEntry,
    append(input) {
      const { type, at, ...body } = input;
      // `type` and `at` first: a person reading the file sees what each line is. Rebuilding the
      // object loses the union's link between `type` and the other fields, hence the cast; the
      // fields are the caller's, already typed as an EntryInput of this `type`.
      const entry = {
        type,
        at: at ?? state.now().toISOString(),
        ...body,
        ...(type === "result" ? { totals: state.totals } : {}),
      } as TranscriptEntry;
      const index = writeEntry(entry);
      if (entry.type === "message" || entry.type === "compaction") {
        state.totals = {
          messages: state.totals.messages + (entry.type === "message" ? 1 : 0),
          usage: entry.usage ? addUsage(state.totals.usage, entry.usage) : state.totals.usage,
          costUsd: state.totals.costUsd + (entry.costUsd ?? 0),
        };
      }
      return index;
    },
    async sync() {
      if (!closed) await fsyncAsync(state.fd);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await fsyncAsync(state.fd);
      } finally {
        closeSync(state.fd);
        await state.lock.release();
      }
    },
  };
}

export interface LineAppender {
  /** Lines in the file: those it had, those appended, and a torn fragment once it is ended. */
  readonly count: number;
  /**
   * Writes one serialized line (ending in a newline) whole, looping over short writes. Throws a
   * `session_write` CairnError when the disk refuses (full, read-only); the next append tries
   * again.
   */
  append(line: string): void;
}

/**
 * Appends lines to a transcript open with O_APPEND. When a failed write left part of a line
 * behind, the next append ends that line first, so the fragment stays one skipped line instead of
 * spoiling the next entry.
 */
export function createLineAppender(
  fd: number,
  options: {
    /** What was not saved, with its path, for the error message: "the session to <path>". */
    what: string;
    /** The error's hint: what to do about it. */
    hint: string;
    /** Lines already in the file. */
    lines?: number;
  },
): LineAppender {
  let count = options.lines ?? 0;
  let partialLine = false;
  return {
    get count() {
      return count;
    },
    append(line) {
      if (partialLine) {
        const failed = writeAll(fd, Buffer.from("\n"));
        if (failed) throw writeError(options.what, options.hint, failed.error);
        partialLine = false;
        count++;
      }
      const failed = writeAll(fd, Buffer.from(line));
      if (failed) {
        partialLine = failed.bytes > 0;
        throw writeError(options.what, options.hint, failed.error);
      }
      count++;
    },
  };
}

const sessionWriteHint =
  "Free some disk space or fix the folder's permissions; until then the conversation is not " +
  "being saved (--no-session-persistence turns saving off).";

/** Writes all of `data`, looping over short writes; on failure, how much was written and why. */
function writeAll(fd: number, data: Buffer): { bytes: number; error: unknown } | undefined {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset);
    } catch (error) {
      return { bytes: offset, error };
    }
  }
  return undefined;
}

function writeError(what: string, hint: string, error: unknown): CairnError {
  return new CairnError("session_write", `could not save ${what}: ${errorMessage(error)}`, hint, {
    cause: error,
  });
}
