// A session's checkpoints: before a tool changes a file, its previous state is saved (content in
// `blobs/`, what happened in the append-only `index.jsonl`); a rewind puts the files back as they
// were when a turn began. Shell commands' effects are only named, never saved.

import { mkdir, open, readFile, truncate } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { CairnError, errorMessage } from "../core/errors.ts";
import { createBlobStore } from "./blob-store.ts";
import { entrySchema, sameState, type Entry, type PathState } from "./entries.ts";
import { linkPath, realpathOfNearest } from "./fs-helpers.ts";
import { isErrnoCode } from "../fs/index.ts";
import { restoreTargets, turnSummaries, uncoveredSince, type TurnSummary } from "./history.ts";
import { observe } from "./observe.ts";
import { putFile, putSymlink, removePath } from "./put-back.ts";

export interface CheckpointOptions {
  /** Files larger than this are named as not saved rather than copied. Default 50 MB. */
  maxFileBytes?: number;
  now?: () => Date;
}

export interface RestoreItem {
  path: string;
  /** The earliest turn at or after the rewind point that changed the path. */
  turn: number;
  /** What the path will be: as it was when the rewind point's turn began. */
  target: PathState;
  /**
   * `restore` changes the path; `unchanged`: it already is as it was; `not_covered`: its earlier
   * content was not saved (`target` says why), so it is left as it is.
   */
  action: "restore" | "unchanged" | "not_covered";
  /** Set when the path changed after cairn last wrote it (a shell command, an editor): a restore overwrites that. */
  conflict?: string;
}

export interface RestorePlan {
  toTurn: number;
  /** Turn `toTurn`'s prompt, as listed. */
  prompt: string;
  /** The conversation's length before turn `toTurn`: keep this many messages to rewind it too. */
  messageCount: number;
  /** Turn `toTurn`'s prompt id in the transcript, if beginTurn was given one. */
  messageId?: string;
  items: RestoreItem[];
  /** Commands run since the rewind point whose effects on files are not undone. */
  uncovered: Array<{ turn: number; tool: string; command: string }>;
}

export interface RestoreResult {
  path: string;
  outcome: "restored" | "deleted" | "unchanged" | "not_covered" | "failed";
  /** Why it failed, or why it is not covered. */
  detail?: string;
  conflict?: string;
}

export interface RestoreReport {
  toTurn: number;
  results: RestoreResult[];
}

export interface TurnStart {
  /** The user's prompt; its first line is kept, shortened. */
  prompt: string;
  /** The conversation's length before the prompt is added. */
  messageCount: number;
  /** The prompt's id in the session's transcript, to find it again when rewinding the conversation. */
  messageId?: string;
}

export interface CheckpointStore {
  readonly folder: string;
  /** Starts a turn (one user prompt); returns its index, counting from 1. */
  beginTurn(turn: TurnStart): Promise<number>;
  /**
   * Saves the state of each absolute path before a tool changes it, once per path per turn. A
   * symlink is saved as a link, and the file it leads to as well (a write goes through it). A
   * folder, special file or file over the size cap is recorded as not saved, without failing.
   */
  beforeChange(paths: readonly string[]): Promise<void>;
  /** Records what a tool left at the paths, so a later change outside cairn can be noticed. */
  afterChange(paths: readonly string[]): Promise<void>;
  /** Names a command whose effects on files are not saved. */
  noteUncovered(tool: string, command: string): Promise<void>;
  list(): Promise<TurnSummary[]>;
  planRestore(toTurn: number): Promise<RestorePlan>;
  /**
   * Puts every path of the plan back, each atomically; a failure on one path does not stop the
   * others. The rewind's own changes are saved first, in the current turn, so a later rewind can
   * still reach any turn's starting state.
   */
  restore(plan: RestorePlan): Promise<RestoreReport>;
}

export const defaultMaxFileBytes = 50 * 1024 * 1024;
const promptChars = 120;
const commandChars = 200;

/** Opens (without creating anything yet) the checkpoints kept in `folder`. */
export async function openCheckpoints(
  folder: string,
  options: CheckpointOptions = {},
): Promise<CheckpointStore> {
  const maxBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  const now = options.now ?? (() => new Date());
  const indexPath = join(folder, "index.jsonl");
  const blobs = createBlobStore(join(folder, "blobs"));
  const loaded = await loadIndex(indexPath);
  const entries = loaded.entries;
  /** Bytes of whole lines in the index; anything after them is a partial line to drop. */
  let indexBytes = loaded.validBytes;
  let tornTail = loaded.validBytes !== loaded.totalBytes;
  let turn = lastTurn(entries);
  /** Paths whose state the current turn has already saved. */
  let saved = new Set(
    entries.flatMap((e) => (e.type === "file" && e.turn === turn ? [e.path] : [])),
  );

  // One operation at a time, so "first change in the turn" and the index order stay true.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = tail.then(operation, operation);
    // The caller of `run` gets its failure; the queue only needs to know it finished.
    tail = run.catch(() => undefined);
    return run;
  };

  const append = async (added: readonly Entry[]): Promise<void> => {
    if (added.length === 0) return;
    await mkdir(folder, { recursive: true, mode: 0o700 });
    // A crash or a failed write mid-append leaves a partial last line; drop it before adding
    // whole ones, or the next line would be glued to it.
    if (tornTail) {
      await truncate(indexPath, indexBytes);
      tornTail = false;
    }
    const data = Buffer.from(added.map((e) => `${JSON.stringify(e)}\n`).join(""));
    const handle = await open(indexPath, "a", 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      tornTail = true;
      throw error;
    } finally {
      await handle.close();
    }
    indexBytes += data.length;
    entries.push(...added);
  };

  const currentTurn = (): number => {
    if (turn === undefined) throw new Error("no turn has begun (beginTurn was not called)");
    return turn;
  };

  const saveBefore = async (paths: readonly string[], cause: "tool" | "rewind"): Promise<void> => {
    const index = currentTurn();
    const added: Entry[] = [];
    for (const path of await expand(paths)) {
      if (saved.has(path)) continue;
      const seen = await observe(path, maxBytes);
      if (seen.state.kind === "file" && seen.data) await blobs.put(seen.data, seen.state.hash);
      added.push({ type: "file", turn: index, path, before: seen.state, cause });
    }
    await append(added);
    for (const entry of added) if (entry.type === "file") saved.add(entry.path);
  };

  const recordAfter = async (paths: readonly string[]): Promise<void> => {
    const index = currentTurn();
    const added: Entry[] = [];
    for (const path of await expand(paths)) {
      const seen = await observe(path, maxBytes);
      added.push({ type: "after", turn: index, path, state: seen.state });
    }
    await append(added);
  };

  const turnEntry = (toTurn: number) => {
    const found = entries.find((e) => e.type === "turn" && e.index === toTurn);
    if (found?.type === "turn") return found;
    const last = lastTurn(entries);
    throw new CairnError(
      "bad_input",
      `checkpoints: there is no turn ${toTurn}`,
      last === undefined
        ? "This session has no turns yet."
        : `This session's turns are numbered 1 to ${last}.`,
    );
  };

  return {
    folder,
    beginTurn: ({ prompt, messageCount, messageId }) =>
      exclusive(async () => {
        const index = (turn ?? 0) + 1;
        await append([
          {
            type: "turn",
            index,
            prompt: cut(firstLine(prompt), promptChars),
            at: now().toISOString(),
            messageCount,
            ...(messageId !== undefined ? { messageId } : {}),
          },
        ]);
        turn = index;
        saved = new Set();
        return index;
      }),
    beforeChange: (paths) => exclusive(() => saveBefore(paths, "tool")),
    afterChange: (paths) => exclusive(() => recordAfter(paths)),
    noteUncovered: (tool, command) =>
      exclusive(() =>
        append([
          { type: "uncovered", turn: currentTurn(), tool, command: cut(command, commandChars) },
        ]),
      ),
    list: () => exclusive(() => Promise.resolve(turnSummaries(entries))),
    planRestore: (toTurn) =>
      exclusive(async () => {
        const start = turnEntry(toTurn);
        const items: RestoreItem[] = [];
        for (const target of restoreTargets(entries, toTurn)) {
          const { state: current } = await observe(target.path, maxBytes);
          const item: RestoreItem = {
            path: target.path,
            turn: target.turn,
            target: target.state,
            action:
              target.state.kind === "unsaved"
                ? "not_covered"
                : sameState(current, target.state)
                  ? "unchanged"
                  : "restore",
          };
          const written = target.lastWritten;
          if (written && written.state.kind !== "unsaved" && !sameState(current, written.state)) {
            item.conflict = `changed since cairn last wrote it in turn ${written.turn}, by something other than cairn's file tools`;
          }
          items.push(item);
        }
        return {
          toTurn,
          prompt: start.prompt,
          messageCount: start.messageCount,
          ...(start.messageId !== undefined ? { messageId: start.messageId } : {}),
          items,
          uncovered: uncoveredSince(entries, toTurn),
        };
      }),
    restore: (plan) =>
      exclusive(async () => {
        turnEntry(plan.toTurn);
        const results: RestoreResult[] = [];
        const work: RestoreItem[] = [];
        for (const item of plan.items) {
          const extra = item.conflict ? { conflict: item.conflict } : {};
          if (item.target.kind === "unsaved") {
            results.push({
              path: item.path,
              outcome: "not_covered",
              detail: item.target.reason,
              ...extra,
            });
            continue;
          }
          // Judged again: the plan may be a while old.
          const { state: current } = await observe(item.path, maxBytes);
          if (sameState(current, item.target)) {
            results.push({ path: item.path, outcome: "unchanged", ...extra });
          } else {
            work.push(item);
          }
        }
        // Saved before anything is touched: if that fails, nothing is.
        await saveBefore(
          work.map((item) => item.path),
          "rewind",
        );
        // Removals first, deepest first, so folders created for new files can go too.
        const order = [...work].sort(
          (a, b) =>
            Number(b.target.kind === "missing") - Number(a.target.kind === "missing") ||
            b.path.length - a.path.length,
        );
        for (const item of order) {
          const extra = item.conflict ? { conflict: item.conflict } : {};
          try {
            const outcome = await putBack(item.path, item.target, blobs);
            results.push({ path: item.path, outcome, ...extra });
          } catch (error) {
            results.push({
              path: item.path,
              outcome: "failed",
              detail: errorMessage(error),
              ...extra,
            });
          }
        }
        await recordAfter(work.map((item) => item.path));
        await append([
          { type: "rewind", turn: currentTurn(), toTurn: plan.toTurn, at: now().toISOString() },
        ]);
        const position = new Map(plan.items.map((item, i) => [item.path, i]));
        results.sort((a, b) => (position.get(a.path) ?? 0) - (position.get(b.path) ?? 0));
        return { toTurn: plan.toTurn, results };
      }),
  };
}

async function putBack(
  path: string,
  state: PathState,
  blobs: ReturnType<typeof createBlobStore>,
): Promise<"restored" | "deleted"> {
  switch (state.kind) {
    case "file":
      await putFile(path, await blobs.get(state.hash), state.mode);
      return "restored";
    case "symlink":
      await putSymlink(path, state.target);
      return "restored";
    case "missing":
      await removePath(path, state.existingParent);
      return "deleted";
    case "unsaved":
      throw new Error(`its earlier content was not saved: ${state.reason}`);
    default: {
      const never: never = state;
      return never;
    }
  }
}

/**
 * The paths a change to `paths` may touch: each with its folder resolved (a symlink named
 * directly is itself what a delete or move removes) and, for a symlink, the file it leads to
 * (what a write through it changes).
 */
async function expand(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const path of paths) {
    if (!isAbsolute(path)) throw new Error(`checkpoints need absolute paths, got "${path}"`);
    out.add(await linkPath(path));
    out.add(await realpathOfNearest(path));
  }
  return [...out];
}

interface LoadedIndex {
  entries: Entry[];
  /** Bytes up to the end of the last complete line. */
  validBytes: number;
  totalBytes: number;
}

async function loadIndex(indexPath: string): Promise<LoadedIndex> {
  let text: Buffer;
  try {
    text = await readFile(indexPath);
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return { entries: [], validBytes: 0, totalBytes: 0 };
    throw error;
  }
  // Only whole lines count: a crash mid-append leaves a partial last line, which never finished
  // recording anything (the tool it was for did not run).
  const validBytes = text.lastIndexOf(0x0a) + 1;
  const lines = text.subarray(0, validBytes).toString("utf8").split("\n");
  const entries: Entry[] = [];
  lines.forEach((line, i) => {
    if (line === "") return;
    const where = `${indexPath}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw damaged(`${where}: not JSON (${errorMessage(error)})`);
    }
    const parsed = entrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw damaged(`${where}: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    entries.push(parsed.data);
  });
  return { entries, validBytes, totalBytes: text.length };
}

function damaged(message: string): CairnError {
  return new CairnError(
    "bad_input",
    `checkpoints: the index is damaged: ${message}`,
    "Move the session's checkpoints folder aside to start a new history; rewinding to earlier turns will not be possible.",
  );
}

function lastTurn(entries: readonly Entry[]): number | undefined {
  let last: number | undefined;
  for (const entry of entries) if (entry.type === "turn") last = entry.index;
  return last;
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/, 1)[0] ?? "";
}

/** At most `max` characters, counted in code points so a cut never splits a surrogate pair. */
function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
