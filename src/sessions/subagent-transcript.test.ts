import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../core/messages.ts";
import { createSubagentTranscript, loadTranscript } from "./index.ts";

// A disk that fills up mid-line: the armed write stores only `tearAfter` bytes and the one after
// it fails with ENOSPC, as a short write followed by a full disk does; later writes succeed.
const fault = vi.hoisted(() => ({ tearAfter: undefined as number | undefined, fail: false }));
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    writeSync(fd: number, data: Buffer, offset = 0): number {
      if (fault.tearAfter !== undefined) {
        const length = fault.tearAfter;
        fault.tearAfter = undefined;
        fault.fail = true;
        return fs.writeSync(fd, data, offset, length);
      }
      if (fault.fail) {
        fault.fail = false;
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
        });
      }
      return fs.writeSync(fd, data, offset);
    },
  };
});

let root: string;
beforeEach(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-subagent-")));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const prompt = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const reply = (text: string): Message => ({
  role: "assistant",
  content: [{ type: "text", text }],
});

describe("subagent transcript", () => {
  it("after a write torn by a full disk, ends the torn line before the next entry", async () => {
    const transcript = await createSubagentTranscript({
      cairnHome: join(root, "home"),
      root,
      sessionId: "parent",
      toolUseId: "toolu_01",
      agentType: "general-purpose",
      model: "m",
      provider: "p",
    });
    transcript.append({ type: "message", message: prompt("one") });
    fault.tearAfter = 10;
    expect(() => transcript.append({ type: "message", message: reply("two") })).toThrow(
      expect.objectContaining({
        code: "session_write",
        message: expect.stringMatching(
          /^could not save the subagent transcript .*toolu_01\.jsonl: ENOSPC/,
        ) as unknown,
      }),
    );
    transcript.append({ type: "message", message: reply("three") });
    await transcript.close();

    const lines = (await readFile(transcript.path, "utf8")).split("\n");
    expect(lines).toHaveLength(5);
    expect(lines[2]).toBe('{"type":"m');
    expect(lines[4]).toBe("");
    const loaded = await loadTranscript(transcript.path);
    expect(loaded.messages).toEqual([prompt("one"), reply("three")]);
    expect(loaded.warnings).toEqual([expect.stringMatching(/line 3/) as unknown]);
  });
});
