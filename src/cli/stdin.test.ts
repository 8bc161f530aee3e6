import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseStreamJsonLine, readAll } from "./stdin.ts";

describe("stream-json input", () => {
  it("reads user messages with string or block content", () => {
    const warn = (): void => undefined;
    expect(
      parseStreamJsonLine('{"type":"user","message":{"role":"user","content":"hi"}}', 1, warn),
    ).toEqual({
      role: "user",
      content: [{ type: "text", text: "hi" }],
    });
    const blocks =
      '{"type":"user","message":{"role":"user","content":[{"type":"text","text":"a"}]}}';
    expect(parseStreamJsonLine(blocks, 1, warn)?.content).toEqual([{ type: "text", text: "a" }]);
    expect(parseStreamJsonLine("   ", 2, warn)).toBeUndefined();
  });

  it("names the line and the problem", () => {
    const warn = (): void => undefined;
    expect(() => parseStreamJsonLine("{nope", 3, warn)).toThrow(/stdin line 3: not valid JSON/);
    expect(() =>
      parseStreamJsonLine('{"type":"user","message":{"role":"assistant","content":"x"}}', 4, warn),
    ).toThrow(/stdin line 4: message.role/);
  });

  it("warns about and skips message types it does not act on", () => {
    const warnings: string[] = [];
    expect(
      parseStreamJsonLine('{"type":"control_request"}', 5, (w) => warnings.push(w)),
    ).toBeUndefined();
    expect(warnings[0]).toContain('line 5: ignoring a "control_request" message');
  });
});

describe("readAll", () => {
  it("refuses input over the cap", async () => {
    await expect(
      readAll(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), { limit: 15 }),
    ).rejects.toThrow(/larger than/);
    expect(await readAll(Readable.from([Buffer.from("ab"), Buffer.from("c")]), { limit: 15 })).toBe(
      "abc",
    );
  });

  it("gives up on an input that never sends anything, but not on a slow one", async () => {
    const silent = new PassThrough();
    expect(await readAll(silent, { firstDataTimeoutMs: 30 })).toBeUndefined();
    const slow = new PassThrough();
    const reading = readAll(slow, { firstDataTimeoutMs: 30 });
    slow.write("first ");
    setTimeout(() => slow.end("second"), 80);
    expect(await reading).toBe("first second");
  });
});
