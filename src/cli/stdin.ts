// Reads what a script pipes into `cairn -p`: a plain prompt, or stream-json user messages.
// Piped input is capped (10 MB, as `claude -p` does) and every bad line is reported by number.

import type { Readable } from "node:stream";
import * as z from "zod/mini";
import { CairnError } from "../core/errors.ts";
import type { UserBlock, UserMessage } from "../core/messages.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";

export const maxStdinBytes = 10 * 1024 * 1024;

export interface ReadOptions {
  limit?: number;
  /** Give up (resolving undefined) if no data at all arrives within this time. */
  firstDataTimeoutMs?: number;
  /** Stop reading (resolving undefined) when this fires. */
  signal?: AbortSignal;
}

/**
 * Reads a stream to its end. With `firstDataTimeoutMs`, an input that stays silent (a parent
 * process that never closes our stdin) resolves undefined instead of hanging forever.
 */
export function readAll(stream: Readable, options: ReadOptions = {}): Promise<string | undefined> {
  const limit = options.limit ?? maxStdinBytes;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      stop();
      stream.destroy();
      resolve(undefined);
    };
    const stop = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
    };
    const onData = (chunk: Buffer | string): void => {
      clearTimeout(timer);
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        stop();
        stream.destroy();
        reject(
          new CairnError(
            "bad_input",
            `standard input is larger than ${limit / 1024 / 1024} MB`,
            "Pass a smaller input, or save it to a file and ask cairn to read the file.",
          ),
        );
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    if (options.firstDataTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        stop();
        stream.destroy();
        resolve(undefined);
      }, options.firstDataTimeoutMs);
    }
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}

// A bad line is reported in words: "stdin line 3: message.content: Too small: ...".
useEnglishValidationMessages();

const textBlock = z.object({ type: z.literal("text"), text: z.string() });
const imageBlock = z.object({
  type: z.literal("image"),
  source: z.object({ type: z.literal("base64"), media_type: z.string(), data: z.string() }),
});
const inputLine = z.object({
  type: z.literal("user"),
  message: z.object({
    role: z.literal("user"),
    content: z.union([z.string(), z.array(z.union([textBlock, imageBlock])).check(z.minLength(1))]),
  }),
});

const inputHint =
  'Each line must be one JSON object like {"type":"user","message":{"role":"user","content":"..."}}';

/**
 * Parses one NDJSON input line: a user message, or undefined for a blank line or a message type
 * this version does not act on (reported through `warn`, never silently).
 */
export function parseStreamJsonLine(
  line: string,
  lineNumber: number,
  warn: (message: string) => void,
): UserMessage | undefined {
  if (line.trim() === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new CairnError(
      "bad_input",
      `stdin line ${lineNumber}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      inputHint,
    );
  }
  const kind = z.object({ type: z.string() }).safeParse(value);
  if (kind.success && kind.data.type !== "user") {
    warn(
      `stdin line ${lineNumber}: ignoring a "${kind.data.type}" message (only "user" messages are read)`,
    );
    return undefined;
  }
  const parsed = inputLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CairnError(
      "bad_input",
      `stdin line ${lineNumber}: ${issue?.path.join(".") || "(line)"}: ${issue?.message ?? "invalid"}`,
      inputHint,
    );
  }
  const content = parsed.data.message.content;
  const blocks: UserBlock[] =
    typeof content === "string" ? [{ type: "text", text: content }] : content;
  return { role: "user", content: blocks };
}
