import {
  appendFile,
  mkdtemp,
  readFile,
  realpath,
  rm,
  stat,
  truncate,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pairingViolations, type Message } from "../core/messages.ts";
import {
  createTranscript,
  loadTranscript,
  openTranscriptForAppend,
  projectDir,
  type EntryInput,
  type TranscriptWriter,
} from "./index.ts";

let home: string;
let root: string;
beforeEach(async () => {
  const base = await realpath(await mkdtemp(join(tmpdir(), "cairn-sessions-")));
  home = join(base, "home");
  root = base;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const usage = {
  inputTokens: 10,
  outputTokens: 5,
  cacheCreationInputTokens: 1,
  cacheReadInputTokens: 2,
};
const prompt = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const reply = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });
const clock = () => {
  let t = Date.parse("2026-01-01T00:00:00Z");
  return () => new Date((t += 1000));
};

function create(sessionId = "s1"): Promise<TranscriptWriter> {
  return createTranscript({
    cairnHome: home,
    root,
    sessionId,
    header: { model: "claude-x", provider: "anthropic" },
    now: clock(),
  });
}

describe("transcript", () => {
  it("round-trips every entry type, in order, with usage and cost", async () => {
    const writer = await create();
    const toolTurn: Message = {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "hmm", signature: "sig" },
        { type: "redacted_thinking", data: "xx" },
        { type: "text", text: "running", providerData: { itemId: "rs_1" } },
        { type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } },
      ],
    };
    const results: Message = {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "t1",
          content: [
            { type: "text", text: "a.txt" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
          ],
          is_error: false,
        },
      ],
    };
    const inputs: EntryInput[] = [
      { type: "title", title: "listing files" },
      { type: "message", message: prompt("list the files") },
      { type: "message", message: toolTurn, model: "claude-x", usage, costUsd: 0.01 },
      { type: "message", message: results },
      { type: "message", message: reply("done"), model: "claude-y", usage, costUsd: 0.02 },
      { type: "result", outcome: "success", numTurns: 2, usage, costUsd: 0.03, durationMs: 12 },
      {
        type: "compaction",
        trigger: "manual",
        summary: "we listed files",
        elided: 1,
        messages: [prompt("summary: listed files")],
        tokensBefore: 1000,
        tokensAfter: 100,
        usage,
        costUsd: 0.005,
      },
      { type: "message", message: reply("after compaction") },
    ];
    const indexes = inputs.map((entry) => writer.append(entry));
    expect(indexes).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(writer.entryCount).toBe(9);
    await writer.close();

    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.repairs).toEqual([]);
    expect(loaded.header).toMatchObject({
      type: "session",
      version: 1,
      sessionId: "s1",
      cwd: root,
      model: "claude-x",
      provider: "anthropic",
    });
    expect(loaded.entries.slice(1).map((e) => e?.type)).toEqual(inputs.map((e) => e.type));
    expect(loaded.entries[3]).toMatchObject({ type: "message", message: toolTurn, costUsd: 0.01 });
    expect(loaded.entries[4]).toMatchObject({ message: results });
    // The writer stamps the session's totals on each result: what came before it.
    expect(loaded.entries[6]).toMatchObject({
      type: "result",
      totals: { messages: 4, costUsd: 0.03 },
    });
    expect(loaded.messages).toEqual([prompt("summary: listed files"), reply("after compaction")]);
    expect(loaded.entryCount).toBe(9);
    expect(loaded.messageCount).toBe(5);
    expect(loaded.costUsd).toBeCloseTo(0.035);
    expect(loaded.usage.inputTokens).toBe(30);
    expect(loaded.model).toBe("claude-y");
    expect(loaded.title).toBe("listing files");
    expect(loaded.firstPrompt).toBe("list the files");
    expect(loaded.createdAt.toISOString()).toBe("2026-01-01T00:00:01.000Z");
    expect(loaded.lastActivity.toISOString()).toBe("2026-01-01T00:00:09.000Z");

    const lines = (await readFile(writer.path, "utf8")).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines[1]).toMatch(/^\{"type":"title","at":"2026-01-01T00:00:02.000Z",/);
  });

  it("keeps transcripts private: folders 0700, transcript and lock 0600", async () => {
    const writer = await create();
    const dir = projectDir(home, root);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(home, "projects"))).mode & 0o777).toBe(0o700);
    expect((await stat(writer.path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "s1.lock"))).mode & 0o777).toBe(0o600);
    await writer.close();
    await expect(stat(join(dir, "s1.lock"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses to create a session id that exists, leaving it untouched", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("hi") });
    await writer.close();
    const before = await readFile(writer.path, "utf8");
    await expect(create()).rejects.toMatchObject({ code: "session_exists" });
    expect(await readFile(writer.path, "utf8")).toBe(before);
    // ...and leaves no lock behind.
    const { writer: again } = await openTranscriptForAppend(writer.path);
    await again.close();
  });

  it("skips a torn last line with a warning and loads the rest", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("one") });
    writer.append({ type: "message", message: reply("two") });
    writer.append({ type: "message", message: prompt("three, cut off") });
    await writer.close();
    const size = (await stat(writer.path)).size;
    await truncate(writer.path, size - 20);

    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toEqual([
      `${writer.path}: line 4 is incomplete (the session was cut off while writing); skipped`,
    ]);
    expect(loaded.messages).toEqual([prompt("one"), reply("two")]);
    expect(loaded.entryCount).toBe(3);
  });

  it("resuming cuts a torn tail off so the next entry is not glued to it", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("one") });
    writer.append({ type: "message", message: reply("two") });
    await writer.close();
    await appendFile(writer.path, '{"type":"message","at":"2026-01-0');

    const { writer: resumed, session } = await openTranscriptForAppend(writer.path);
    expect(session.warnings[0]).toMatch(/line 4 is incomplete/);
    expect(resumed.entryCount).toBe(3);
    expect(resumed.append({ type: "message", message: prompt("three") })).toBe(3);
    await resumed.close();
    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.messages).toEqual([prompt("one"), reply("two"), prompt("three")]);
  });

  it("keeps a whole last entry whose newline was lost, and ends its line before appending", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("one") });
    await writer.close();
    await truncate(writer.path, (await stat(writer.path)).size - 1);

    expect((await loadTranscript(writer.path)).messages).toEqual([prompt("one")]);
    const { writer: resumed } = await openTranscriptForAppend(writer.path);
    resumed.append({ type: "message", message: reply("two") });
    await resumed.close();
    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.messages).toEqual([prompt("one"), reply("two")]);
  });

  it("skips an invalid line in the middle with a warning naming it", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("one") });
    await appendFile(writer.path, "garbage\n");
    await appendFile(writer.path, '{"type":"message","at":"x","message":{"role":"robot"}}\n');
    writer.append({ type: "message", message: reply("two") });
    await writer.close();

    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toHaveLength(2);
    expect(loaded.warnings[0]).toBe(
      `${writer.path}: line 3 is not a valid entry (not valid JSON); skipped`,
    );
    expect(loaded.warnings[1]).toMatch(/line 4 is not a valid entry \(message entry: message/);
    expect(loaded.messages).toEqual([prompt("one"), reply("two")]);
    expect(loaded.entryCount).toBe(5);
  });

  it("skips entry types it does not know with one warning, as from a newer cairn", async () => {
    const writer = await create();
    await appendFile(writer.path, '{"type":"bookmark","at":"2026-01-01T00:00:00Z","name":"a"}\n');
    await appendFile(writer.path, '{"type":"bookmark","at":"2026-01-01T00:00:00Z","name":"b"}\n');
    writer.append({ type: "message", message: prompt("one") });
    await writer.close();
    const loaded = await loadTranscript(writer.path);
    expect(loaded.warnings).toEqual([
      `${writer.path}: skipped entries of types this cairn does not know (2 × bookmark); a newer cairn may have written them`,
    ]);
    expect(loaded.messages).toEqual([prompt("one")]);
  });

  it("refuses a file that is not a transcript, or one cut off before its header", async () => {
    const writer = await create();
    await writer.close();
    await truncate(writer.path, 10);
    await expect(loadTranscript(writer.path)).rejects.toMatchObject({
      code: "session_unreadable",
      message: expect.stringMatching(/has no complete first line/) as unknown,
    });
    await writeFile(writer.path, '{"hello":1}\n');
    await expect(loadTranscript(writer.path)).rejects.toMatchObject({
      code: "session_unreadable",
      message: expect.stringMatching(
        /is not a cairn session transcript \(line 1: not an object with a type\)/,
      ) as unknown,
    });
    await writeFile(
      writer.path,
      '{"type":"message","at":"x","message":{"role":"user","content":[]}}\n',
    );
    await expect(loadTranscript(writer.path)).rejects.toMatchObject({
      message: expect.stringMatching(/\(line 1: it is not a session header\)/) as unknown,
    });
    await expect(loadTranscript(join(root, "nope.jsonl"))).rejects.toMatchObject({
      code: "session_not_found",
    });
    await expect(openTranscriptForAppend(join(root, "no", "nope.jsonl"))).rejects.toMatchObject({
      code: "session_not_found",
    });
  });

  it("adds the missing tool results when a session was cut mid-tool", async () => {
    const writer = await create();
    writer.append({ type: "message", message: prompt("run two things") });
    writer.append({
      type: "message",
      message: {
        role: "assistant",
        content: [
          { type: "tool_use", id: "a", name: "Read", input: {} },
          { type: "tool_use", id: "b", name: "Bash", input: {} },
        ],
      },
    });
    await writer.close();
    const loaded = await loadTranscript(writer.path);
    expect(pairingViolations(loaded.messages)).toEqual([]);
    expect(loaded.messages.at(-1)).toMatchObject({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "a", is_error: true },
        { type: "tool_result", tool_use_id: "b", is_error: true },
      ],
    });
    expect(loaded.repairs).toEqual([
      "tool call Read (a) had no result; recorded as unfinished",
      "tool call Bash (b) had no result; recorded as unfinished",
    ]);
  });
});
