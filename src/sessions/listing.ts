// The sessions of one workspace, newest first, and finding one by id or unique id prefix: what
// `--continue`, `--resume <id>` and the picker need. Reads transcripts; never writes.

import { open, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CairnError, errorMessage } from "../core/errors.ts";
import type { SessionEntry, TranscriptEntry } from "./entries.ts";
import { isErrnoCode } from "../fs/index.ts";
import {
  factsOf,
  parseLines,
  parseTranscript,
  readHeader,
  validDate,
  type ParsedTranscript,
} from "./load-transcript.ts";
import { lockStatus } from "./lock.ts";
import { isValidSessionId, projectDir, projectsDir, sessionPaths } from "./paths.ts";
import { mapBounded } from "../core/map-bounded.ts";

export interface SessionSummary {
  sessionId: string;
  path: string;
  createdAt: Date;
  lastActivity: Date;
  /** The first prompt on one line, cut at 80 characters ("" when there is none yet). */
  firstPrompt: string;
  title: string | undefined;
  model: string;
  messageCount: number;
  costUsd: number;
  /** Another process is writing it now (its lock is live). */
  busy: boolean;
  /** Counts of a large file, read from its head and tail only, that may miss a little. */
  approximate: boolean;
}

export interface ListOptions {
  /** Transcripts that cannot be read are left out and reported here. */
  warn?: (message: string) => void;
}

/** Files up to this size are read whole; beyond it only their head and tail. */
const wholeFileLimit = 2 * 1024 * 1024;
const headBytes = 64 * 1024;
const tailBytes = 256 * 1024;
const readConcurrency = 16;

/**
 * The sessions started in `root` (a real path), most recently active first. A session of another
 * folder whose path maps to the same folder name (`/a/b` and `/a-b`) is left out.
 */
export async function listSessions(
  cairnHome: string,
  root: string,
  options: ListOptions = {},
): Promise<SessionSummary[]> {
  const dir = projectDir(cairnHome, root);
  const ids = await sessionIdsIn(dir);
  const summaries = await mapBounded(ids, readConcurrency, async (id) => {
    const path = sessionPaths(dir, id).transcript;
    try {
      return await summarize(path, id);
    } catch (error) {
      if (error instanceof CairnError || isErrnoCode(error, "ENOENT")) {
        // Removed meanwhile (cleanup in another cairn), or not a transcript: not listable.
        if (!isErrnoCode(error, "ENOENT")) options.warn?.(errorMessage(error));
        return undefined;
      }
      throw error;
    }
  });
  return summaries
    .filter((s): s is SessionSummary & { cwd: string } => s !== undefined && s.cwd === root)
    .map(({ cwd: _cwd, ...summary }) => summary)
    .sort((a, b) => b.lastActivity.getTime() - a.lastActivity.getTime());
}

/** The most recently active session of `root`: what `--continue` resumes. */
export async function latestSession(
  cairnHome: string,
  root: string,
  options: ListOptions = {},
): Promise<SessionSummary | undefined> {
  return (await listSessions(cairnHome, root, options))[0];
}

export interface FoundSession {
  sessionId: string;
  path: string;
}

/**
 * The session of `root` whose id is `idOrPrefix` or starts with it. Fails with
 * `session_ambiguous` (naming the candidates) or `session_not_found`, which says so when the
 * session exists under another folder.
 */
export async function findSession(
  cairnHome: string,
  root: string,
  idOrPrefix: string,
): Promise<FoundSession> {
  const wanted = idOrPrefix.trim();
  const dir = projectDir(cairnHome, root);
  if (isValidSessionId(wanted)) {
    const ids = await sessionIdsIn(dir);
    const found = pick(ids, wanted);
    if (found.length === 1 && found[0] !== undefined) {
      return { sessionId: found[0], path: sessionPaths(dir, found[0]).transcript };
    }
    if (found.length > 1) {
      const shown = found.slice(0, 10).join(", ");
      throw new CairnError(
        "session_ambiguous",
        `session id prefix "${wanted}" matches ${found.length} sessions: ${shown}${found.length > 10 ? ", …" : ""}`,
        "Give more characters of the id (cairn sessions lists them).",
      );
    }
    const elsewhere = await findElsewhere(cairnHome, dir, wanted);
    if (elsewhere !== undefined) {
      throw new CairnError(
        "session_not_found",
        `session ${wanted} is not a session of ${root}: it was started in ${elsewhere}`,
        `Run cairn in ${elsewhere} to resume it.`,
      );
    }
  }
  throw new CairnError(
    "session_not_found",
    `no session ${JSON.stringify(wanted)} in ${root}`,
    "cairn sessions lists this folder's sessions; cairn --continue resumes the latest.",
  );
}

/** Exact id first, else every id starting with the prefix. */
function pick(ids: readonly string[], wanted: string): string[] {
  if (ids.includes(wanted)) return [wanted];
  return ids.filter((id) => id.startsWith(wanted));
}

/** The folder (from its header) of the one session under another project matching `wanted`. */
async function findElsewhere(
  cairnHome: string,
  ownDir: string,
  wanted: string,
): Promise<string | undefined> {
  const base = projectsDir(cairnHome);
  const folders = await readdirOrEmpty(base);
  const matches: string[] = [];
  for (const folder of folders) {
    const dir = join(base, folder);
    if (dir === ownDir) continue;
    for (const id of pick(await sessionIdsIn(dir), wanted)) {
      matches.push(sessionPaths(dir, id).transcript);
    }
  }
  if (matches.length !== 1 || matches[0] === undefined) return undefined;
  try {
    return (await readHead(matches[0])).cwd;
  } catch (error) {
    if (error instanceof CairnError) return undefined;
    throw error;
  }
}

async function summarize(path: string, id: string): Promise<SessionSummary & { cwd: string }> {
  const info = await stat(path);
  const sample =
    info.size <= wholeFileLimit
      ? wholeFile(parseTranscript(path, await readFile(path)))
      : await headAndTail(path, info.size);
  const { header } = sample;
  const facts = factsOf(sample.counted, header);
  const headFacts = sample.head ? factsOf(sample.head, header) : facts;
  return {
    sessionId: id,
    path,
    cwd: header.cwd,
    createdAt: validDate(header.at) ?? info.mtime,
    lastActivity: validDate(facts.lastAt) ?? info.mtime,
    firstPrompt: oneLine(headFacts.firstPrompt || facts.firstPrompt, 80),
    title: facts.title ?? headFacts.title,
    model: facts.model,
    messageCount: sample.base.messages + facts.messageCount,
    costUsd: sample.base.costUsd + facts.costUsd,
    busy: (await lockStatus(sessionPaths(dirname(path), id).lock)).state === "live",
    approximate: sample.approximate,
  };
}

/** What a listing reads of a transcript. */
interface Sample {
  header: SessionEntry;
  /** Entries whose messages and cost add to `base`. */
  counted: readonly (TranscriptEntry | undefined)[];
  base: { messages: number; costUsd: number };
  /** A big file's first entries, for its first prompt. */
  head: readonly (TranscriptEntry | undefined)[] | undefined;
  approximate: boolean;
}

function wholeFile(parsed: ParsedTranscript): Sample {
  return {
    header: parsed.header,
    counted: parsed.entries,
    base: { messages: 0, costUsd: 0 },
    head: undefined,
    approximate: false,
  };
}

/**
 * A big transcript's header and first prompt from its head, and from its tail the latest
 * `result` entry's session totals plus what follows. Without such a result in the tail, the
 * counts cover the head and tail only and are marked approximate.
 */
async function headAndTail(path: string, size: number): Promise<Sample> {
  const ignored: string[] = [];
  const headLines = completeLines(await readRange(path, 0, headBytes), "end");
  const header = readHeader(path, headLines[0]);
  const head = parseLines(path, headLines.slice(1), 1, ignored);
  const tailLines = completeLines(await readRange(path, size - tailBytes, tailBytes), "start");
  const tail = parseLines(path, tailLines, 0, ignored);
  const at = tail.findLastIndex((e) => e?.type === "result" && e.totals !== undefined);
  const result = tail[at];
  if (result?.type === "result" && result.totals) {
    return {
      header,
      counted: tail.slice(at + 1),
      base: { messages: result.totals.messages, costUsd: result.totals.costUsd },
      head,
      approximate: false,
    };
  }
  return {
    header,
    counted: [...head, ...tail],
    base: { messages: 0, costUsd: 0 },
    head,
    approximate: true,
  };
}

/** The session header of a transcript, from its first line only. */
async function readHead(path: string): Promise<SessionEntry> {
  const lines = completeLines(await readRange(path, 0, headBytes), "end");
  return readHeader(path, lines[0]);
}

async function readRange(path: string, start: number, length: number): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, Math.max(0, start));
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The whole lines of a window into a file: the cut line at its `end` or `start` is dropped. */
function completeLines(text: string, cut: "start" | "end"): string[] {
  const lines = text.split("\n");
  if (cut === "end") lines.pop();
  else lines.shift();
  return cut === "start" ? lines.filter((line) => line !== "") : lines;
}

async function sessionIdsIn(dir: string): Promise<string[]> {
  const names = await readdirOrEmpty(dir);
  return names
    .filter((name) => name.endsWith(".jsonl"))
    .map((name) => name.slice(0, -".jsonl".length))
    .filter(isValidSessionId);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return [];
    throw error;
  }
}

/** Whitespace collapsed, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}
