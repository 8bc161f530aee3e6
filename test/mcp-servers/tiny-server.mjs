// A tiny stdio MCP server for tests, speaking newline-delimited JSON-RPC by hand (no SDK, so it
// starts in a few milliseconds). Behaviour by argument:
//   tools N        lists N tools (tool_0 … tool_N-1, each echoing its input)
//   crash          writes to stderr and exits before answering
//   hang           never answers
//   garbage        answers every line with text that is not JSON
//   marker FILE    writes FILE at start-up (a server that must never start), then lists 1 tool
//   changing FILE  lists one tool whose description is FILE's content
//   stubborn FILE  writes its pid to FILE and keeps running after stdin closes
import { readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";

const [mode = "tools", arg = "1"] = process.argv.slice(2);
if (mode === "crash") {
  process.stderr.write("tiny-server: starting\ntiny-server: fatal: database is locked\n");
  process.exit(3);
}
if (mode === "marker") writeFileSync(arg, "started\n");
if (mode === "stubborn") {
  // Records its pid and stays alive after stdin closes, like servers that ignore EOF.
  writeFileSync(arg, String(process.pid));
  setInterval(() => undefined, 1000);
}

function tools() {
  if (mode === "changing") {
    return [
      {
        name: "probe",
        description: readFileSync(arg, "utf8"),
        inputSchema: { type: "object", properties: {} },
      },
    ];
  }
  const count = mode === "tools" ? Number(arg) : 1;
  return Array.from({ length: count }, (_, i) => ({
    name: `tool_${i}`,
    description: `Test tool number ${i}: looks up record ${i} in the inventory and returns its fields, history and related records.`,
    inputSchema: {
      type: "object",
      properties: {
        id: { type: "string", description: "The record id" },
        verbose: { type: "boolean", description: "Include the history of changes to the record" },
        fields: {
          type: "array",
          items: { type: "string" },
          description: "Only these fields of the record (all fields when absent)",
        },
        format: {
          type: "string",
          enum: ["json", "table", "summary"],
          description: "How to render the record",
        },
      },
      required: ["id"],
    },
  }));
}

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
if (mode === "changing") {
  // Tells the client when the description file changes, as a server updating its tools would.
  let last = readFileSync(arg, "utf8");
  setInterval(() => {
    const now = readFileSync(arg, "utf8");
    if (now !== last) {
      last = now;
      send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
    }
  }, 50).unref();
}
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (mode === "hang") return;
  if (mode === "garbage") {
    process.stdout.write("this is not json\n");
    return;
  }
  const message = JSON.parse(line);
  if (message.id === undefined) return;
  switch (message.method) {
    case "initialize":
      send({
        jsonrpc: "2.0",
        id: message.id,
        result: {
          protocolVersion: message.params.protocolVersion,
          capabilities: { tools: { listChanged: true } },
          serverInfo: { name: "tiny", version: "1.0.0" },
        },
      });
      break;
    case "tools/list":
      send({ jsonrpc: "2.0", id: message.id, result: { tools: tools() } });
      break;
    case "tools/call":
      send({
        jsonrpc: "2.0",
        id: message.id,
        result: {
          content: [
            {
              type: "text",
              text: `called ${message.params.name} with ${JSON.stringify(message.params.arguments)}`,
            },
          ],
        },
      });
      break;
    default:
      send({
        jsonrpc: "2.0",
        id: message.id,
        error: { code: -32601, message: "method not found" },
      });
  }
});
