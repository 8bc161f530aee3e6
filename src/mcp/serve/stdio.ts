// Runs an MCP server over a pair of streams (the process's stdin and stdout) until the client
// goes away or the signal fires. Nothing but protocol messages may be written to `output`.

import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import type { ToolServer } from "./tool-server.ts";

export interface StdioStreams {
  input: Readable;
  output: Writable;
  signal: AbortSignal;
}

/** Resolves once the connection is closed: end of input, a transport error, or the signal. */
export async function serveOverStdio(tools: ToolServer, streams: StdioStreams): Promise<void> {
  const { server } = tools;
  const transport = new StdioServerTransport(streams.input, streams.output);
  let finished = (): void => {};
  const closed = new Promise<void>((resolve) => {
    finished = resolve;
  });
  server.onclose = finished;
  await server.connect(transport);
  const close = (): void => {
    // The connection is over either way; a failure to close it cleanly must not keep it open.
    server.close().then(undefined, finished);
  };
  // The SDK's transport does not notice the client closing its end of the pipe. Calls already
  // sent still get their answers (a client may write its requests and close stdin).
  const drain = (): void => {
    tools.settled().then(close, close);
  };
  streams.input.once("end", drain);
  streams.input.once("close", drain);
  if (streams.signal.aborted) close();
  else streams.signal.addEventListener("abort", close, { once: true });
  try {
    await closed;
  } finally {
    streams.input.off("end", drain);
    streams.input.off("close", drain);
    streams.signal.removeEventListener("abort", close);
  }
}
