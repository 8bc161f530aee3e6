import { describe, expect, it } from "vitest";
import { freshScan, scanForCommit, type CommitScan } from "./stream-commit.ts";

/** Feeds `text` in pieces as a stream would, committing as it goes; returns the committed blocks and the rest. */
function stream(text: string, pieceLength: number): { committed: string[]; rest: string } {
  const committed: string[] = [];
  let pending = "";
  let scan: CommitScan = freshScan;
  for (let i = 0; i < text.length; i += pieceLength) {
    pending += text.slice(i, i + pieceLength);
    const result = scanForCommit(pending, scan);
    if (result.cut > 0) {
      // As the view model does: a cut that holds only blank lines adds nothing.
      const block = pending.slice(0, result.cut).trim();
      if (block !== "") committed.push(block);
      pending = pending.slice(result.cut);
    }
    scan = result.scan;
  }
  return { committed, rest: pending };
}

describe("cutting streamed Markdown after finished blocks", () => {
  it("cuts at a blank line once the next block starts at column 0", () => {
    expect(scanForCommit("First paragraph.\n\nSec", freshScan).cut).toBe(18);
    expect(scanForCommit("First paragraph.\n\n", freshScan).cut).toBe(0);
  });

  it("does not cut inside a fenced code block, and cuts right after it closes", () => {
    const text = "Intro.\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nAfter.";
    const { committed, rest } = stream(text, 3);
    expect(committed).toEqual(["Intro.", "```ts\nconst a = 1;\n\nconst b = 2;\n```"]);
    expect(rest).toBe("After.");
  });

  it("keeps an indented continuation with its list item", () => {
    const { committed, rest } = stream("- item\n\n  more of it\n\nNext", 1);
    expect(committed).toEqual(["- item\n\n  more of it"]);
    expect(rest).toBe("Next");
  });

  it("commits the same text whatever the pieces it arrives in", () => {
    const text =
      "# Title\n\nPara one\nstill one.\n\n```\ncode\n\nmore\n```\n\n- a\n- b\n\nLast words";
    for (const size of [1, 2, 5, 13, text.length]) {
      const { committed, rest } = stream(text, size);
      expect([...committed, rest].join("\n\n")).toBe(text);
      expect(rest).toBe("Last words");
    }
    // Piece by piece, each block goes as soon as it is finished.
    expect(stream(text, 1).committed).toEqual([
      "# Title",
      "Para one\nstill one.",
      "```\ncode\n\nmore\n```",
      "- a\n- b",
    ]);
  });

  it("cuts nothing on leading blank lines", () => {
    expect(stream("\n\nHello", 1)).toEqual({ committed: [], rest: "\n\nHello" });
  });
});
