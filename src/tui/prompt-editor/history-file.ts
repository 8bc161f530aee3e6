// The prompt history on disk: one JSON object per line, newest last, each tagged with the folder
// it was typed in, loaded once when the editor mounts and appended to on each submit.
// Not for walking the entries (history.ts).

import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod/mini";
import { isErrnoCode, replaceFile } from "../../fs/index.ts";
import type { PromptDraft } from "./history.ts";

/** Entries kept in the file; older ones are dropped when the file is next loaded. */
export const HISTORY_CAP = 1000;
/** A line longer than this (a huge paste) is not stored: recalling it would be more than a prompt. */
const MAX_LINE_CHARS = 1_000_000;

const pasteSchema = z.object({ id: z.number(), label: z.string(), text: z.string() });
const lineSchema = z.object({
  text: z.string(),
  /** The folder the prompt was typed in; a shared file serves each folder its own entries. */
  cwd: z.optional(z.string()),
  /** Milliseconds since the epoch. */
  at: z.optional(z.number()),
  pastes: z.optional(z.array(pasteSchema)),
});
export type HistoryLine = z.infer<typeof lineSchema>;

/**
 * The entries typed in `cwd`, oldest first (at most `cap`). A missing file is an empty history;
 * lines that do not parse (one torn by a crash mid-append) are skipped. When the file holds more
 * than `cap` lines it is rewritten, atomically, with the newest `cap`.
 */
export async function loadHistory(
  file: string,
  cwd: string,
  cap = HISTORY_CAP,
): Promise<PromptDraft[]> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return [];
    throw error;
  }
  const lines: Array<{ raw: string; line: HistoryLine }> = [];
  for (const raw of content.split("\n")) {
    const line = parseLine(raw);
    if (line) lines.push({ raw, line });
  }
  if (lines.length > cap) {
    const kept = lines.slice(lines.length - cap);
    await replaceFile(file, kept.map((entry) => entry.raw + "\n").join(""), 0o600);
  }
  return lines
    .filter(({ line }) => line.cwd === undefined || line.cwd === cwd)
    .slice(-cap)
    .map(({ line }) => ({ text: line.text, pastes: line.pastes ?? [] }));
}

/**
 * Appends one entry (creating the file and its folder, private to the user: prompts can hold
 * secrets). Returns false, writing nothing, when the entry is too large to keep.
 */
export async function appendHistory(file: string, line: HistoryLine): Promise<boolean> {
  const json = JSON.stringify(line);
  if (json.length > MAX_LINE_CHARS) return false;
  await mkdir(dirname(file), { recursive: true });
  // One write with O_APPEND: two sessions appending at once interleave whole lines.
  await appendFile(file, json + "\n", { mode: 0o600 });
  return true;
}

function parseLine(raw: string): HistoryLine | undefined {
  if (raw.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    // A torn or hand-edited line: skipping it is the whole handling.
    return undefined;
  }
  const parsed = lineSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
