// Parsing the `*** Begin Patch` format that OpenAI models write for apply_patch into file
// operations and hunks. Pure: no file access; matching hunks against files is patch-apply.ts.

/** One line of a hunk: context (kept), removed, or added. */
export interface HunkLine {
  kind: " " | "-" | "+";
  text: string;
}

export interface Hunk {
  /** `@@ text` headers naming enclosing lines (outermost first); the hunk lies after them. */
  anchors: string[];
  lines: HunkLine[];
  /** `*** End of File`: the hunk's old lines must end the file. */
  endOfFile: boolean;
  /** 1-based line of the patch where the hunk starts, for messages. */
  patchLine: number;
}

export type PatchOperation =
  | { type: "add"; path: string; content: string; patchLine: number }
  | { type: "delete"; path: string; patchLine: number }
  | {
      type: "update";
      path: string;
      moveTo?: string;
      hunks: Hunk[];
      patchLine: number;
      /**
       * Patch line of a unified diff's "\ No newline at end of file" inside the hunks: an update
       * keeps the file's final newline as it was, so the marker is ignored, and the result says so.
       */
      ignoredNoNewline?: number;
    };

export type ParsedPatch = { ok: true; operations: PatchOperation[] } | { ok: false; error: string };

const BEGIN = "*** Begin Patch";
const END = "*** End Patch";
const ADD = "*** Add File:";
const DELETE = "*** Delete File:";
const UPDATE = "*** Update File:";
const MOVE = "*** Move to:";
const END_OF_FILE = "*** End of File";
const NO_NEWLINE = "\\ No newline at end of file";
/** A unified-diff range header (`@@ -12,5 +12,6 @@`) names no enclosing line; models sometimes write one. */
const RANGE_HEADER = /^@@ -\d+(,\d+)? \+\d+(,\d+)? @@/;

class PatchSyntaxError extends Error {}

export function parsePatch(text: string): ParsedPatch {
  try {
    return { ok: true, operations: parseLines(patchLines(text)) };
  } catch (error) {
    if (error instanceof PatchSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/**
 * Every path a patch names (files added, deleted, updated and move targets), found by scanning
 * headers only, so that even a patch that does not parse says what it would touch.
 */
export function patchPaths(text: string): string[] {
  const paths: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    for (const marker of [ADD, DELETE, UPDATE, MOVE]) {
      if (trimmed.startsWith(marker)) {
        const path = trimmed.slice(marker.length).trim();
        if (path && !paths.includes(path)) paths.push(path);
      }
    }
  }
  return paths;
}

interface Line {
  text: string;
  number: number;
}

/** The patch's lines between the envelope markers, tolerating a heredoc or code-fence wrapper. */
function patchLines(text: string): Line[] {
  const all = text.split(/\r?\n/).map((line, index) => ({ text: line, number: index + 1 }));
  let first = 0;
  let last = all.length - 1;
  const isBlank = (index: number) => all[index]?.text.trim() === "";
  while (first <= last && isBlank(first)) first++;
  while (last >= first && isBlank(last)) last--;
  // Models used to running apply_patch through a shell sometimes send the heredoc around it.
  const opener = all[first]?.text.trim() ?? "";
  if (/^(```[\w-]*|(apply_patch\s*)?<<-?\s*['"]?\w+['"]?)$/.test(opener)) {
    first++;
    const closer = all[last]?.text.trim() ?? "";
    if (closer === "```" || /^\w+$/.test(closer)) last--;
  }
  if (all[first]?.text.trim() !== BEGIN) {
    throw new PatchSyntaxError(`The patch must start with the line "${BEGIN}".`);
  }
  if (last <= first || all[last]?.text.trim() !== END) {
    throw new PatchSyntaxError(
      `The patch must end with the line "${END}" (is the patch complete?).`,
    );
  }
  return all.slice(first + 1, last);
}

function parseLines(lines: Line[]): PatchOperation[] {
  const operations: PatchOperation[] = [];
  let at = 0;
  while (at < lines.length) {
    const line = lines[at];
    if (!line) break;
    const header = line.text.trim();
    if (header === "") {
      at++;
    } else if (header.startsWith(ADD)) {
      const path = headerPath(line, ADD);
      const body = bodyLines(lines, at + 1);
      operations.push({
        type: "add",
        path,
        content: addedContent(path, body),
        patchLine: line.number,
      });
      at += 1 + body.length;
    } else if (header.startsWith(DELETE)) {
      operations.push({ type: "delete", path: headerPath(line, DELETE), patchLine: line.number });
      at++;
    } else if (header.startsWith(UPDATE)) {
      const path = headerPath(line, UPDATE);
      let next = at + 1;
      let moveTo: string | undefined;
      const maybeMove = lines[next];
      if (maybeMove?.text.trim().startsWith(MOVE)) {
        moveTo = headerPath(maybeMove, MOVE);
        next++;
      }
      const body = bodyLines(lines, next);
      const { hunks, ignoredNoNewline } = parseHunks(path, body);
      if (hunks.length === 0 && moveTo === undefined) {
        throw new PatchSyntaxError(
          `Patch line ${line.number}: "${UPDATE} ${path}" has no hunks. Add hunks starting with "@@", or use "${MOVE}" to rename.`,
        );
      }
      operations.push({
        type: "update",
        path,
        ...(moveTo === undefined ? {} : { moveTo }),
        hunks,
        patchLine: line.number,
        ...(ignoredNoNewline === undefined ? {} : { ignoredNoNewline }),
      });
      at = next + body.length;
    } else {
      throw new PatchSyntaxError(
        `Patch line ${line.number}: expected a file header ("${ADD} path", "${DELETE} path" or "${UPDATE} path"), got: ${quote(line.text)}`,
      );
    }
  }
  if (operations.length === 0) throw new PatchSyntaxError("The patch contains no file operations.");
  return operations;
}

function headerPath(line: Line, marker: string): string {
  const path = line.text.trim().slice(marker.length).trim();
  if (!path) throw new PatchSyntaxError(`Patch line ${line.number}: "${marker}" needs a path.`);
  return path;
}

/** The lines of one file operation: everything up to the next file header. */
function bodyLines(lines: Line[], start: number): Line[] {
  let end = start;
  while (end < lines.length) {
    const text = lines[end]?.text ?? "";
    if ([ADD, DELETE, UPDATE].some((marker) => text.startsWith(marker))) break;
    end++;
  }
  return lines.slice(start, end);
}

function addedContent(path: string, body: Line[]): string {
  let end = body.length;
  while (end > 0 && body[end - 1]?.text === "") end--; // blank lines before the next header
  const content: string[] = [];
  // "\ No newline at end of file" (a unified-diff habit) after the last line: the file has none.
  const noFinalNewline = end > 0 && body[end - 1]?.text.startsWith(NO_NEWLINE) === true;
  if (noFinalNewline) end--;
  for (const line of body.slice(0, end)) {
    if (line.text.startsWith("+")) content.push(line.text.slice(1));
    else if (line.text === "") content.push("");
    else {
      throw new PatchSyntaxError(
        `Patch line ${line.number}: in "${ADD} ${path}", every line must start with "+"; got: ${quote(line.text)}`,
      );
    }
  }
  if (content.length === 0) return "";
  return noFinalNewline ? content.join("\n") : `${content.join("\n")}\n`;
}

function parseHunks(
  path: string,
  body: Line[],
): { hunks: Hunk[]; ignoredNoNewline: number | undefined } {
  const hunks: Hunk[] = [];
  let ignoredNoNewline: number | undefined;
  let current: Hunk | undefined;
  const finish = () => {
    if (!current) return;
    if (current.lines.length === 0) {
      throw new PatchSyntaxError(
        `Patch line ${current.patchLine}: a hunk in "${UPDATE} ${path}" has no lines. Each hunk needs lines starting with " ", "-" or "+".`,
      );
    }
    hunks.push(current);
    current = undefined;
  };
  for (let index = 0; index < body.length; index++) {
    const line = body[index];
    if (!line) break;
    const { text } = line;
    if (text.startsWith("@@")) {
      // Consecutive headers narrow step by step (a class, then a method in it): one hunk.
      if (current && current.lines.length > 0) finish();
      current ??= { anchors: [], lines: [], endOfFile: false, patchLine: line.number };
      const anchor = RANGE_HEADER.test(text) ? "" : text.slice(2).trim();
      if (anchor) current.anchors.push(anchor);
    } else if (text.trim() === END_OF_FILE) {
      if (!current || current.lines.length === 0) {
        throw new PatchSyntaxError(
          `Patch line ${line.number}: "${END_OF_FILE}" must follow the lines of a hunk.`,
        );
      }
      current.endOfFile = true;
      finish();
    } else if (text.startsWith(" ") || text.startsWith("-") || text.startsWith("+")) {
      // The first hunk may start without an "@@" line.
      current ??= { anchors: [], lines: [], endOfFile: false, patchLine: line.number };
      current.lines.push({ kind: text[0] as HunkLine["kind"], text: text.slice(1) });
    } else if (text === "") {
      // An empty context line whose leading space was lost; blank lines between hunks are dropped.
      const next = body.slice(index + 1).find((rest) => rest.text !== "");
      if (current && next && /^[ +-]/.test(next.text)) current.lines.push({ kind: " ", text: "" });
    } else if (text.startsWith(NO_NEWLINE)) {
      // A unified-diff habit; an update keeps the file's final newline as it was in any case.
      ignoredNoNewline ??= line.number;
    } else if (text.startsWith("***")) {
      throw new PatchSyntaxError(`Patch line ${line.number}: unknown marker ${quote(text)}.`);
    } else {
      throw new PatchSyntaxError(
        `Patch line ${line.number}: in "${UPDATE} ${path}", hunk lines must start with " " (context), "-" (remove) or "+" (add); got: ${quote(text)}`,
      );
    }
  }
  finish();
  return { hunks, ignoredNoNewline };
}

function quote(text: string): string {
  const short = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return JSON.stringify(short);
}
