import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOutputBuffer, cutMiddle, cutMiddleOfSlice } from "./output-buffer.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cairn-output-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("output buffer", () => {
  it("keeps short output whole in memory and writes no file", () => {
    const path = join(dir, "out.log");
    const buffer = createOutputBuffer({
      headChars: 100,
      tailChars: 100,
      spillAfter: 100,
      spillPath: path,
    });
    buffer.append("hello ");
    buffer.append("world\n");
    buffer.close();
    expect(buffer.head).toBe("hello world\n");
    expect(buffer.spill).toEqual({ type: "none" });
  });

  it("spills everything, from the first character, once the output passes the threshold", async () => {
    const path = join(dir, "out.log");
    const buffer = createOutputBuffer({
      headChars: 10,
      tailChars: 10,
      spillAfter: 10,
      spillPath: path,
    });
    const chunks = ["abcdef", "ghijkl", "mnopqr", "stuvwxyz"];
    for (const chunk of chunks) buffer.append(chunk);
    buffer.close();
    expect(buffer.head).toBe("abcdefghij");
    expect(buffer.tail).toBe("qrstuvwxyz");
    expect(buffer.totalChars).toBe(26);
    expect(buffer.spill).toEqual({ type: "file", path });
    expect(await readFile(path, "utf8")).toBe(chunks.join(""));
  });

  it("returns output since an offset and counts what memory no longer holds", () => {
    const buffer = createOutputBuffer({
      headChars: 0,
      tailChars: 5,
      spillAfter: 0,
      spillPath: join(dir, "j.log"),
    });
    buffer.append("0123456789");
    expect(buffer.since(7)).toEqual({ text: "789", lostChars: 0 });
    expect(buffer.since(2)).toEqual({ text: "56789", lostChars: 3 });
    buffer.close();
  });

  it("stops the file at its size cap and says so", async () => {
    const path = join(dir, "capped.log");
    const buffer = createOutputBuffer({
      headChars: 0,
      tailChars: 4,
      spillAfter: 0,
      spillPath: path,
      maxFileBytes: 8,
    });
    buffer.append("abcdef");
    buffer.append("ghijkl");
    buffer.close();
    expect(await readFile(path, "utf8")).toBe("abcdefgh");
    expect(buffer.spill).toEqual({ type: "file", path, truncatedAtBytes: 8 });
  });
});

describe("cutMiddle", () => {
  it("keeps head and tail at line ends and names the cut lines", () => {
    const text = Array.from({ length: 1000 }, (_, i) => `line ${i + 1}\n`).join("");
    const shown = cutMiddle({
      head: text,
      tail: text,
      totalChars: text.length,
      totalNewlines: 1000,
      maxChars: 1000,
      spill: { type: "file", path: "/tmp/x.log" },
    });
    expect(shown.length).toBeLessThanOrEqual(1000);
    const [head, rest] = shown.split("[... ");
    const [marker, tail] = (rest ?? "").split(" ...]\n");
    expect(text.startsWith(head ?? "?")).toBe(true);
    expect(text.endsWith(tail ?? "?")).toBe(true);
    expect(head?.endsWith("\n")).toBe(true);
    expect(tail?.startsWith("line ")).toBe(true);
    const first = head?.split("\n").length ?? 0;
    const last = 1000 - (tail?.split("\n").length ?? 0) + 1;
    const cut = text.length - (head?.length ?? 0) - (tail?.length ?? 0);
    expect(marker).toBe(
      `${cut.toLocaleString("en-US")} characters (lines ${first}-${last}) cut from the middle of the output; the full output is in /tmp/x.log (use Read with offset/limit, or Grep)`,
    );
    const lines = text.split("\n");
    expect(lines[first - 2]).toBe(head?.trimEnd().split("\n").at(-1));
    expect(lines[last]).toBe(tail?.split("\n")[0]);
  });

  it("leaves line numbers out for a slice that does not start the file", () => {
    const text = "ab\n".repeat(500);
    const shown = cutMiddleOfSlice(text, 400, { type: "none" });
    expect(shown).toMatch(/\[\.\.\. [\d,]+ characters cut from the middle of the output \.\.\.\]/);
  });
});
