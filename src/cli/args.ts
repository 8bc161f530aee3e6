// Command-line parsing for `cairn`: flag names follow `claude`'s documented CLI. Values are
// validated with a schema, and every failure names the flag and what was expected.

import * as z from "zod/mini";
import { CairnError } from "../core/errors.ts";
import { useEnglishValidationMessages } from "../core/validation-messages.ts";
import { permissionModes } from "../permissions/index.ts";

/** `optional`: takes the next token as its value unless it looks like a flag (`--resume [id]`). */
type Arity = "flag" | "one" | "optional" | "many";

interface FlagSpec {
  key: keyof RawArgs;
  arity: Arity;
}

interface RawArgs {
  print?: boolean;
  outputFormat?: string;
  inputFormat?: string;
  model?: string;
  maxTurns?: string;
  permissionMode?: string;
  dangerouslySkipPermissions?: boolean;
  allowedTools?: string[];
  disallowedTools?: string[];
  systemPrompt?: string;
  appendSystemPrompt?: string;
  verbose?: boolean;
  cwd?: string;
  includePartialMessages?: boolean;
  sandbox?: boolean;
  noSandbox?: boolean;
  continue?: boolean;
  resume?: string | true;
  sessionId?: string;
  forkSession?: boolean;
  noSessionPersistence?: boolean;
  compact?: boolean;
  addDir?: string[];
  settings?: string;
  trust?: boolean;
  mcpConfig?: string[];
  strictMcpConfig?: boolean;
  help?: boolean;
  version?: boolean;
}

const flags: Readonly<Record<string, FlagSpec>> = {
  "-p": { key: "print", arity: "flag" },
  "--print": { key: "print", arity: "flag" },
  "--output-format": { key: "outputFormat", arity: "one" },
  "--input-format": { key: "inputFormat", arity: "one" },
  "--model": { key: "model", arity: "one" },
  "--max-turns": { key: "maxTurns", arity: "one" },
  "--permission-mode": { key: "permissionMode", arity: "one" },
  "--dangerously-skip-permissions": { key: "dangerouslySkipPermissions", arity: "flag" },
  "--allowedTools": { key: "allowedTools", arity: "many" },
  "--allowed-tools": { key: "allowedTools", arity: "many" },
  "--disallowedTools": { key: "disallowedTools", arity: "many" },
  "--disallowed-tools": { key: "disallowedTools", arity: "many" },
  "--system-prompt": { key: "systemPrompt", arity: "one" },
  "--append-system-prompt": { key: "appendSystemPrompt", arity: "one" },
  "--verbose": { key: "verbose", arity: "flag" },
  "--cwd": { key: "cwd", arity: "one" },
  "--include-partial-messages": { key: "includePartialMessages", arity: "flag" },
  "--sandbox": { key: "sandbox", arity: "flag" },
  "--no-sandbox": { key: "noSandbox", arity: "flag" },
  "-c": { key: "continue", arity: "flag" },
  "--continue": { key: "continue", arity: "flag" },
  "-r": { key: "resume", arity: "optional" },
  "--resume": { key: "resume", arity: "optional" },
  "--session-id": { key: "sessionId", arity: "one" },
  "--fork-session": { key: "forkSession", arity: "flag" },
  "--no-session-persistence": { key: "noSessionPersistence", arity: "flag" },
  "--compact": { key: "compact", arity: "flag" },
  "--add-dir": { key: "addDir", arity: "many" },
  "--settings": { key: "settings", arity: "one" },
  "--trust": { key: "trust", arity: "flag" },
  "--mcp-config": { key: "mcpConfig", arity: "many" },
  "--strict-mcp-config": { key: "strictMcpConfig", arity: "flag" },
  "-h": { key: "help", arity: "flag" },
  "--help": { key: "help", arity: "flag" },
  "-v": { key: "version", arity: "flag" },
  "--version": { key: "version", arity: "flag" },
};

// A bad flag is reported in words: "--model: Too small: expected string to have >=1 characters".
useEnglishValidationMessages();

const modeSchema = z.pipe(
  z.pipe(
    z.string(),
    z.transform((m: string) => (m === "manual" ? "default" : m)),
  ),
  z.enum(permissionModes),
);

const argsSchema = z.object({
  print: z._default(z.boolean(), false),
  outputFormat: z._default(z.enum(["text", "json", "stream-json"]), "text"),
  inputFormat: z._default(z.enum(["text", "stream-json"]), "text"),
  model: z.optional(z.string().check(z.minLength(1))),
  maxTurns: z.optional(
    z.pipe(
      z.pipe(
        z.string().check(z.regex(/^\d+$/, "expected a positive whole number")),
        z.transform(Number),
      ),
      z.number().check(z.int(), z.minimum(1, "expected a positive whole number")),
    ),
  ),
  permissionMode: z.optional(modeSchema),
  dangerouslySkipPermissions: z._default(z.boolean(), false),
  allowedTools: z._default(z.array(z.string()), []),
  disallowedTools: z._default(z.array(z.string()), []),
  systemPrompt: z.optional(z.string()),
  appendSystemPrompt: z.optional(z.string()),
  verbose: z._default(z.boolean(), false),
  cwd: z.optional(z.string().check(z.minLength(1))),
  includePartialMessages: z._default(z.boolean(), false),
  sandbox: z._default(z.boolean(), false),
  noSandbox: z._default(z.boolean(), false),
  continue: z._default(z.boolean(), false),
  /** `true`: --resume without an id (pick from a list). */
  resume: z.optional(z.union([z.literal(true), z.string().check(z.minLength(1))])),
  sessionId: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
          "expected a UUID like 123e4567-e89b-42d3-a456-426614174000",
        ),
      ),
  ),
  forkSession: z._default(z.boolean(), false),
  noSessionPersistence: z._default(z.boolean(), false),
  compact: z._default(z.boolean(), false),
  addDir: z._default(z.array(z.string().check(z.minLength(1))), []),
  settings: z.optional(z.string().check(z.minLength(1))),
  trust: z._default(z.boolean(), false),
  mcpConfig: z._default(z.array(z.string().check(z.minLength(1))), []),
  strictMcpConfig: z._default(z.boolean(), false),
  help: z._default(z.boolean(), false),
  version: z._default(z.boolean(), false),
});

export type CliArgs = z.infer<typeof argsSchema> & { prompt: string | undefined };

const flagNames: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(flags).map(([name, spec]) => [spec.key, name]),
);

export function parseArgs(argv: readonly string[]): CliArgs {
  const raw: RawArgs = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? "";
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    const eq = token.startsWith("--") ? token.indexOf("=") : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const spec = flags[name];
    if (!spec) {
      if (token.startsWith("-") && token !== "-") {
        throw new CairnError(
          "bad_flag",
          `unknown option ${name}`,
          "Run cairn --help to see the options.",
        );
      }
      positionals.push(token);
      continue;
    }
    const inline = eq > 0 ? token.slice(eq + 1) : undefined;
    switch (spec.arity) {
      case "flag":
        if (inline !== undefined) throw new CairnError("bad_flag", `${name} takes no value`);
        (raw as Record<string, unknown>)[spec.key] = true;
        break;
      case "one": {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new CairnError("bad_flag", `${name} needs a value`);
        (raw as Record<string, unknown>)[spec.key] = value;
        break;
      }
      case "optional": {
        const next = argv[i + 1];
        const value =
          inline ?? (next !== undefined && !next.startsWith("-") ? argv[++i] : undefined);
        (raw as Record<string, unknown>)[spec.key] = value ?? true;
        break;
      }
      case "many": {
        const values = inline !== undefined ? [inline] : [];
        while (
          inline === undefined &&
          i + 1 < argv.length &&
          !(argv[i + 1] ?? "").startsWith("-")
        ) {
          values.push(argv[++i] ?? "");
        }
        if (values.length === 0)
          throw new CairnError("bad_flag", `${name} needs at least one value`);
        const previous = (raw as Record<string, string[] | undefined>)[spec.key] ?? [];
        (raw as Record<string, unknown>)[spec.key] = [...previous, ...values];
        break;
      }
      default: {
        const never: never = spec.arity;
        throw new Error(`unhandled arity ${String(never)}`);
      }
    }
  }
  const parsed = argsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? "");
    const flag = flagNames[key] ?? key;
    const got = (raw as Record<string, unknown>)[key];
    throw new CairnError(
      "bad_flag",
      `${flag}: ${issue?.message ?? "invalid value"}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ""}`,
      flag === "--permission-mode" ? `Use one of: ${permissionModes.join(", ")}` : undefined,
    );
  }
  const data = parsed.data;
  if (data.continue && data.resume !== undefined) {
    throw new CairnError("bad_flag", "--continue and --resume cannot be used together");
  }
  if (
    data.sessionId !== undefined &&
    (data.continue || data.resume !== undefined) &&
    !data.forkSession
  ) {
    throw new CairnError(
      "bad_flag",
      "--session-id with --continue or --resume needs --fork-session",
      "The resumed session keeps its id; --fork-session copies it under the id you give.",
    );
  }
  if (data.forkSession && !data.continue && data.resume === undefined) {
    throw new CairnError("bad_flag", "--fork-session needs --continue or --resume");
  }
  return { ...data, prompt: positionals.length > 0 ? positionals.join(" ") : undefined };
}

export const helpText = `Usage: cairn [options] [prompt]

A terminal coding agent. In a terminal, cairn opens an interactive session (a prompt given
as an argument is sent at once; /help lists the commands). Print mode runs one task and exits:
  cairn -p "explain src/main.ts"          cat log.txt | cairn -p "why does this fail?"

Options:
  -p, --print                       Run non-interactively and print the result
  --output-format <format>          text (default), json or stream-json
  --input-format <format>           text (default) or stream-json (NDJSON user messages on stdin)
  --model <provider/model>          e.g. anthropic/claude-sonnet-5-5, openai/gpt-5, openai-chat/qwen3-coder
  --max-turns <n>                   Stop after n model calls (error_max_turns)
  --permission-mode <mode>          default, acceptEdits, plan, dontAsk or bypassPermissions
  --dangerously-skip-permissions    Same as --permission-mode bypassPermissions
  --allowedTools <rules...>         Rules to allow without asking, e.g. "Read" "Bash(git log:*)"
  --disallowedTools <rules...>      Rules to deny
  --system-prompt <text>            Replace the built-in system prompt
  --append-system-prompt <text>     Add to the system prompt
  --include-partial-messages        stream-json: also print stream_event lines as tokens arrive
  --cwd <dir>                       Work in this directory
  --add-dir <dirs...>               More folders the file tools may use (like the working one)
  --settings <file|json>            One more settings layer, above the project's files
  --trust                           Trust this folder for this run: its own settings (allow rules,
                                    env, apiKeyHelper…) apply; cairn trust does it for good
  --mcp-config <files|json...>      MCP servers from these files or JSON ({"mcpServers": {...}})
  --strict-mcp-config               Only the --mcp-config servers, none from other files

Sessions (transcripts under ~/.cairn/projects/<folder>/):
  -c, --continue                    Continue the latest session in this folder
  -r, --resume [id]                 Resume a session by id (or unique prefix); without an id the
                                    interactive session lets you pick one
  --fork-session                    With --continue/--resume: continue under a new session id
  --session-id <uuid>               Use this id for the new session
  --no-session-persistence          Write no transcript
  --compact                         Summarise the session's conversation (with -c/-r) now
  --sandbox                         Require the sandbox for Bash (also CAIRN_SANDBOX=1); it is on
                                    by default where bubblewrap (Linux) or Seatbelt (macOS) works
  --no-sandbox                      Run Bash commands unsandboxed (also CAIRN_SANDBOX=0)
  --verbose                         Accepted for compatibility with claude -p
  -v, --version                     Print the version
  -h, --help                        Print this help

Commands:
  cairn config list|get|set|add|remove   Read and edit settings (.cairn/settings*.json, ~/.cairn)
  cairn sessions                         List this folder's sessions
  cairn rewind [--to <turn>]             List the turns of the latest session, or restore files
  cairn init                             Have the model draft an AGENTS.md for this repository
  cairn trust [dir]                      Trust a folder: use its settings, hooks and MCP servers
  cairn mcp add|add-json|list|get|remove MCP servers (.mcp.json, ~/.cairn/mcp.json)

Providers (from the environment):
  ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL       Anthropic Messages API
  OPENAI_API_KEY, OPENAI_BASE_URL             OpenAI Responses API (openai/...) or any
                                              OpenAI-compatible server (openai-chat/...)
`;
