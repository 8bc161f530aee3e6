// A small tool set for tests of the loop, enabled with CAIRN_TEST_TOOLS=1 (the real tools are
// separate modules). They exercise every orchestrator path: read-only, mutating, slow, throwing.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import * as z from "zod/mini";
import { defineTool, type Tool } from "./tool.ts";

const echo = defineTool({
  name: "TestEcho",
  description: "Test tool: returns the given text unchanged.",
  input: z.strictObject({ text: z.string() }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: (input) => Promise.resolve({ content: input.text }),
});

const sleep = defineTool({
  name: "TestSleep",
  description: "Test tool: waits `ms` milliseconds, then reports how long it waited.",
  input: z.strictObject({ ms: z.number().check(z.int(), z.minimum(0), z.maximum(600_000)) }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  async run(input, ctx) {
    const started = Date.now();
    await delay(input.ms, undefined, { signal: ctx.signal });
    return { content: `slept ${Date.now() - started} ms` };
  },
});

const fail = defineTool({
  name: "TestFail",
  description: "Test tool: throws an error with the given message.",
  input: z.strictObject({ message: z.string() }),
  readOnly: true,
  describeAccess: () => ({ kind: "none" }),
  run: (input) => Promise.reject(new Error(input.message)),
});

const writeFileTool = defineTool({
  name: "TestWrite",
  description: "Test tool: writes `content` to `path` (relative to the workspace).",
  input: z.strictObject({ path: z.string().check(z.minLength(1)), content: z.string() }),
  readOnly: false,
  describeAccess: (input) => ({ kind: "write", paths: [input.path] }),
  async run(input, ctx) {
    const target = resolve(ctx.cwd, input.path);
    const rel = relative(ctx.cwd, target);
    if (rel.startsWith("..") || isAbsolute(rel)) {
      return { content: `${input.path} is outside the workspace ${ctx.cwd}`, isError: true };
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, input.content);
    return { content: `wrote ${input.content.length} characters to ${rel}` };
  },
});

export const testTools: readonly Tool[] = [echo, sleep, fail, writeFileTool];
