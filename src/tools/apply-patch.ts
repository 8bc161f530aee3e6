// The apply_patch tool for OpenAI models: adds, updates, moves and deletes files described in the
// `*** Begin Patch` format. Every change is computed in memory first; then all are written, or none.

import { chmod, lstat, mkdir, readFile, readlink, rm, stat, symlink } from "node:fs/promises";
import { dirname } from "node:path";
import * as z from "zod/mini";
import { writeFileAtomic } from "./atomic-write.ts";
import { diffTexts, type DiffDisplay } from "./diff-display.ts";
import { snapshotOf } from "./file-ledger.ts";
import { fsErrorMessage } from "./fs-errors.ts";
import { isErrnoCode } from "../fs/index.ts";
import { applyHunks } from "./patch-apply.ts";
import { parsePatch, patchPaths, type Hunk, type PatchOperation } from "./patch-parse.ts";
import { resolvePath } from "./paths.ts";
import {
  conversionAdvice,
  decodeText,
  encodeText,
  lineCount,
  type DecodeFailure,
  type TextFormat,
} from "./text-file.ts";
import { defineTool, type ToolContext, type ToolOutput } from "./tool.ts";

/** One file as the patch sees it: what is on disk, and what the patch has made of it so far. */
interface FileState {
  real: string;
  display: string;
  /** Bytes on disk before the patch; undefined when the file did not exist. */
  original: Buffer | undefined;
  /** Permission bits on disk, kept when the file is moved. */
  mode: number | undefined;
  /** Text after the operations so far; undefined when the file is (now) absent. */
  text: string | undefined;
  format: TextFormat;
  /** Why the file on disk cannot be edited as text, if it cannot (binary, not UTF-8). */
  undecodable?: DecodeFailure | undefined;
  /**
   * Set when the path the patch names is itself a symlink: deleting or moving it away removes
   * the link, never the file it points to (the content goes through the link as usual).
   */
  link?: { path: string; target: string };
}

/** One line of the summary, plus its diff for front-ends. */
interface Change {
  summary: string;
  diff: DiffDisplay;
  /** Said after the summary: something the patch asked for that was not done. */
  note?: string;
}

class PatchFailure extends Error {}

const NEW_FILE_FORMAT: TextFormat = { encoding: "utf8", bom: false, eol: "\n" };

export const applyPatchTool = defineTool({
  name: "apply_patch",
  description: [
    "Edit files with a patch. `input` is the whole patch:",
    "*** Begin Patch",
    "*** Update File: path",
    "@@ optional line naming the enclosing block, e.g. def f():",
    " context",
    "-removed",
    "+added",
    "*** Add File: path  (then every line starts with +)",
    "*** Delete File: path",
    "*** End Patch",
    "An update may continue with *** Move to: new_path. Give ~3 context lines around each change. Paths are relative to the workspace root. Either every file changes or none does.",
  ].join("\n"),
  input: z.object({
    input: z.string().check(z.describe("The entire patch, from *** Begin Patch to *** End Patch")),
  }),
  readOnly: false,
  describeAccess: (input) => ({ kind: "write", paths: patchPaths(input.input) }),
  async run(input, ctx) {
    const parsed = parsePatch(input.input);
    if (!parsed.ok) {
      return { isError: true, content: `Invalid patch; no file was changed. ${parsed.error}` };
    }
    const files = new Map<string, FileState>();
    const changes: Change[] = [];
    try {
      for (const operation of parsed.operations) {
        ctx.signal.throwIfAborted();
        changes.push(await applyOperation(operation, files, ctx));
      }
    } catch (error) {
      if (error instanceof PatchFailure) {
        return {
          isError: true,
          content: `apply_patch failed; no file was changed.\n${error.message}`,
        };
      }
      throw error;
    }
    ctx.signal.throwIfAborted();
    const failure = await commit([...files.values()], ctx);
    if (failure) return failure;
    return {
      content: [
        "Applied the patch:",
        ...changes.map((change) => change.summary),
        ...changes.flatMap((change) => (change.note === undefined ? [] : [change.note])),
      ].join("\n"),
      display: { type: "patch", files: changes.map((change) => change.diff) },
    };
  },
});

async function applyOperation(
  operation: PatchOperation,
  files: Map<string, FileState>,
  ctx: ToolContext,
): Promise<Change> {
  const file = await load(operation.path, files, ctx);
  switch (operation.type) {
    case "add": {
      if (present(file)) {
        throw new PatchFailure(
          `Add File ${file.display} (patch line ${operation.patchLine}): the file already exists. Use "*** Update File:" to change it, or delete it first.`,
        );
      }
      file.text = operation.content;
      file.format = NEW_FILE_FORMAT;
      const summary = `A ${file.display} (+${lineCount(operation.content)})`;
      return change(summary, file.display, "", operation.content, true);
    }
    case "delete": {
      if (!present(file)) {
        throw new PatchFailure(
          `Delete File ${file.display} (patch line ${operation.patchLine}): no such file.`,
        );
      }
      const before = file.text ?? "";
      file.text = undefined;
      file.undecodable = undefined;
      return change(`D ${file.display}`, file.display, before, "");
    }
    case "update":
      return update(operation, file, files, ctx);
    default: {
      const unknown: never = operation;
      throw new Error(`unknown patch operation ${JSON.stringify(unknown)}`);
    }
  }
}

async function update(
  operation: Extract<PatchOperation, { type: "update" }>,
  file: FileState,
  files: Map<string, FileState>,
  ctx: ToolContext,
): Promise<Change> {
  // No read-before-edit check here, unlike Edit: every hunk's context and removed lines must match
  // the file as it is now, which is the freshness check that matters, and OpenAI models often
  // look at files through the shell (sed -n, cat), which the ledger never sees.
  const where = `Update File ${file.display} (patch line ${operation.patchLine})`;
  if (file.undecodable !== undefined) {
    const advice = conversionAdvice(file.display, file.undecodable);
    throw new PatchFailure(
      `${where}: cannot patch it as text: ${file.undecodable.reason}. ${advice}`,
    );
  }
  const before = file.text;
  if (before === undefined) {
    throw new PatchFailure(`${where}: no such file. Use "*** Add File:" to create it.`);
  }
  const applied = applyHunks(before, operation.hunks, file.format.eol);
  if (!applied.ok) {
    const hunk = operation.hunks[applied.hunk];
    throw new PatchFailure(
      `${file.display}: hunk ${applied.hunk + 1} of ${operation.hunks.length}` +
        (hunk ? ` (patch line ${hunk.patchLine})${hunkOpening(hunk)}` : "") +
        `\n${applied.reason}`,
    );
  }
  const added = operation.hunks.reduce((sum, hunk) => sum + countLines(hunk, "+"), 0);
  const removed = operation.hunks.reduce((sum, hunk) => sum + countLines(hunk, "-"), 0);
  const counts = `(+${added} -${removed})`;
  const note = noNewlineNote(operation, file.display, applied.text);
  if (operation.moveTo === undefined) {
    file.text = applied.text;
    return {
      ...change(`M ${file.display} ${counts}`, file.display, before, applied.text),
      ...note,
    };
  }
  const target = await load(operation.moveTo, files, ctx);
  if (target.real !== file.real && present(target)) {
    throw new PatchFailure(
      `${where}: cannot move to ${target.display}: a file already exists there. Delete it first in the same patch, or pick another name.`,
    );
  }
  const format = file.format;
  const mode = file.mode;
  file.text = undefined;
  target.text = applied.text;
  target.format = format;
  target.mode ??= mode;
  return {
    ...change(
      `M ${file.display} -> ${target.display} ${counts}`,
      target.display,
      before,
      applied.text,
    ),
    ...note,
  };
}

/** Says that a "\ No newline at end of file" marker was not acted on, and how the file ends. */
function noNewlineNote(
  operation: Extract<PatchOperation, { type: "update" }>,
  display: string,
  text: string,
): { note: string } | Record<string, never> {
  if (operation.ignoredNoNewline === undefined) return {};
  const ends =
    text === "" || text.endsWith("\n") ? "still ends with a newline" : "still has no final newline";
  return {
    note: `Note: the "\\ No newline at end of file" marker (patch line ${operation.ignoredNoNewline}) was ignored: an update keeps the file's final newline as it was, so ${display} ${ends}. To change that, use a Bash command.`,
  };
}

/** Whether the file exists at this point of the patch (as text or not). */
function present(file: FileState): boolean {
  return file.text !== undefined || file.undecodable !== undefined;
}

/** The file's state in this patch: read from disk the first time the patch names it. */
async function load(
  path: string,
  files: Map<string, FileState>,
  ctx: ToolContext,
): Promise<FileState> {
  const resolved = await resolvePath(ctx.session.workspace, path, ctx.cwd);
  const known = files.get(resolved.real);
  if (known) return known;
  const state: FileState = {
    real: resolved.real,
    display: resolved.display,
    original: undefined,
    mode: undefined,
    text: undefined,
    format: NEW_FILE_FORMAT,
  };
  const own = await lstat(resolved.absolute).catch(() => undefined);
  if (own?.isSymbolicLink()) {
    state.link = { path: resolved.absolute, target: await readlink(resolved.absolute) };
  }
  try {
    const info = await stat(resolved.real);
    if (info.isDirectory()) {
      throw new PatchFailure(`${resolved.display} is a folder; apply_patch changes files only.`);
    }
    if (!info.isFile()) {
      throw new PatchFailure(
        `${resolved.display} is not a regular file; apply_patch changes files only.`,
      );
    }
    state.mode = info.mode & 0o7777;
    state.original = await readFile(resolved.real);
  } catch (error) {
    if (error instanceof PatchFailure) throw error;
    if (!isErrnoCode(error, "ENOENT", "ENOTDIR")) {
      throw new PatchFailure(fsErrorMessage(error, "read", resolved.display) ?? errorText(error));
    }
  }
  if (state.original) {
    const decoded = decodeText(state.original);
    if (decoded.ok) {
      state.text = decoded.text;
      state.format = decoded.format;
    } else state.undecodable = decoded;
  }
  files.set(resolved.real, state);
  return state;
}

/**
 * Writes every changed file, then removes deleted ones. If a write fails, what was already done
 * is undone from the bytes kept in memory, so the patch still changes all files or none.
 */
async function commit(files: FileState[], ctx: ToolContext): Promise<ToolOutput | undefined> {
  const writes: Array<{ file: FileState; bytes: Buffer }> = [];
  const removals: FileState[] = [];
  for (const file of files) {
    if (file.text === undefined) {
      if (file.original !== undefined && file.undecodable === undefined) removals.push(file);
      continue;
    }
    const bytes = encodeText(file.text, file.format);
    if (!file.original?.equals(bytes)) writes.push({ file, bytes });
  }
  const done: FileState[] = [];
  let current: FileState | undefined;
  try {
    for (const { file, bytes } of writes) {
      current = file;
      await mkdir(dirname(file.real), { recursive: true });
      await writeFileAtomic(file.real, bytes);
      if (file.original === undefined && file.mode !== undefined) await chmod(file.real, file.mode);
      done.push(file);
    }
    for (const file of removals) {
      current = file;
      await rm(file.link?.path ?? file.real);
      done.push(file);
    }
  } catch (error) {
    const undo = await rollBack(done);
    const what = current?.display ?? "a file";
    return {
      isError: true,
      content:
        `apply_patch failed: ${fsErrorMessage(error, "write", what) ?? `${what}: ${errorText(error)}.`} ` +
        (undo.length === 0
          ? "No file was changed."
          : `These files could not be restored and may be changed: ${undo.join(", ")}.`),
    };
  }
  for (const { file, bytes } of writes) {
    ctx.session.files.recordWrite(file.real, await snapshotOf(file.real, bytes));
  }
  return undefined;
}

/** Puts back the original bytes of each file already written or removed; returns those it could not. */
async function rollBack(done: FileState[]): Promise<string[]> {
  const failed: string[] = [];
  for (const file of done.reverse()) {
    try {
      if (file.original === undefined) await rm(file.real, { force: true });
      else if (file.text === undefined && file.link)
        await symlink(file.link.target, file.link.path);
      else {
        await writeFileAtomic(file.real, file.original);
        if (file.mode !== undefined) await chmod(file.real, file.mode);
      }
    } catch {
      failed.push(file.display);
    }
  }
  return failed;
}

function change(
  summary: string,
  path: string,
  before: string,
  after: string,
  created = false,
): Change {
  return { summary, diff: diffTexts(path, before, after, { created }).display };
}

/** The first lines the hunk expects to find, to say which hunk failed. */
function hunkOpening(hunk: Hunk): string {
  const anchors = hunk.anchors.map((anchor) => `\n  @@ ${anchor}`);
  const old = hunk.lines.filter((line) => line.kind !== "+").slice(0, 3);
  const lines = old.map((line) => `\n  ${line.kind}${line.text}`);
  return `, which starts:${[...anchors, ...lines].join("")}`;
}

function countLines(hunk: Hunk, kind: "+" | "-"): number {
  return hunk.lines.filter((line) => line.kind === kind).length;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
