import { describe, expect, it } from "vitest";
import { cleanInput, expandPastes, makePaste, pasteLabel, shouldCollapse } from "./paste.ts";

describe("paste", () => {
  it("collapses pastes over 800 characters or 10 lines, not smaller ones", () => {
    expect(shouldCollapse("x".repeat(800))).toBe(false);
    expect(shouldCollapse("x".repeat(801))).toBe(true);
    expect(shouldCollapse(Array(10).fill("l").join("\n"))).toBe(false);
    expect(shouldCollapse(Array(11).fill("l").join("\n"))).toBe(true);
  });

  it("labels a paste with its number and line count, or its length when one line", () => {
    expect(pasteLabel(1, Array(42).fill("l").join("\n"))).toBe("[Pasted text #1 +42 lines]");
    expect(pasteLabel(2, "x".repeat(1234))).toBe("[Pasted text #2 1,234 chars]");
  });

  it("expands each label to its text once, leaving unknown labels alone", () => {
    const a = makePaste(1, "AAA\nAAA");
    const b = makePaste(2, "BBB");
    const text = `x ${a.label} y ${b.label} ${a.label} [Pasted text #9 +3 lines]`;
    expect(expandPastes(text, [a, b])).toBe(
      `x AAA\nAAA y BBB ${a.label} [Pasted text #9 +3 lines]`,
    );
  });

  it("does not expand a label that appears inside another paste's text", () => {
    const b = makePaste(2, "BBB");
    const a = makePaste(1, `quoting ${b.label}`);
    expect(expandPastes(`${a.label}`, [a, b])).toBe(`quoting ${b.label}`);
  });

  it("cleans line endings, colour codes and control characters", () => {
    expect(cleanInput("a\r\nb\rc")).toBe("a\nb\nc");
    expect(cleanInput("\x1b[31mred\x1b[0m\ttab\x07")).toBe("red\ttab");
    expect(cleanInput("\x1b]8;;http://x\x07link\x1b]8;;\x07")).toBe("link");
  });
});
