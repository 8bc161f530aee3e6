// Bounded capture of a command's output: the first and last characters stay in memory, the whole
// output is spilled to a file, and an over-long output is shown cut in the middle with a marker.

import { closeSync, constants, openSync, writeSync } from "node:fs";

/** Create, write-only, failing if the name exists or is a link (O_NOFOLLOW is 0 on Windows). */
const newFileFlags =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export interface OutputBufferOptions {
  /** How many of the first characters stay in memory. */
  headChars: number;
  /** How many of the last characters stay in memory. */
  tailChars: number;
  /** Where the whole output is written once it is longer than `spillAfter`. */
  spillPath: string;
  /** 0 writes the file from the first character; must not exceed headChars or tailChars. */
  spillAfter: number;
  /** The file stops growing here, so a runaway command cannot fill the disk. */
  maxFileBytes?: number;
}

export interface OutputBuffer {
  append(text: string): void;
  readonly totalChars: number;
  /** Newlines seen so far. */
  readonly totalNewlines: number;
  /** The first characters (all of them while the output is shorter than headChars). */
  readonly head: string;
  /** The last characters (all of them while the output is shorter than tailChars). */
  readonly tail: string;
  /** Output from position `offset` on, as far as memory still holds it; `lostChars` were dropped. */
  since(offset: number): { text: string; lostChars: number };
  /** What happened to the spill file, for the model: its path, or why there is none. */
  readonly spill: SpillState;
  /** Closes the spill file; later appends are kept in memory only. */
  close(): void;
}

export type SpillState =
  | { type: "none" }
  | { type: "file"; path: string; truncatedAtBytes?: number }
  | { type: "failed"; path: string; reason: string };

const defaultMaxFileBytes = 100 * 1024 * 1024;

export function createOutputBuffer(options: OutputBufferOptions): OutputBuffer {
  const { headChars, tailChars, spillPath, spillAfter } = options;
  if (spillAfter > Math.max(headChars, tailChars)) {
    throw new Error("spillAfter must fit in memory so the file can start with everything so far");
  }
  const maxFileBytes = options.maxFileBytes ?? defaultMaxFileBytes;
  let head = "";
  let tailChunks: string[] = [];
  let tailLength = 0;
  let totalChars = 0;
  let totalNewlines = 0;
  let spill: SpillState = { type: "none" };
  let fd: number | undefined;
  let fileBytes = 0;
  let closed = false;

  const tailText = (): string => {
    if (tailChunks.length > 1) tailChunks = [tailChunks.join("")];
    return tailChunks[0] ?? "";
  };

  const writeFile = (text: string): void => {
    if (fd === undefined || text === "") return;
    const bytes = Buffer.from(text, "utf8");
    const room = maxFileBytes - fileBytes;
    const part = bytes.length <= room ? bytes : bytes.subarray(0, room);
    try {
      writeSync(fd, part);
    } catch (error) {
      stopSpilling({ type: "failed", path: spillPath, reason: errorText(error) });
      return;
    }
    fileBytes += part.length;
    if (part.length < bytes.length) {
      stopSpilling({ type: "file", path: spillPath, truncatedAtBytes: maxFileBytes });
    }
  };

  const stopSpilling = (state: SpillState): void => {
    spill = state;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };

  const startSpilling = (): void => {
    try {
      // A new file only, never through a link: cairn writes here from outside the sandbox.
      fd = openSync(spillPath, newFileFlags, 0o600);
    } catch (error) {
      spill = { type: "failed", path: spillPath, reason: errorText(error) };
      return;
    }
    spill = { type: "file", path: spillPath };
    // Everything so far is still in memory: spillAfter fits in the head or the tail.
    writeFile(totalChars <= head.length ? head : tailText());
  };

  if (spillAfter === 0) startSpilling();

  return {
    append(text) {
      if (text === "") return;
      if (spill.type === "none" && !closed && totalChars + text.length > spillAfter) {
        startSpilling();
      }
      writeFile(text);
      if (head.length < headChars) head += text.slice(0, headChars - head.length);
      tailChunks.push(text);
      tailLength += text.length;
      while (tailChunks.length > 1 && tailLength - (tailChunks[0]?.length ?? 0) >= tailChars) {
        tailLength -= tailChunks.shift()?.length ?? 0;
      }
      const excess = tailLength - tailChars;
      // After the loop the first chunk is longer than the excess, so slicing it is enough.
      if (excess > 0) {
        tailChunks[0] = (tailChunks[0] ?? "").slice(excess);
        tailLength = tailChars;
      }
      totalChars += text.length;
      totalNewlines += countNewlines(text);
    },
    get totalChars() {
      return totalChars;
    },
    get totalNewlines() {
      return totalNewlines;
    },
    get head() {
      return head;
    },
    get tail() {
      return tailText();
    },
    since(offset) {
      const tailStart = totalChars - tailLength;
      if (offset >= tailStart) return { text: tailText().slice(offset - tailStart), lostChars: 0 };
      return { text: tailText(), lostChars: tailStart - offset };
    },
    get spill() {
      return spill;
    },
    close() {
      closed = true;
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

export interface MiddleCut {
  /** A prefix of the output; the whole output when it is not longer than maxChars. */
  head: string;
  /** A suffix of the output. */
  tail: string;
  totalChars: number;
  totalNewlines: number;
  maxChars: number;
  /** Where the whole output can be read, for the marker. */
  spill: SpillState;
  /** Whether line numbers in the marker match the spill file (false for a slice of it). */
  linesMatchFile?: boolean;
}

/**
 * The output as the model sees it: whole when it fits, else the head and the tail (cut at line
 * ends where one is near) around a marker saying how much was cut and where the rest is.
 */
export function cutMiddle(cut: MiddleCut): string {
  if (cut.totalChars <= cut.maxChars) return cut.head;
  const where = describeSpill(cut.spill);
  const budget = Math.max(0, cut.maxChars - 240 - where.length);
  const headPart = snapHead(cut.head.slice(0, Math.ceil(budget / 2)));
  const tailWindow = cut.tail.slice(cut.tail.length - Math.floor(budget / 2));
  const tailPart = snapTail(tailWindow);
  // Unless the tail was snapped to a line start, it may begin inside a line that was cut.
  const tailAtLineStart = tailPart !== tailWindow;
  const cutChars = cut.totalChars - headPart.length - tailPart.length;
  // Line numbers let the model Read exactly the part that was cut from the saved file.
  const firstCutLine = countNewlines(headPart) + 1;
  const lastCutLine = cut.totalNewlines - countNewlines(tailPart) + (tailAtLineStart ? 0 : 1);
  const lines =
    cut.linesMatchFile !== false && lastCutLine > firstCutLine
      ? ` (lines ${firstCutLine}-${lastCutLine})`
      : "";
  const marker = `[... ${cutChars.toLocaleString("en-US")} characters${lines} cut from the middle of the output${where} ...]`;
  const before = headPart === "" || headPart.endsWith("\n") ? "" : "\n";
  return `${headPart}${before}${marker}\n${tailPart}`;
}

/** Cuts a string held in memory that is a slice of the spilled output, like cutMiddle. */
export function cutMiddleOfSlice(text: string, maxChars: number, spill: SpillState): string {
  return cutMiddle({
    linesMatchFile: false,
    head: text,
    tail: text,
    totalChars: text.length,
    totalNewlines: countNewlines(text),
    maxChars,
    spill,
  });
}

/** "; the full output is in /tmp/…" or why it is not, for a marker. */
export function describeSpill(spill: SpillState): string {
  switch (spill.type) {
    case "none":
      return "";
    case "file":
      return spill.truncatedAtBytes === undefined
        ? `; the full output is in ${spill.path} (use Read with offset/limit, or Grep)`
        : `; the first ${Math.round(spill.truncatedAtBytes / 1024 / 1024)} MB of the output are in ${spill.path}`;
    case "failed":
      return `; the full output could not be saved to ${spill.path}: ${spill.reason}`;
    default: {
      const unreachable: never = spill;
      return unreachable;
    }
  }
}

export function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/** Ends the head at a line end when one is in its last quarter. */
function snapHead(part: string): string {
  const end = part.lastIndexOf("\n");
  return end >= part.length * 0.75 ? part.slice(0, end + 1) : part;
}

/** Starts the tail at a line start when one is in its first quarter. */
function snapTail(part: string): string {
  const start = part.indexOf("\n");
  return start !== -1 && start < part.length * 0.25 ? part.slice(start + 1) : part;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
