import { describe, expect, it } from "vitest";
import type { RunningTool } from "../types.ts";
import { RunningTools } from "./running-tools.tsx";
import { plain, renderInTerminal, useAnsiColours } from "./testing.ts";

useAnsiColours();

const tools: RunningTool[] = [
  { id: "1", name: "Bash", target: "npm test", startedAt: 10_000 },
  { id: "2", name: "Read", target: "src/a.ts", startedAt: 12_500 },
];

describe("RunningTools", () => {
  it("shows one line per running call with its elapsed seconds", () => {
    const { lastFrame } = renderInTerminal(<RunningTools tools={tools} now={14_000} />);
    const rows = plain(lastFrame()).split("\n");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^. Bash npm test\s+4s$/);
    expect(rows[1]).toMatch(/^. Read src\/a\.ts\s+1s$/);
    expect(lastFrame()).toContain("\u001b[1mBash");
  });

  it("turns its spinner with the time it is given, having no timer of its own", () => {
    const at = (now: number) =>
      plain(renderInTerminal(<RunningTools tools={tools} now={now} />).lastFrame())[0];
    expect(at(0)).toBe(at(0));
    expect(at(0)).not.toBe(at(80));
    expect(at(0)).toBe(at(800));
  });

  it("renders nothing when no call is running", () => {
    expect(renderInTerminal(<RunningTools tools={[]} now={0} />).lastFrame()).toBe("");
  });
});
