import { describe, expect, it } from "vitest";
import { createCodeHighlighter, decodeEntities, htmlToLines } from "./highlight.ts";
import { segmentsText } from "./segments.ts";

describe("highlight", () => {
  const highlighter = createCodeHighlighter();

  it("colours keywords, strings, numbers and comments, keeping the text intact", () => {
    const code = 'const s = "a<b" + 42; // note';
    const lines = highlighter.highlight(code, "typescript");
    expect(lines?.map(segmentsText)).toEqual([code]);
    const colour = (text: string) => lines?.[0]?.find((s) => s.text === text)?.style?.color;
    expect(colour("const")).toBe("magenta");
    expect(colour('"a<b"')).toBe("green");
    expect(colour("42")).toBe("yellow");
    expect(colour("// note")).toBe("gray");
  });

  it("knows the common fence names and their aliases", () => {
    for (const name of [
      "ts",
      "js",
      "json",
      "sh",
      "shell",
      "console",
      "py",
      "go",
      "rs",
      "diff",
      "yml",
      "md",
      "css",
      "html",
    ]) {
      expect(highlighter.highlight("x", name), name).toBeDefined();
    }
  });

  it("leaves unknown or missing languages plain (undefined)", () => {
    expect(highlighter.highlight("x = 1", "cobol-2099")).toBeUndefined();
    expect(highlighter.highlight("x = 1", undefined)).toBeUndefined();
    expect(highlighter.highlight("x = 1", "constructor")).toBeUndefined();
  });

  it("splits spans that cross line ends into per-line segments", () => {
    const lines = htmlToLines('<span class="hljs-comment">/* a\nb */</span> x');
    expect(lines.map(segmentsText)).toEqual(["/* a", "b */ x"]);
    expect(lines[1]?.[0]?.style?.color).toBe("gray");
    expect(lines[1]?.[1]).toEqual({ text: " x" });
  });

  it("draws interpolations inside strings as code again", () => {
    const lines = highlighter.highlight("`a${b}`", "javascript");
    const b = lines?.[0]?.find((s) => s.text.includes("b") && !s.text.includes("`"));
    expect(b?.style?.color).not.toBe("green");
  });

  it("decodes HTML character references", () => {
    expect(decodeEntities("&lt;a&gt; &amp; &quot;q&quot; &#39;s&#x27; &unknown;")).toBe(
      "<a> & \"q\" 's' &unknown;",
    );
    expect(decodeEntities("&constructor; &toString;")).toBe("&constructor; &toString;");
  });
});
