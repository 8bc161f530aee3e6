// The lines of a session's checkpoint index (`index.jsonl`) and the path states they record,
// described once as schemas. Not the I/O: store.ts reads and appends the file.

import * as z from "zod/mini";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";

// A damaged index is reported with the field that failed, so messages must be readable.
useEnglishValidationMessages();

const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/, "expected a sha256 in hex"));
const turnIndex = z.number().check(z.int(), z.minimum(1));
const count = z.number().check(z.int(), z.minimum(0));

/**
 * What was at a path at one moment. `file` names a blob by its sha256 (in a `file` entry the blob
 * is stored; in an `after` entry only the hash is kept). `missing` may carry the nearest folder
 * that existed, so a rewind can remove the folders a tool created for the file. `unsaved` is a
 * path whose content was not kept (a folder, a special file, a file over the size cap).
 */
export const pathStateSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("file"),
    hash: sha256,
    size: count,
    mode: z.number().check(z.int(), z.minimum(0), z.maximum(0o7777)),
  }),
  z.object({ kind: z.literal("missing"), existingParent: z.optional(z.string()) }),
  z.object({ kind: z.literal("symlink"), target: z.string() }),
  z.object({ kind: z.literal("unsaved"), reason: z.string() }),
]);
export type PathState = z.infer<typeof pathStateSchema>;

export const entrySchema = z.discriminatedUnion("type", [
  /** A user prompt began a turn; `messageCount` is the conversation's length before it. */
  z.object({
    type: z.literal("turn"),
    index: turnIndex,
    prompt: z.string(),
    at: z.string(),
    messageCount: count,
    /** The prompt's id in the session's transcript, when the caller keeps one. */
    messageId: z.optional(z.string()),
  }),
  /** The state of `path` before its first change within `turn` (by a tool, or by a rewind). */
  z.object({
    type: z.literal("file"),
    turn: turnIndex,
    path: z.string(),
    before: pathStateSchema,
    cause: z.enum(["tool", "rewind"]),
  }),
  /** The state of `path` right after cairn changed it, to spot changes made outside cairn since. */
  z.object({ type: z.literal("after"), turn: turnIndex, path: z.string(), state: pathStateSchema }),
  /** A command whose effects on files are not saved (a shell command). */
  z.object({
    type: z.literal("uncovered"),
    turn: turnIndex,
    tool: z.string(),
    command: z.string(),
  }),
  /** Files were restored, during `turn`, to how they were before turn `toTurn`. */
  z.object({ type: z.literal("rewind"), turn: turnIndex, toTurn: turnIndex, at: z.string() }),
]);
export type Entry = z.infer<typeof entrySchema>;

/** Whether two observed states are the same content (bytes and mode, link target, absence). */
export function sameState(a: PathState, b: PathState): boolean {
  switch (a.kind) {
    case "file":
      return b.kind === "file" && a.hash === b.hash && a.mode === b.mode;
    case "missing":
      return b.kind === "missing";
    case "symlink":
      return b.kind === "symlink" && a.target === b.target;
    case "unsaved":
      // Nothing is known about the content, so it can never be shown to be the same.
      return false;
    default: {
      const never: never = a;
      return never;
    }
  }
}
