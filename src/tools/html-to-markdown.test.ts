import { describe, expect, it } from "vitest";
import { htmlToMarkdown } from "./html-to-markdown.ts";

const base = new URL("http://docs.test/guide/");
const markdown = (html: string) => htmlToMarkdown(html, base);

describe("htmlToMarkdown", () => {
  it("makes links and images absolute and keeps only the description of inline images", async () => {
    expect(
      await markdown(
        '<p>See <a href="../api">the API</a> <img src="shot.png" alt="a shot"> ' +
          '<img src="data:image/png;base64,AAAA" alt="tiny"> <a href="javascript:go()">go</a></p>',
      ),
    ).toBe(
      "See [the API](http://docs.test/api) ![a shot](http://docs.test/guide/shot.png) [image: tiny] go",
    );
  });

  it("keeps a table's rows and columns as a Markdown table", async () => {
    expect(
      await markdown(
        "<table><caption>Releases</caption><tr><th>Version</th><th>Date</th></tr>" +
          "<tr><td>1.2</td><td>2024-01-02</td></tr><tr><td>-rc</td><td>a|b</td></tr></table>",
      ),
    ).toBe("Releases\n\n| Version | Date |\n| --- | --- |\n| 1.2 | 2024-01-02 |\n| -rc | a\\|b |");
  });

  it("makes the first row the header only once, across row groups", async () => {
    expect(
      await markdown(
        "<table><colgroup><col></colgroup><thead><tr><th>k</th><th>v</th></tr></thead>" +
          "<tbody><tr><td>a</td><td>1</td></tr></tbody><tbody><tr><td>b</td><td>2</td></tr></tbody></table>",
      ),
    ).toBe("| k | v |\n| --- | --- |\n| a | 1 |\n| b | 2 |");
  });

  it("joins a cell's inline lines, which a pipe-table cell cannot hold", async () => {
    expect(await markdown("<table><tr><td><div>plain</div></td><td>x<br>y</td></tr></table>")).toBe(
      "| plain | x y |\n| --- | --- |",
    );
  });

  it("keeps a table whose cells hold a code block as blocks, with the code's lines", async () => {
    expect(
      await markdown(
        "<table><tr><th>Option</th><th>Example</th></tr>" +
          "<tr><td>watch</td><td><pre><code>cairn --watch\ncairn --once</code></pre></td></tr></table>",
      ),
    ).toBe("Option\n\nExample\n\nwatch\n\n```\ncairn --watch\ncairn --once\n```");
  });

  it("keeps lists, headings, paragraphs and quotes in cells on their own lines", async () => {
    const cells = [
      ["<ul><li>one</li><li>two</li></ul>", "-   one\n-   two"],
      ["<ol><li>one</li><li>two</li></ol>", "1.  one\n2.  two"],
      ["<h3>Title</h3>", "### Title"],
      ["<p>first</p><p>second</p>", "first\n\nsecond"],
      ["<blockquote>said</blockquote>", "> said"],
    ];
    for (const [html, expected] of cells) {
      expect(await markdown(`<table><tr><td>k</td><td>${html}</td></tr></table>`)).toBe(
        `k\n\n${expected}`,
      );
    }
  });

  it("keeps a table nested in a cell whole, as a table of its own", async () => {
    expect(
      await markdown(
        "<table><tr><td>outer</td><td><table><tr><th>i</th></tr><tr><td>1</td></tr></table></td></tr></table>",
      ),
    ).toBe("outer\n\n| i |\n| --- |\n| 1 |");
  });

  it("converts a table of 20,000 rows, every row kept under one header", async () => {
    const result = await markdown(
      `<table>${"<tr><td>r</td><td>c</td></tr>\n".repeat(20_000)}</table>`,
    );
    expect(result.startsWith("| r | c |\n| --- | --- |\n| r | c |\n| r | c |")).toBe(true);
    expect(result.split("\n").filter((line) => line === "| r | c |")).toHaveLength(20_000);
    expect(result.split("\n").filter((line) => line.includes("---"))).toEqual(["| --- | --- |"]);
  }, 20_000);
});
