import { mkdtemp, realpath, rm } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolSession, type ToolSession } from "./session.ts";
import type { Tool } from "./tool.ts";
import { createWebFetchTool, webFetchTool } from "./web-fetch.ts";

let server: Server;
let base: string;
let port: number;
let root: string;
let session: ToolSession;

const page = `<!doctype html><html><head><title>Rock &amp; Stone</title>
<style>body { color: red }</style><script>alert("no")</script></head>
<body><nav><a href="/home">Home</a></nav>
<h1>Cairns</h1><p>A cairn is a <strong>pile of stones</strong>. See <a href="/more">more</a>.</p>
<ul><li>one</li><li>two</li></ul>
<pre><code class="language-sh">ls -la</code></pre>
<img src="data:image/png;base64,AAAA" alt="tiny"></body></html>`;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { "content-type": type });
  res.end(body);
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), "cairn-webfetch-")));
  session = createToolSession({ root, additionalDirs: [] });
  server = createServer((req, res) => {
    switch (req.url) {
      case "/page":
        return send(res, 200, "text/html; charset=utf-8", page);
      case "/text":
        return send(res, 200, "text/plain", "plain words\n");
      case "/json":
        return send(res, 200, "application/json", '{"a":1}');
      case "/latin1":
        res.writeHead(200, { "content-type": "text/plain; charset=iso-8859-1" });
        return res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      case "/meta-latin1":
        // No charset in Content-Type: only the page itself says how it is encoded.
        res.writeHead(200, { "content-type": "text/html" });
        return res.end(
          Buffer.concat([
            Buffer.from(
              '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">',
            ),
            Buffer.from("</head><body><p>cr"),
            Buffer.from([0xe8]),
            Buffer.from("me br"),
            Buffer.from([0xfb]),
            Buffer.from("l"),
            Buffer.from([0xe9]),
            Buffer.from("e</p></body></html>"),
          ]),
        );
      case "/meta-utf16":
        // A wrong label, common on old pages: the bytes are ASCII and UTF-8.
        return send(
          res,
          200,
          "text/html",
          '<html><head><meta charset="utf-16"></head><body><p>café ok</p></body></html>',
        );
      case "/table":
        return send(
          res,
          200,
          "text/html",
          "<table><tr><th>Version</th><th>Date</th></tr><tr><td>1.2</td><td>2024-01-02</td></tr></table>",
        );
      case "/long-html":
        return send(
          res,
          200,
          "text/html",
          `<p>first</p>${"<p>filler words</p>".repeat(500)}<p>last</p>`,
        );
      case "/entities":
        return send(
          res,
          200,
          "text/html",
          "<title>Don&#8217;t &#x2014; stop&nbsp;now &amp;&#0;</title><p>x</p>",
        );
      case "/image":
        return send(res, 200, "image/png", "\x89PNG");
      case "/missing":
        return send(res, 404, "text/plain", "no such page");
      case "/same-host":
        res.writeHead(302, { location: "/hop" });
        return res.end();
      case "/hop":
        res.writeHead(301, { location: `${base}/page` });
        return res.end();
      case "/other-host":
        res.writeHead(302, { location: `http://localhost:${port}/page` });
        return res.end();
      case "/other-port":
        // Same host name, another port: possibly another (internal) server.
        res.writeHead(302, { location: `http://127.0.0.1:${port + 1}/admin` });
        return res.end();
      case "/loop":
        res.writeHead(302, { location: "/loop" });
        return res.end();
      case "/big":
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("x".repeat(200_000));
      case "/slow":
        return; // never answers
      default:
        return send(res, 404, "text/plain", "unknown");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await session.dispose();
  await rm(root, { recursive: true, force: true });
});

async function fetchWith(
  tool: Tool,
  input: Record<string, unknown>,
  signal = new AbortController().signal,
): Promise<{ text: string; isError: boolean }> {
  const output = await tool.run(tool.input.parse(input), { cwd: root, signal, session });
  if (typeof output.content !== "string") throw new Error("expected text content");
  return { text: output.content, isError: output.isError === true };
}

const webFetch = (input: Record<string, unknown>) => fetchWith(webFetchTool, input);

describe("WebFetch", () => {
  it("converts HTML to Markdown without scripts, styles or navigation", async () => {
    const result = await webFetch({ url: `${base}/page`, prompt: "What is a cairn?" });
    expect(result.isError).toBe(false);
    expect(result.text).toBe(
      [
        `Fetched ${base}/page (HTTP 200, text/html, converted to Markdown).`,
        "Plain http was used, as in the URL (it was not upgraded to https).",
        "Title: Rock & Stone",
        "Look in this page for: What is a cairn?",
        "",
        "# Cairns",
        "",
        `A cairn is a **pile of stones**. See [more](${base}/more).`,
        "",
        "-   one",
        "-   two",
        "",
        "```sh",
        "ls -la",
        "```",
        "",
        "[image: tiny]",
      ].join("\n"),
    );
  });

  it("returns plain text and JSON as they are, decoding the declared charset", async () => {
    expect((await webFetch({ url: `${base}/text` })).text).toContain("\n\nplain words");
    expect((await webFetch({ url: `${base}/json` })).text).toContain('\n\n{"a":1}');
    expect((await webFetch({ url: `${base}/latin1` })).text).toContain("\n\ncafé");
  });

  it("decodes HTML in the charset its meta tag declares when the header names none", async () => {
    const result = await webFetch({ url: `${base}/meta-latin1` });
    expect(result.isError).toBe(false);
    expect(result.text).toMatch(/\n\ncrème brûlée$/);
  });

  it("reads a page whose meta tag says UTF-16 as UTF-8, as browsers do", async () => {
    const result = await webFetch({ url: `${base}/meta-utf16` });
    expect(result.text).toMatch(/\n\ncafé ok$/);
  });

  it("keeps a table's rows and columns as a Markdown table", async () => {
    const result = await webFetch({ url: `${base}/table` });
    expect(result.text).toMatch(
      /\n\n\| Version \| Date \|\n\| --- \| --- \|\n\| 1\.2 \| 2024-01-02 \|$/,
    );
  });

  it("decodes numeric character references in the title", async () => {
    expect((await webFetch({ url: `${base}/entities` })).text).toContain(
      "Title: Don’t — stop now &&#0;\n",
    );
  });

  it("converts only the start of a very long HTML page and says so", async () => {
    const tool = createWebFetchTool({ maxHtmlChars: 2000 });
    const result = await fetchWith(tool, { url: `${base}/long-html` });
    expect(result.isError).toBe(false);
    expect(result.text).toContain("\n\nfirst\n\nfiller words\n\n");
    expect(result.text).not.toContain("last");
    expect(result.text).toMatch(
      /\[the page's HTML is 9,523 characters; only the first 1,9\d\d were converted\]$/,
    );
  });

  it("follows redirects on the same host and says where it ended", async () => {
    const result = await webFetch({ url: `${base}/same-host` });
    expect(result.isError).toBe(false);
    expect(result.text).toContain(`Fetched ${base}/page (HTTP 200`);
    expect(result.text).toContain(`Redirected from ${base}/same-host.`);
    expect(result.text).toContain("# Cairns");
  });

  it("reports a redirect to another host instead of following it", async () => {
    expect(await webFetch({ url: `${base}/other-host` })).toEqual({
      text:
        `${base}/other-host redirected (HTTP 302) to http://localhost:${port}/page, on another ` +
        "host or port. It was not followed; call WebFetch with that URL if you trust it.",
      isError: false,
    });
  });

  it("reports a redirect to another port of the same host instead of following it", async () => {
    const result = await webFetch({ url: `${base}/other-port` });
    expect(result.isError).toBe(false);
    expect(result.text).toContain("on another host or port. It was not followed");
  });

  it("gives up after five redirects", async () => {
    const result = await webFetch({ url: `${base}/loop` });
    expect(result).toEqual({
      text: `${base}/loop redirected more than 5 times (last to ${base}/loop); giving up.`,
      isError: true,
    });
  });

  it("refuses schemes other than http and https", async () => {
    for (const url of ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)"]) {
      const result = await webFetch({ url });
      expect(result.isError).toBe(true);
      expect(result.text).toContain("WebFetch only fetches http and https URLs");
    }
    expect((await webFetch({ url: "not a url" })).text).toContain("is not a valid URL");
  });

  it("says a host:port without a scheme lacks http:// rather than naming a scheme", async () => {
    expect(await webFetch({ url: "localhost:3000/api" })).toEqual({
      isError: true,
      text: '"localhost:3000/api" has no scheme; give the full URL, e.g. http://localhost:3000/api',
    });
  });

  it("explains a port fetch refuses instead of saying only 'bad port'", async () => {
    const result = await webFetch({ url: "http://127.0.0.1:6000/" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("blocked ports");
  });

  it("refuses content types it cannot read", async () => {
    expect(await webFetch({ url: `${base}/image` })).toEqual({
      text: `${base}/image returned image/png, which WebFetch cannot read: it reads HTML, text and JSON.`,
      isError: true,
    });
  });

  it("reports an HTTP error status with the start of the body", async () => {
    expect(await webFetch({ url: `${base}/missing` })).toEqual({
      text: `${base}/missing answered HTTP 404 Not Found.\n\nno such page`,
      isError: true,
    });
  });

  it("stops reading at the size cap and says so", async () => {
    const tool = createWebFetchTool({ maxBytes: 1000 });
    const result = await fetchWith(tool, { url: `${base}/big` });
    expect(result.isError).toBe(false);
    expect(result.text).toContain(`\n\n${"x".repeat(1000)}\n`);
    expect(result.text).not.toContain("x".repeat(1001));
    expect(result.text).toContain("[the page is larger than 1,000 bytes; only that much was read]");
  });

  it("cuts long pages with a marker", async () => {
    const tool = createWebFetchTool({ maxChars: 500 });
    const result = await fetchWith(tool, { url: `${base}/big` });
    expect(result.text).toContain(
      `${"x".repeat(500)}\n[... page cut: showing the first 500 of 200,000 characters]`,
    );
  });

  it("times out on a server that does not answer", async () => {
    const tool = createWebFetchTool({ timeoutMs: 300 });
    const started = Date.now();
    expect(await fetchWith(tool, { url: `${base}/slow` })).toEqual({
      text: `Timed out after 0.3 s fetching ${base}/slow.`,
      isError: true,
    });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("stops when the call is aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await fetchWith(webFetchTool, { url: `${base}/slow` }, controller.signal)).toEqual({
      text: "Interrupted by the user.",
      isError: true,
    });
  });

  it("reports a refused connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await webFetch({ url: `http://127.0.0.1:${closedPort}/` });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`Could not fetch http://127.0.0.1:${closedPort}/: `);
    expect(result.text).toContain("ECONNREFUSED");
  });

  it("describes its access as the URL", () => {
    expect(webFetchTool.describeAccess({ url: "https://example.com/a" })).toEqual({
      kind: "network",
      url: "https://example.com/a",
    });
  });
});
