// The order `cairn mcp serve` runs overlapping calls in: reads together, a write alone.

import { describe, expect, it } from "vitest";
import { createCallGate } from "./call-gate.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe("call gate", () => {
  it("lets read-only calls overlap and runs a write alone, in arrival order", async () => {
    const gate = createCallGate();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const step = (name: string, readOnly: boolean, wait: Promise<void>) =>
      gate.run(readOnly, async () => {
        running++;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await wait;
        log.push(`end ${name}`);
        running--;
      });
    const first = deferred();
    const second = deferred();
    const calls = [
      step("read1", true, first.promise),
      step("read2", true, second.promise),
      step("write", false, Promise.resolve()),
      step("read3", true, Promise.resolve()),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(["start read1", "start read2"]);
    first.resolve();
    second.resolve();
    await Promise.all(calls);
    expect(log.slice(4)).toEqual(["start write", "end write", "start read3", "end read3"]);
    expect(most).toBe(2);
  });

  it("releases the gate when a call fails", async () => {
    const gate = createCallGate();
    await expect(gate.run(false, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(false, () => Promise.resolve("next"))).resolves.toBe("next");
  });
});
