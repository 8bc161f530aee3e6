import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendHistory, loadHistory } from "./history-file.ts";
import { newerEntry, olderEntry, withEntry, type PromptDraft } from "./history.ts";

const draft = (text: string): PromptDraft => ({ text, pastes: [] });

describe("history walk", () => {
  const entries = [draft("one"), draft("two"), draft("three")];

  it("goes back from the newest entry, keeping the typed text as the draft", () => {
    const step1 = olderEntry(entries, undefined, draft("typing"));
    expect(step1?.shown.text).toBe("three");
    const step2 = olderEntry(entries, step1?.recall, draft("three"));
    expect(step2?.shown.text).toBe("two");
    expect(step2?.recall?.draft.text).toBe("typing");
  });

  it("stops at the oldest entry, and does nothing with no history", () => {
    const oldest = { index: 0, draft: draft("typing") };
    expect(olderEntry(entries, oldest, draft("one"))).toBeUndefined();
    expect(olderEntry([], undefined, draft("x"))).toBeUndefined();
  });

  it("comes forward to the typed text, then does nothing", () => {
    const recall = { index: 1, draft: draft("typing") };
    const step1 = newerEntry(entries, recall);
    expect(step1?.shown.text).toBe("three");
    const step2 = newerEntry(entries, step1?.recall);
    expect(step2).toEqual({ recall: undefined, shown: draft("typing") });
    expect(newerEntry(entries, undefined)).toBeUndefined();
  });

  it("stores a submitted prompt once when repeated, and keeps only the newest entries", () => {
    expect(withEntry(entries, draft("three"), 10)).toHaveLength(3);
    expect(withEntry(entries, draft("four"), 3).map((e) => e.text)).toEqual([
      "two",
      "three",
      "four",
    ]);
  });
});

describe("history file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cairn-prompt-history-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("round-trips entries with their pastes, creating the file and folder privately", async () => {
    const file = join(dir, "nested", "history.jsonl");
    const paste = { id: 1, label: "[Pasted text #1 +12 lines]", text: "a\n".repeat(12) };
    await appendHistory(file, { text: "first", cwd: "/w", at: 1 });
    await appendHistory(file, { text: `see ${paste.label}`, cwd: "/w", at: 2, pastes: [paste] });
    expect(await loadHistory(file, "/w")).toEqual([
      { text: "first", pastes: [] },
      { text: `see ${paste.label}`, pastes: [paste] },
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("is empty when the file does not exist", async () => {
    expect(await loadHistory(join(dir, "missing.jsonl"), "/w")).toEqual([]);
  });

  it("serves each folder its own entries from a shared file", async () => {
    const file = join(dir, "history.jsonl");
    await appendHistory(file, { text: "in a", cwd: "/a" });
    await appendHistory(file, { text: "in b", cwd: "/b" });
    expect((await loadHistory(file, "/a")).map((e) => e.text)).toEqual(["in a"]);
  });

  it("skips a torn last line and lines of the wrong shape", async () => {
    const file = join(dir, "history.jsonl");
    await writeFile(file, '{"text":"good","cwd":"/w"}\n{"text":42}\nnot json\n{"text":"tor');
    expect((await loadHistory(file, "/w")).map((e) => e.text)).toEqual(["good"]);
  });

  it("rewrites a file over the cap with its newest entries", async () => {
    const file = join(dir, "history.jsonl");
    const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify({ text: `p${i}`, cwd: "/w" }));
    await writeFile(file, lines.join("\n") + "\n");
    const loaded = await loadHistory(file, "/w", 5);
    expect(loaded.map((e) => e.text)).toEqual(["p3", "p4", "p5", "p6", "p7"]);
    expect((await readFile(file, "utf8")).trim().split("\n")).toEqual(lines.slice(3));
  });

  it("does not store an entry too large to recall", async () => {
    const file = join(dir, "history.jsonl");
    expect(await appendHistory(file, { text: "x".repeat(1_000_001) })).toBe(false);
    expect(await loadHistory(file, "/w")).toEqual([]);
  });
});
