// Writes a list of server-sent events to an HTTP response, paced and sabotaged as a turn asks:
// a delay between events, a socket cut after N events, or an in-stream error after N events.

import type { ServerResponse } from "node:http";
import type { SseEvent } from "./wire-format.ts";

export interface StreamScript {
  events: SseEvent[];
  delayMs: number;
  cutAfterEvents?: number;
  /** Written instead of the event at `after`, then the response ends. */
  error?: { after: number; event: SseEvent };
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

/** Resolves when the stream is finished, cut, or the client went away (`signal` aborted). */
export async function writeSse(
  res: ServerResponse,
  script: StreamScript,
  signal: AbortSignal,
): Promise<void> {
  res.flushHeaders();
  for (let index = 0; index <= script.events.length; index++) {
    if (index > 0 && script.delayMs > 0) await pause(script.delayMs, signal);
    if (signal.aborted) return;
    if (script.error?.after === index) {
      await writeEvent(res, script.error.event);
      res.end();
      return;
    }
    if (script.cutAfterEvents === index) {
      res.socket?.destroy();
      return;
    }
    const event = script.events[index];
    if (event === undefined) break;
    await writeEvent(res, event);
  }
  res.end();
}

export function formatSse(event: SseEvent): string {
  const name = event.event === undefined ? "" : `event: ${event.event}\n`;
  return `${name}data: ${event.data}\n\n`;
}

/** Resolves once the bytes are handed to the socket, so a cut right after loses nothing. */
function writeEvent(res: ServerResponse, event: SseEvent): Promise<void> {
  return new Promise((resolve, reject) => {
    res.write(formatSse(event), (error) => {
      // A client that hung up is not a failure of the fake; the abort signal ends the stream.
      if (error && !res.destroyed) reject(error);
      else resolve();
    });
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
