// The WebFetch tool: fetches an http(s) URL and returns HTML as Markdown, text and JSON as they
// are; redirects within the host are followed, to another host reported. Time and size capped.

import * as z from "zod/mini";
import { htmlToMarkdown } from "./html-to-markdown.ts";
import { decode, decodePage } from "./page-charset.ts";
import { defineTool, type Tool, type ToolOutput } from "./tool.ts";

export interface WebFetchOptions {
  timeoutMs?: number;
  /** The body is read up to this many bytes. */
  maxBytes?: number;
  /** The page text shown to the model at most (the orchestrator caps results at 100k). */
  maxChars?: number;
  /**
   * HTML converted to Markdown at most. The conversion is synchronous and costs seconds per
   * megabyte, and what it makes beyond maxChars is never shown, so a 5 MB page froze cairn
   * (no interrupt, no timers) for ten seconds or more to produce text that was then dropped.
   */
  maxHtmlChars?: number;
  maxRedirects?: number;
}

const input = z.object({
  url: z.string().check(z.describe("The full URL, starting with http:// or https://")),
  prompt: z
    .optional(z.string())
    .check(z.describe("What you want to learn from the page; returned with it as a reminder")),
});

type Kind = "html" | "text";

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

export function createWebFetchTool(options: WebFetchOptions = {}): Tool {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxChars = options.maxChars ?? 95_000;
  const maxHtmlChars = options.maxHtmlChars ?? 1_000_000;
  const maxRedirects = options.maxRedirects ?? 5;

  return defineTool({
    name: "WebFetch",
    description:
      "Fetch a URL (http or https) and return its content: HTML converted to Markdown, text and " +
      "JSON as they are. A redirect to another host is reported, not followed. No JavaScript " +
      "runs and no login is possible. Long pages are cut at about 95,000 characters.",
    input,
    readOnly: true,
    describeAccess: (call) => ({ kind: "network", url: call.url }),
    async run(call, ctx): Promise<ToolOutput> {
      const start = parseHttpUrl(call.url);
      if (typeof start === "string") return { content: start, isError: true };
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = AbortSignal.any([ctx.signal, timeout]);
      const failure = (error: unknown, url: URL): ToolOutput => {
        if (ctx.signal.aborted) return { content: "Interrupted by the user.", isError: true };
        if (timeout.aborted) {
          return {
            content: `Timed out after ${timeoutMs / 1000} s fetching ${url.href}.`,
            isError: true,
          };
        }
        return { content: `Could not fetch ${url.href}: ${networkReason(error)}`, isError: true };
      };

      let url = start;
      for (let redirects = 0; ; redirects++) {
        let response: Response;
        try {
          response = await fetch(url, {
            redirect: "manual",
            signal,
            headers: {
              "user-agent": "Mozilla/5.0 (compatible; cairn)",
              accept:
                "text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.5",
            },
          });
        } catch (error) {
          return failure(error, url);
        }
        if (!redirectStatuses.has(response.status)) {
          try {
            return await readPage(response, {
              url,
              requested: start,
              prompt: call.prompt,
              maxBytes,
              maxChars,
              maxHtmlChars,
            });
          } catch (error) {
            return failure(error, url);
          }
        }
        // The redirect's own body is never read; a failure to discard it changes nothing.
        await response.body?.cancel().catch(() => undefined);
        const location = response.headers.get("location");
        const next = location === null ? undefined : URL.parse(location, url.href);
        if (!next || (next.protocol !== "http:" && next.protocol !== "https:")) {
          return {
            content: `${url.href} answered HTTP ${response.status} with ${location === null ? "no Location header" : `an unusable Location "${location}"`}; there is nothing to follow.`,
            isError: true,
          };
        }
        // `host` includes a non-default port: another port is another server (and may be an
        // internal one), so it is reported like another host.
        if (next.host !== url.host || (url.protocol === "https:" && next.protocol === "http:")) {
          const why = next.host !== url.host ? "on another host or port" : "over plain http";
          return {
            content:
              `${url.href} redirected (HTTP ${response.status}) to ${next.href}, ${why}. It was not ` +
              "followed; call WebFetch with that URL if you trust it.",
          };
        }
        if (redirects >= maxRedirects) {
          return {
            content: `${start.href} redirected more than ${maxRedirects} times (last to ${next.href}); giving up.`,
            isError: true,
          };
        }
        url = next;
      }
    },
  });
}

export const webFetchTool = createWebFetchTool();

interface PageRequest {
  url: URL;
  /** The URL the model asked for, before same-host redirects. */
  requested: URL;
  prompt: string | undefined;
  maxBytes: number;
  maxChars: number;
  maxHtmlChars: number;
}

/** The response body as the model sees it, or an error for an unreadable type or status. */
async function readPage(response: Response, page: PageRequest): Promise<ToolOutput> {
  const { url, requested, prompt, maxBytes, maxChars, maxHtmlChars } = page;
  const contentType = response.headers.get("content-type") ?? "";
  const mime = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  let kind = kindOf(mime);
  if (kind === undefined) {
    await response.body?.cancel();
    return {
      content: response.ok
        ? `${url.href} returned ${mime}, which WebFetch cannot read: it reads HTML, text and JSON.`
        : `${url.href} answered HTTP ${response.status} ${response.statusText} (${mime}).`,
      isError: true,
    };
  }
  const body = await readCapped(response.body, maxBytes);
  if (mime === "") {
    if (body.bytes.subarray(0, 1024).includes(0)) {
      return {
        content: `${url.href} returned binary data with no content type; WebFetch reads HTML, text and JSON.`,
        isError: true,
      };
    }
    kind = /^\s*<(!doctype html|html)/i.test(decode(body.bytes.subarray(0, 1024), undefined))
      ? "html"
      : "text";
  }
  const raw = decodePage(body.bytes, contentType, kind === "html");
  // Cut before a tag, so no tag is left half-written; the parser closes whatever is left open.
  const html =
    kind === "html" && raw.length > maxHtmlChars
      ? raw.slice(0, Math.max(raw.lastIndexOf("<", maxHtmlChars), maxHtmlChars / 2))
      : raw;
  const text = kind === "html" ? await htmlToMarkdown(html, url) : raw;
  if (!response.ok) {
    const excerpt = text.trim().slice(0, 1000);
    return {
      content: `${url.href} answered HTTP ${response.status} ${response.statusText}.${excerpt ? `\n\n${excerpt}` : ""}`,
      isError: true,
    };
  }

  const header: string[] = [];
  const converted = kind === "html" ? ", converted to Markdown" : "";
  header.push(
    `Fetched ${url.href} (HTTP ${response.status}, ${mime || "no content type"}${converted}).`,
  );
  if (url.href !== requested.href) header.push(`Redirected from ${requested.href}.`);
  if (requested.protocol === "http:")
    header.push("Plain http was used, as in the URL (it was not upgraded to https).");
  const title = kind === "html" ? titleOf(raw) : undefined;
  if (title) header.push(`Title: ${title}`);
  if (prompt) header.push(`Look in this page for: ${prompt}`);

  const notes: string[] = [];
  let shown = text;
  if (shown.length > maxChars) {
    notes.push(
      `[... page cut: showing the first ${maxChars.toLocaleString("en-US")} of ` +
        `${text.length.toLocaleString("en-US")} characters]`,
    );
    shown = shown.slice(0, maxChars);
  }
  if (html.length < raw.length) {
    notes.push(
      `[the page's HTML is ${raw.length.toLocaleString("en-US")} characters; only the first ` +
        `${html.length.toLocaleString("en-US")} were converted]`,
    );
  }
  if (body.truncated) {
    notes.push(`[the page is larger than ${formatBytes(maxBytes)}; only that much was read]`);
  }
  const content = [header.join("\n"), "", shown.trim() || "(empty page)", ...notes].join("\n");
  return { content };
}

/** The URL, or a message saying why it cannot be fetched. */
function parseHttpUrl(text: string): URL | string {
  const url = URL.parse(text.trim());
  if (!url)
    return `"${text}" is not a valid URL; give an absolute URL starting with https:// or http://.`;
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    // "localhost:3000/api" parses as the scheme "localhost:"; what was missing is http://.
    if (/^[\w.-]+:\d+(?:[/?#]|$)/.test(text.trim())) {
      return `"${text}" has no scheme; give the full URL, e.g. http://${text.trim()}`;
    }
    return `WebFetch only fetches http and https URLs, not ${url.protocol.slice(0, -1)}: (${text}).`;
  }
  return url;
}

function kindOf(mime: string): Kind | "" | undefined {
  if (mime === "") return "";
  if (mime === "text/html" || mime === "application/xhtml+xml") return "html";
  if (mime.startsWith("text/")) return "text";
  if (/^application\/([\w.-]+\+)?(json|xml)$/.test(mime)) return "text";
  if (mime === "application/javascript" || mime === "application/x-ndjson") return "text";
  return undefined;
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!body) return { bytes: new Uint8Array(), truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - total));
      total = maxBytes;
      truncated = true;
      await reader.cancel();
      break;
    }
    chunks.push(value);
    total += value.length;
  }
  return { bytes: Buffer.concat(chunks, total), truncated };
}

function titleOf(html: string): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html);
  const title = match?.[1]
    ?.replace(/\s+/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    // Numeric references are common in titles ("Don&#8217;t", "&#x2014;"); an invalid one stays as written.
    .replace(/&#(x[0-9a-f]+|\d+);/gi, (whole, code: string) => {
      const point =
        code.startsWith("x") || code.startsWith("X") ? parseInt(code.slice(1), 16) : Number(code);
      return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : whole;
    })
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .trim();
  return title || undefined;
}

function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const causeText = error.cause instanceof Error ? error.cause.message : "";
  if (error.message === "bad port" || causeText === "bad port") {
    // Node's fetch refuses the ports the Fetch standard blocks (e.g. 1, 25, 6000, 6667).
    return "its port is one that fetch refuses for safety (the Fetch standard's blocked ports); the server needs another port";
  }
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return error.message;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${bytes.toLocaleString("en-US")} bytes`;
}
