// The fake model server: routes each request to its wire format, rejects what the real API would
// reject, and plays the next scenario turn. Tests inspect what happened through the handle.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { anthropicWire } from "./anthropic.ts";
import { openAiChatWire } from "./openai-chat.ts";
import { openAiResponsesWire } from "./openai-responses.ts";
import { estimateTokens } from "./reply-plan.ts";
import type { ReplyTurn, Scenario, Turn } from "./scenario.ts";
import { SSE_HEADERS, writeSse } from "./sse-writer.ts";
import type { RenderContext, Wire, WireFormat } from "./wire-format.ts";

export interface RecordedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  wire: Wire;
  /** Milliseconds since the epoch (from the `clock` option) when the request arrived. */
  receivedAt: number;
  /** 1-based scenario turn this request consumed; absent when it consumed none. */
  turn?: number;
  /** Why the request was refused without consuming a turn: a failed check, or no turn left. */
  violation?: string;
  /** The request was refused as over the scenario's `contextLimitTokens` (not a violation). */
  overLimit?: { tokens: number; limit: number };
  /** 0-based index of the `onRequestIncluding` reply that answered it. */
  standingReply?: number;
}

export interface FakeLlm {
  /** http://HOST:PORT, no trailing slash. Anthropic SDK: baseURL = url; OpenAI SDK: url + "/v1". */
  url: string;
  requests: RecordedRequest[];
  /** Everything a real API would have rejected, plus requests the scenario had no turn for. */
  violations: string[];
  /** Replaces the script; the next request plays the new scenario's first turn. */
  setScenario(scenario: Scenario): void;
  /** How many turns of the current scenario have not been played yet. */
  remainingTurns(): number;
  /** Stops listening and destroys every open socket, hanging requests included. */
  close(): Promise<void>;
}

export interface FakeLlmOptions {
  scenario: Scenario;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 0: any free port. */
  port?: number;
  /** Milliseconds since the epoch; defaults to Date.now. */
  clock?: () => number;
  /** Called for each request once it is recorded, before it is answered. */
  onRequest?: (request: RecordedRequest) => void;
  onViolation?: (violation: string) => void;
}

interface ServerState {
  options: FakeLlmOptions;
  scenario: Scenario;
  nextTurn: number;
  /** Standing replies played so far; their tool ids are numbered past the scenario's turns. */
  standingCount: number;
  requestCount: number;
  requests: RecordedRequest[];
  violations: string[];
}

const ROUTES: Record<string, WireFormat> = {
  "/v1/messages": anthropicWire,
  "/messages": anthropicWire,
  "/v1/chat/completions": openAiChatWire,
  "/chat/completions": openAiChatWire,
  "/v1/responses": openAiResponsesWire,
  "/responses": openAiResponsesWire,
};

export async function startFakeLlm(options: FakeLlmOptions): Promise<FakeLlm> {
  const state: ServerState = {
    options,
    scenario: options.scenario,
    nextTurn: 0,
    standingCount: 0,
    requestCount: 0,
    requests: [],
    violations: [],
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handleRequest(req, res, state).catch((error: unknown) => failRequest(res, state, error));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host, options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    requests: state.requests,
    violations: state.violations,
    setScenario(scenario) {
      state.scenario = scenario;
      state.nextTurn = 0;
      state.standingCount = 0;
    },
    remainingTurns: () => state.scenario.turns.length - state.nextTurn,
    close() {
      closing ??= closeServer(server, sockets);
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error(`fake-llm: unexpected listen address ${String(address)}`));
      } else {
        resolve(address.port);
      }
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    for (const socket of sockets) socket.destroy();
  });
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  state: ServerState,
): Promise<void> {
  const receivedAt = (state.options.clock ?? Date.now)();
  const abort = new AbortController();
  res.on("close", () => abort.abort());
  const text = await readBody(req);
  if (text === undefined) return; // nobody left to answer
  state.requestCount += 1;
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  const method = req.method ?? "GET";
  const format = method === "POST" ? ROUTES[path] : undefined;
  const where = `request #${state.requestCount}, ${format?.wire ?? "no wire"} ${method} ${path}`;
  if (format === undefined) {
    const message = `fake-llm: no route for ${method} ${path}`;
    addViolation(state, `${message} (${where})`);
    sendJson(res, 404, { error: { type: "not_found_error", message } }, {});
    return;
  }

  const target = { req, res, format, requestId: `req_fake_${state.requestCount}`, where };
  const parsed = parseJson(text);
  const record: RecordedRequest = {
    path,
    method,
    headers: flattenHeaders(req),
    body: parsed.ok ? parsed.value : text,
    wire: format.wire,
    receivedAt,
  };
  const violation = parsed.ok ? format.findViolation(parsed.value) : parsed.error;
  if (violation !== undefined) {
    refuse(target, state, record, 400, violation);
    return;
  }
  const tokens = estimateTokens(text.length);
  const limit = state.scenario.contextLimitTokens;
  if (limit !== undefined && tokens > limit) {
    recordRequest(state, { ...record, overLimit: { tokens, limit } });
    const body = format.promptTooLongBody(tokens, limit, target.requestId);
    sendJson(res, 400, body, idHeader(target));
    return;
  }
  const standing = standingReplyFor(state.scenario, text);
  let turnNumber: number;
  let turn: Turn;
  if (standing !== undefined) {
    state.standingCount += 1;
    turnNumber = state.scenario.turns.length + state.standingCount;
    turn = standing.reply;
    recordRequest(state, { ...record, standingReply: standing.index });
  } else {
    turnNumber = state.nextTurn + 1;
    const next = state.scenario.turns[state.nextTurn];
    if (next === undefined) {
      refuse(target, state, record, 500, `fake-llm: scenario has no turn ${turnNumber}`);
      return;
    }
    turn = next;
    state.nextTurn += 1;
    recordRequest(state, { ...record, turn: turnNumber });
  }
  const body = parsed.ok ? parsed.value : undefined;
  const ctx: RenderContext = {
    turnNumber,
    body: asRecord(body),
    model: modelOf(body),
    requestChars: text.length,
    nowSeconds: Math.floor(receivedAt / 1000),
  };
  await playTurn(turn, { ...target, ctx, signal: abort.signal });
}

/** The first `onRequestIncluding` entry whose text the body contains, as typed or JSON-escaped. */
function standingReplyFor(
  scenario: Scenario,
  body: string,
): { index: number; reply: ReplyTurn } | undefined {
  const rules = scenario.onRequestIncluding ?? [];
  const index = rules.findIndex(
    (rule) => body.includes(rule.text) || body.includes(JSON.stringify(rule.text).slice(1, -1)),
  );
  const rule = rules[index];
  return rule === undefined ? undefined : { index, reply: rule.reply };
}

/** Answers like the real API would (400) or as a broken script must (500), consuming no turn. */
function refuse(
  target: Omit<TurnTarget, "ctx" | "signal">,
  state: ServerState,
  record: RecordedRequest,
  status: number,
  message: string,
): void {
  recordRequest(state, { ...record, violation: message });
  addViolation(state, `${message} (${target.where})`);
  const body = target.format.errorBody(status, message, target.requestId);
  sendJson(target.res, status, body, idHeader(target));
}

interface TurnTarget {
  req: IncomingMessage;
  res: ServerResponse;
  format: WireFormat;
  ctx: RenderContext;
  requestId: string;
  /** Names the request in violation messages. */
  where: string;
  signal: AbortSignal;
}

async function playTurn(turn: Turn, target: TurnTarget): Promise<void> {
  switch (turn.kind) {
    case undefined:
    case "reply":
      return playReply(turn, target);
    case "http_error": {
      const message = turn.message ?? `fake-llm: scripted HTTP ${turn.status}`;
      const body = turn.body ?? target.format.errorBody(turn.status, message, target.requestId);
      sendJson(target.res, turn.status, body, { ...idHeader(target), ...turn.headers });
      return;
    }
    case "reset":
      // An RST rather than a FIN, so clients see ECONNRESET as with a dropped connection.
      target.req.socket.resetAndDestroy();
      return;
    case "hang":
      // Nothing to do: the socket stays open until the client gives up or close() runs.
      return;
    default: {
      const unhandled: never = turn;
      throw new Error(`fake-llm: unhandled turn ${JSON.stringify(unhandled)}`);
    }
  }
}

async function playReply(turn: ReplyTurn, target: TurnTarget): Promise<void> {
  const { res, format, ctx } = target;
  if (ctx.body.stream !== true) {
    sendJson(res, 200, format.completeResponse(turn, ctx), idHeader(target));
    return;
  }
  res.writeHead(200, { ...SSE_HEADERS, ...idHeader(target) });
  const scriptedError = turn.errorEventAfter;
  await writeSse(
    res,
    {
      events: format.streamEvents(turn, ctx),
      delayMs: turn.delayMs ?? 0,
      cutAfterEvents: turn.cutAfterEvents,
      error: scriptedError && {
        after: scriptedError.events,
        event: format.streamError(scriptedError, scriptedError.events),
      },
    },
    target.signal,
  );
}

function idHeader(target: Pick<TurnTarget, "format" | "requestId">): Record<string, string> {
  return { [target.format.requestIdHeader]: target.requestId };
}

function recordRequest(state: ServerState, record: RecordedRequest): void {
  state.requests.push(record);
  state.options.onRequest?.(record);
}

function addViolation(state: ServerState, violation: string): void {
  state.violations.push(violation);
  state.options.onViolation?.(violation);
}

/** A bug in the fake itself: make it loud in `violations` and answer 500 if still possible. */
function failRequest(res: ServerResponse, state: ServerState, error: unknown): void {
  const message = `fake-llm: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  addViolation(state, message);
  if (res.headersSent) res.destroy();
  else sendJson(res, 500, { error: { type: "api_error", message } }, {});
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Resolves undefined when the client goes away before sending the whole body. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    // Both are no-ops when "end" came first; an aborted upload is the client's business.
    req.on("error", () => resolve(undefined));
    req.on("close", () => resolve(undefined));
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: `request body is not valid JSON: ${String(error)}` };
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function modelOf(value: unknown): string {
  const model = asRecord(value).model;
  return typeof model === "string" ? model : "fake-model";
}
