// `cairn mcp serve`: cairn's built-in tools as a stdio MCP server for another MCP client. Every
// call takes the agent's own path (runToolCalls: input validation, the permission engine with
// this folder's settings, the sandbox); nobody can be asked, so what would ask is refused.

import type { Readable, Writable } from "node:stream";
import { CairnError } from "../core/errors.ts";
import { newSessionId } from "../core/ids.ts";
import type { ToolResultBlock, ToolUseBlock } from "../core/messages.ts";
import { runToolCalls, type AskPermission } from "../agent/index.ts";
import { cairnHome, openDebugLog } from "../config/index.ts";
import type { PermissionPolicy } from "../permissions/index.ts";
import type { Env } from "../providers/index.ts";
import { configureSandbox, sandboxWish } from "../sandbox/index.ts";
import { builtinTools, type Tool } from "../tools/index.ts";
import { createToolServer, serveOverStdio } from "../mcp/serve/index.ts";
import { parseArgs, type CliArgs } from "./args.ts";
import {
  availableTools,
  buildPolicy,
  folderToolSession,
  loadHooks,
  loadSessionSettings,
  networkSettings,
  resolveCwd,
} from "./setup.ts";

declare const CAIRN_VERSION: string;

export interface McpServeIo {
  stdin: Readable;
  /** The protocol channel: nothing else is ever written to it. */
  stdout: Writable;
  stderr: Writable;
  env: Env;
  cwd: string;
  signal: AbortSignal;
}

export const mcpServeHelp = `Usage: cairn mcp serve [options]

Runs cairn's built-in tools (Bash, Read, Edit, Write, Glob, Grep…) as an MCP server on stdin and
stdout. Each call is judged by the permission rules of the folder it runs in (its own settings
only once the folder is trusted) and the flags below; a call that would ask is refused, since no
one is there to answer.

Options:
  --permission-mode <mode>          default, acceptEdits, plan, bypassPermissions, dontAsk
  --dangerously-skip-permissions    Same as --permission-mode bypassPermissions
  --allowedTools <rules...>         Rules to allow without asking, e.g. "Read" "Bash(git log:*)"
  --disallowedTools <rules...>      Rules to deny
  --cwd <dir>                       The workspace (default: the current folder)
  --add-dir <dirs...>               More folders the tools may use
  --settings <file|json>            One more settings layer
  --trust                           Trust this folder for this run
  --sandbox / --no-sandbox          Run Bash in the sandbox, or not
`;

/** The flags `mcp serve` accepts; a conversation's flags (model, prompt…) mean nothing here. */
const serveFlags = new Set([
  "--permission-mode",
  "--dangerously-skip-permissions",
  "--allowedTools",
  "--allowed-tools",
  "--disallowedTools",
  "--disallowed-tools",
  "--cwd",
  "--add-dir",
  "--settings",
  "--trust",
  "--sandbox",
  "--no-sandbox",
  "-h",
  "--help",
]);

/** Refuses flags of a conversation (`--model`, `-p`…), which would silently mean nothing here. */
function checkFlags(argv: readonly string[]): void {
  for (const token of argv) {
    if (!token.startsWith("-")) continue;
    const name = token.startsWith("--") ? token.split("=")[0] : token;
    if (name !== undefined && !serveFlags.has(name)) {
      throw new CairnError(
        "bad_flag",
        `cairn mcp serve: unknown option ${name}`,
        "Run cairn mcp serve --help to see the options.",
      );
    }
  }
}

export async function runMcpServe(argv: readonly string[], io: McpServeIo): Promise<number> {
  checkFlags(argv);
  const args = parseArgs(argv);
  if (args.help) {
    io.stderr.write(mcpServeHelp);
    return 0;
  }
  if (args.prompt !== undefined) {
    throw new CairnError(
      "bad_flag",
      `cairn mcp serve: unexpected argument "${args.prompt}"`,
      "mcp serve takes options only; run cairn mcp serve --help.",
    );
  }
  const served = await prepare(args, io);
  try {
    const tools = createToolServer({
      name: "cairn",
      version: typeof CAIRN_VERSION === "string" ? CAIRN_VERSION : "0.0.0-dev",
      tools: served.tools,
      call: served.call,
    });
    await serveOverStdio(tools, { input: io.stdin, output: io.stdout, signal: io.signal });
  } finally {
    await served.dispose();
  }
  return 0;
}

interface Served {
  tools: Tool[];
  call: (call: ToolUseBlock, signal: AbortSignal) => Promise<ToolResultBlock>;
  dispose: () => Promise<void>;
}

/** Settings, policy, tools and tool session for the folder, as a print-mode session has them. */
async function prepare(args: CliArgs, io: McpServeIo): Promise<Served> {
  const cwd = await resolveCwd(args.cwd, io.cwd);
  const settings = await loadSessionSettings(args, io.env, cwd);
  for (const warning of settings.warnings) io.stderr.write(`cairn mcp serve: ${warning}\n`);
  const env: Env = { ...io.env, ...settings.effective.env };
  const policy = buildPolicy(args, cwd, settings);
  // The edit tools every MCP client knows from Claude Code: Edit and MultiEdit.
  // A bare tool name in the deny list removes the tool from what the client is offered.
  const tools = availableTools(builtinTools("string-replace"), policy);
  const sandbox = await configureSandbox({
    wish: sandboxWish(args, env, settings.effective.sandbox?.enabled),
    platform: process.platform,
    env,
    network: networkSettings(settings.effective),
  });
  if (sandbox.warning !== undefined) io.stderr.write(`cairn mcp serve: ${sandbox.warning}\n`);
  const toolSession = await folderToolSession(args, cwd, settings, policy, env, sandbox.executor);
  const sessionId = newSessionId();
  const debug = openDebugLog(io.env, cairnHome(io.env), `mcp-serve-${sessionId}`);
  // The folder's PreToolUse/PostToolUse hooks judge these calls as they would the agent's (the
  // project's only once trusted: its settings are not read before). Loaded only when configured.
  const hooks = await loadHooks(settings.effective, env, cwd, () => policy.mode, {
    hookSession: () => ({ sessionId, transcriptPath: undefined }),
    // stderr: stdout is the protocol channel.
    onHookMessage: (message) => {
      io.stderr.write(`cairn mcp serve: ${message.event} hook: ${message.text}\n`);
    },
  });
  for (const warning of hooks?.warnings ?? []) io.stderr.write(`cairn mcp serve: ${warning}\n`);
  debug.log("mcp serve", { cwd, mode: policy.mode, tools: tools.map((t) => t.name) });
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return {
    tools,
    call: async (call, signal) => {
      const [result] = await runToolCalls([call], {
        tools: byName,
        policy: () => policy,
        askPermission: refuseAsk(policy),
        ...(hooks ? { hooks } : {}),
        session: toolSession,
        signal,
        emit: (event) => {
          if (event.type === "permission_denied") debug.log("denied", event);
        },
        invalidInputs: new Map(),
        maxResultChars: 100_000,
        maxConcurrency: 1,
      });
      // runToolCalls answers every call it is given, so a missing result is a bug in it.
      if (result === undefined) throw new Error(`no result for tool call ${call.id}`);
      return result;
    },
    dispose: () => toolSession.dispose(),
  };
}

/** "Ask" has no one to answer it here: a refusal that says how the user can allow the call. */
function refuseAsk(policy: PermissionPolicy): AskPermission {
  return (request) =>
    Promise.resolve({
      behavior: "deny",
      message:
        `${request.reason}, and cairn mcp serve has no one to ask (mode ${policy.mode}). ` +
        `To allow it, start the server with --allowedTools "${request.toolName}(…)" or another ` +
        "--permission-mode, or add a permissions.allow rule to this folder's .cairn/settings.json (the folder must be trusted)",
    });
}
