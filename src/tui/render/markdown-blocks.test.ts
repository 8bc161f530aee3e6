import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createBlockSplitter, splitBlocks } from "./markdown-blocks.ts";

describe("markdown-blocks", () => {
  it("splits at blank lines followed by a line at column 0", () => {
    expect(splitBlocks("# Title\n\nFirst para\nstill first\n\nSecond")).toEqual([
      "# Title",
      "First para\nstill first",
      "Second",
    ]);
  });

  it("keeps an indented line after a blank line with the list item it continues", () => {
    expect(splitBlocks("1. one\n\n   more of one\n2. two\n\nAfter")).toEqual([
      "1. one\n\n   more of one\n2. two",
      "After",
    ]);
  });

  it("never splits inside a fenced code block, even at blank lines", () => {
    const code = "```ts\nconst a = 1;\n\nconst b = 2;\n```";
    expect(splitBlocks(`Intro\n\n${code}\n\nOutro`)).toEqual(["Intro", code, "Outro"]);
  });

  it("ends a block before a fence at column 0 and after it closes", () => {
    expect(splitBlocks("Run this:\n```bash\nnpm test\n```\nThen look.")).toEqual([
      "Run this:",
      "```bash\nnpm test\n```",
      "Then look.",
    ]);
  });

  it("needs a closing fence of the same kind and at least the same length", () => {
    const text = "````md\n```\ninner\n```\n````\n\nAfter";
    expect(splitBlocks(text)).toEqual(["````md\n```\ninner\n```\n````", "After"]);
  });

  it("keeps an indented fence inside its list item", () => {
    const text = "1. Install:\n   ```bash\n   npm i\n\n   npm test\n   ```\n2. Run";
    expect(splitBlocks(text)).toEqual([text]);
  });

  it("reports the open block, and an unclosed fence's language and code", () => {
    const splitter = createBlockSplitter();
    expect(splitter.push("Hello **wor").open).toEqual({ source: "Hello **wor" });
    const split = splitter.push("Hello **world**\n\n```py\nprint(1)\npri");
    expect(split.done).toEqual(["Hello **world**"]);
    expect(split.open).toEqual({
      source: "```py\nprint(1)\npri",
      code: { language: "py", text: "print(1)\npri" },
    });
  });

  it("ends a block as soon as the next line's first character shows it starts at column 0", () => {
    const splitter = createBlockSplitter();
    expect(splitter.push("para one\n\n").done).toEqual([]);
    expect(splitter.push("para one\n\nT").done).toEqual(["para one"]);
  });

  it("reuses the finished blocks' strings while the text grows", () => {
    const splitter = createBlockSplitter();
    const first = splitter.push("one\n\ntwo\n\nthr");
    const firstBlock = first.done[0];
    const second = splitter.push("one\n\ntwo\n\nthree\n\nfour");
    expect(second.done[0]).toBe(firstBlock);
    expect(second.done).toEqual(["one", "two", "three"]);
  });

  it("starts over when the text does not extend the previous one", () => {
    const splitter = createBlockSplitter();
    splitter.push("old answer\n\nwith blocks\n\n");
    const split = splitter.push("new\n\nanswer");
    expect(split.done).toEqual(["new"]);
    expect(split.open?.source).toBe("answer");
  });

  it("splits a streamed text exactly as the finished text, wherever the chunks fall", () => {
    const pieces = fc.constantFrom(
      "para",
      " words",
      "\n",
      "\n\n",
      "```ts\n",
      "```\n",
      "  indented",
      "- item",
      "1. item",
      "# Head",
      "~~~\n",
      "> quote",
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (parts, cuts) => {
          const text = parts.join("");
          const splitter = createBlockSplitter();
          for (const cut of [...cuts].sort((a, b) => a - b)) {
            splitter.push(text.slice(0, cut % (text.length + 1)));
          }
          const { done, open } = splitter.push(text);
          const streamed = open === undefined ? [...done] : [...done, open.source];
          expect(streamed).toEqual(splitBlocks(text));
        },
      ),
    );
  });
});
