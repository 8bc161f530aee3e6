// `cairn mcp add|add-json|list|get|remove`: manage MCP server entries (local and user scope in
// ~/.cairn/mcp.json, project scope in .mcp.json) and check them live. `serve`, `login` and
// `logout` are dispatched to their own modules.

import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { CairnError, errorMessage } from "../core/errors.ts";
import { cairnHome, isTrusted, loadSettings } from "../config/index.ts";
import type { CommandIo } from "./subcommands.ts";

export const mcpHelp = `Usage: cairn mcp <command>

  add [--transport stdio|http|sse] [--scope local|project|user] [-e KEY=VALUE]... [-H "Name: value"]...
      <name> <url>                    a remote server (http or sse)
      <name> -- <command> [args...]   a server cairn starts (stdio)
  add-json [--scope ...] <name> '<json>'   an entry as JSON, e.g. '{"command":"npx","args":["-y","pkg"]}'
  list                                     every server, connecting to each to show its status
  get <name>                               one server's entry and status
  remove <name> [--scope ...]              delete an entry
  serve                                    cairn's own tools as an MCP server (stdio)
  login <name> | logout <name>             OAuth for a remote server

Scopes: local (default: this project, only you; ~/.cairn/mcp.json), project (.mcp.json, shared
through the repository; each server is approved once), user (every project; ~/.cairn/mcp.json).
Entries in Claude Code's ~/.claude.json and .mcp.json are read too.
`;

export async function runMcpCommand(
  argv: readonly string[],
  io: CommandIo & { signal: AbortSignal },
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "add":
        return await add(rest, io);
      case "add-json":
        return await addJson(rest, io);
      case "list":
        return await list(io);
      case "get":
        return await get(rest, io);
      case "remove":
        return await remove(rest, io);
      case "serve": {
        const { runMcpServe } = await import("./mcp-serve-command.ts");
        return await runMcpServe(rest, {
          ...io,
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        });
      }
      case "login": {
        const { runMcpLogin } = await import("./mcp-login-command.ts");
        return await runMcpLogin(rest[0], rest.slice(1), io);
      }
      case "logout": {
        const { runMcpLogout } = await import("./mcp-login-command.ts");
        return await runMcpLogout(rest[0], rest.slice(1), io);
      }
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.stdout.write(mcpHelp);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`cairn mcp: unknown command ${command}\n${mcpHelp}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CairnError) throw error;
    throw new CairnError("bad_config", `cairn mcp ${command ?? ""}: ${errorMessage(error)}`);
  }
}

type Scope = "local" | "project" | "user";

interface Options {
  transport?: string;
  scope?: Scope;
  env: Record<string, string>;
  headers: Record<string, string>;
  positionals: string[];
  /** Everything after `--`: the command and its arguments. */
  command: string[];
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { env: {}, headers: {}, positionals: [], command: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new CairnError("bad_flag", `cairn mcp: ${arg} needs a value`);
      return next;
    };
    if (arg === "--") {
      options.command = argv.slice(i + 1);
      break;
    }
    if (arg === "--transport" || arg === "-t") options.transport = value();
    else if (arg === "--scope" || arg === "-s") {
      const scope = value();
      if (scope !== "local" && scope !== "project" && scope !== "user") {
        throw new CairnError(
          "bad_flag",
          `--scope: expected local, project or user, got "${scope}"`,
        );
      }
      options.scope = scope;
    } else if (arg === "--env" || arg === "-e") {
      const pair = value();
      const eq = pair.indexOf("=");
      if (eq <= 0) throw new CairnError("bad_flag", `--env: expected KEY=VALUE, got "${pair}"`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (arg === "--header" || arg === "-H") {
      const header = value();
      const colon = header.indexOf(":");
      if (colon <= 0)
        throw new CairnError("bad_flag", `--header: expected "Name: value", got "${header}"`);
      options.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
    } else if (arg.startsWith("-") && options.positionals.length === 0) {
      throw new CairnError("bad_flag", `cairn mcp: unknown option ${arg}`, "Run cairn mcp --help.");
    } else {
      options.positionals.push(arg);
    }
  }
  return options;
}

async function places(io: CommandIo) {
  return { root: await realpath(io.cwd), cairn: cairnHome(io.env) };
}

async function add(argv: readonly string[], io: CommandIo): Promise<number> {
  const options = parseOptions(argv);
  const [name, ...rest] = options.positionals;
  if (name === undefined)
    throw new CairnError("bad_flag", "cairn mcp add: a name is needed", "Run cairn mcp --help.");
  const transport = options.transport ?? "stdio";
  let entry: Record<string, unknown>;
  if (transport === "http" || transport === "sse") {
    const url = rest[0];
    if (url === undefined || rest.length > 1 || options.command.length > 0) {
      throw new CairnError(
        "bad_flag",
        `cairn mcp add --transport ${transport}: expected <name> <url>`,
      );
    }
    entry = {
      type: transport,
      url,
      ...(Object.keys(options.headers).length > 0 ? { headers: options.headers } : {}),
    };
  } else if (transport === "stdio") {
    const command = [...rest, ...options.command];
    if (command.length === 0) {
      throw new CairnError("bad_flag", "cairn mcp add: expected <name> -- <command> [args...]");
    }
    entry = {
      command: command[0],
      args: command.slice(1),
      ...(Object.keys(options.env).length > 0 ? { env: options.env } : {}),
    };
  } else {
    throw new CairnError(
      "bad_flag",
      `--transport: expected stdio, http or sse, got "${transport}"`,
    );
  }
  return save(name, entry, options.scope ?? "local", io);
}

async function addJson(argv: readonly string[], io: CommandIo): Promise<number> {
  const options = parseOptions(argv);
  const [name, json, ...extra] = options.positionals;
  if (name === undefined || json === undefined || extra.length > 0) {
    throw new CairnError("bad_flag", "cairn mcp add-json: expected <name> '<json>'");
  }
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch (error) {
    throw new CairnError("bad_flag", `cairn mcp add-json: not valid JSON (${errorMessage(error)})`);
  }
  return save(name, entry, options.scope ?? "local", io);
}

async function save(name: string, entry: unknown, scope: Scope, io: CommandIo): Promise<number> {
  const { parseServers } = await import("../mcp/index.ts");
  const { targetFor, writeServer } = await import("../mcp/config-edit.ts");
  // Validated as the session would read it, but written unexpanded: `${VAR}` stays a reference.
  const parsed = parseServers({ [name]: entry }, "the new entry", scope, {});
  const problem = parsed.errors[0];
  if (problem || !parsed.servers[0]) {
    throw new CairnError("bad_config", problem?.message ?? "invalid entry");
  }
  const { root, cairn } = await places(io);
  const target = targetFor(scope, root, cairn);
  const replaced = await writeServer(target, name, parsed.servers[0].config);
  io.stdout.write(
    `${replaced ? "Replaced" : "Added"} MCP server "${name}" (${scope} scope) in ${target.file}\n`,
  );
  if (scope === "project") {
    io.stdout.write("Project servers start once the folder is trusted and the server approved.\n");
  }
  return 0;
}

async function remove(argv: readonly string[], io: CommandIo): Promise<number> {
  const options = parseOptions(argv);
  const [name] = options.positionals;
  if (name === undefined) throw new CairnError("bad_flag", "cairn mcp remove: a name is needed");
  const { targetFor, removeServer } = await import("../mcp/config-edit.ts");
  const { root, cairn } = await places(io);
  const scopes: Scope[] = options.scope ? [options.scope] : ["local", "project", "user"];
  const removedFrom: string[] = [];
  for (const scope of scopes) {
    const target = targetFor(scope, root, cairn);
    if (await removeServer(target, name)) {
      removedFrom.push(`${scope} (${target.file})`);
      if (!options.scope) break;
    }
  }
  if (removedFrom.length === 0) {
    io.stderr.write(
      `cairn mcp remove: no MCP server "${name}" in ${scopes.join(", ")} scope (entries in ~/.claude.json are left to Claude Code)\n`,
    );
    return 1;
  }
  io.stdout.write(`Removed MCP server "${name}" from ${removedFrom.join(", ")}\n`);
  return 0;
}

async function openManager(io: CommandIo & { signal?: AbortSignal }) {
  const { startMcp } = await import("../mcp/index.ts");
  const { root, cairn } = await places(io);
  const trusted = await isTrusted(root, cairn);
  const settings = await loadSettings({
    workspaceRoot: root,
    home: homedir(),
    cairnHome: cairn,
    trusted,
  });
  return startMcp({
    root,
    roots: [root],
    home: homedir(),
    cairnHome: cairn,
    env: { ...io.env, ...settings.effective.env },
    cliConfigs: [],
    strict: false,
    settings: settings.effective,
    trusted,
    clientVersion: "cli",
    reservedNames: [],
    contextWindow: 200_000,
  });
}

const marks: Record<string, string> = {
  connected: "✓ connected",
  failed: "✗ failed",
  pending: "… pending",
  "needs-auth": "! needs-auth",
  "needs-approval": "needs approval (not started)",
  disabled: "disabled",
  untrusted: "folder not trusted (not started)",
  closed: "closed",
};

async function list(io: CommandIo): Promise<number> {
  const manager = await openManager(io);
  try {
    await manager.ready();
    const statuses = manager.statuses();
    if (statuses.length === 0 && manager.configErrors().length === 0) {
      io.stdout.write("No MCP servers configured. Add one with cairn mcp add.\n");
      return 0;
    }
    for (const status of statuses) {
      io.stdout.write(
        `${status.name}: ${status.source} [${status.scope}] - ${marks[status.status] ?? status.status}` +
          `${status.error ? ` (${status.error})` : ""}` +
          `${status.withheldTools ? ` - changed tools withheld: ${status.withheldTools.join(", ")}` : ""}\n`,
      );
    }
    for (const line of manager.warnings()) io.stderr.write(`cairn: ${line}\n`);
    return 0;
  } finally {
    await manager.close();
  }
}

async function get(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name] = parseOptions(argv).positionals;
  if (name === undefined) throw new CairnError("bad_flag", "cairn mcp get: a name is needed");
  const manager = await openManager(io);
  try {
    await manager.ready();
    const status = manager.statuses().find((s) => s.name === name);
    const entry = manager.entries().find((s) => s.name === name);
    if (!status || !entry) {
      io.stderr.write(`cairn mcp get: no MCP server "${name}"\n`);
      return 1;
    }
    const config = entry.config;
    const lines = [
      `${name}:`,
      `  Scope: ${status.scope} (${status.source})`,
      `  Status: ${marks[status.status] ?? status.status}${status.error ? ` (${status.error})` : ""}`,
      `  Type: ${config.type}`,
      ...(config.type === "stdio"
        ? [
            `  Command: ${config.command}`,
            `  Args: ${(config.args ?? []).join(" ")}`,
            ...(config.env ? [`  Environment: ${Object.keys(config.env).join(", ")}`] : []),
          ]
        : [
            `  URL: ${config.url}`,
            ...(config.headers ? [`  Headers: ${Object.keys(config.headers).join(", ")}`] : []),
          ]),
      `  Tools: ${status.toolCount}`,
      ...(status.stderrTail
        ? ["  Stderr (last lines):", ...status.stderrTail.map((l) => `    ${l}`)]
        : []),
    ];
    io.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } finally {
    await manager.close();
  }
}
