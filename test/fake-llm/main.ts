// Standalone runner for benchmarks and manual runs:
//   node test/fake-llm/main.ts scenario.json [--port N] [--host H] [--log FILE]
// Prints {"url": ...} as one JSON line once listening; stops on SIGTERM or SIGINT.

import { appendFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseScenario } from "./scenario.ts";
import { startFakeLlm } from "./server.ts";

interface RunnerArgs {
  scenarioPath: string;
  port: number;
  host: string | undefined;
  logPath: string | undefined;
}

function readArgs(argv: string[]): RunnerArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      log: { type: "string" },
    },
  });
  const scenarioPath = positionals[0];
  if (scenarioPath === undefined || positionals.length > 1) {
    throw new Error("usage: main.ts scenario.json [--port N] [--host H] [--log FILE]");
  }
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port: expected a port number, got ${values.port}`);
  }
  return { scenarioPath, port, host: values.host, logPath: values.log };
}

/** One JSON line per request or violation, so a benchmark can time the first request. */
function logLine(logPath: string | undefined, entry: object): void {
  if (logPath !== undefined) appendFileSync(logPath, `${JSON.stringify(entry)}\n`);
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const scenario = parseScenario(JSON.parse(readFileSync(args.scenarioPath, "utf8")));
  const fake = await startFakeLlm({
    scenario,
    port: args.port,
    ...(args.host === undefined ? {} : { host: args.host }),
    onRequest: (request) => logLine(args.logPath, { type: "request", ...request }),
    onViolation: (violation) => {
      process.stderr.write(`fake-llm: violation: ${violation}\n`);
      logLine(args.logPath, { type: "violation", violation });
    },
  });
  const stop = () => {
    fake.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`fake-llm: error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
