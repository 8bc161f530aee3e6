// `cairn config list|get|set|unset|add|remove`: shows the effective settings and edits one
// settings file of cairn's own. Reading and validating settings is src/config's job.

import { realpath } from "node:fs/promises";
import { homedir } from "node:os";
import { CairnError } from "../core/errors.ts";
import {
  cairnHome,
  deleteValueAt,
  editSettingsFile,
  formatKeyPath,
  gateUntrusted,
  isTrusted,
  loadSettings,
  parseKeyPath,
  readSettingsObject,
  setValueAt,
  settingsSources,
  valueAt,
  writableSettingsFile,
  type KeyPath,
  type ParsedSettings,
  type WritableScope,
} from "../config/index.ts";

interface Writer {
  write(chunk: string): unknown;
}

export interface ConfigCommandIo {
  stdout: Writer;
  stderr: Writer;
  /** The workspace root. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Default: $HOME, else the OS's idea of home. */
  home?: string;
  /** Default /etc/cairn/managed-settings.json; tests point it elsewhere. */
  managedPath?: string;
}

export const configUsage = `Usage: cairn config <command>

  list                                 effective settings (JSON) and the files that set each key
  get [--scope S] <key>                one value as JSON (exit 1 if unset)
  set [--scope S] <key> <value>        set a value (JSON if it parses, else a string)
  unset [--scope S] <key>              remove a key
  add [--scope S] <key> <value>...     append to a list, e.g. permissions.allow
  remove [--scope S] <key> <value>...  remove from a list

Scopes: local (default: .cairn/settings.local.json, personal, not for committing),
        project (.cairn/settings.json, shared), user (~/.cairn/settings.json).
get without --scope reads the effective settings (every layer, managed and Claude Code's
files included); with --scope it reads that one file.
Keys: permissions.allow, env.DEBUG, providers.local.baseUrl, providers.local.models["gpt-4.1"]
`;

const scopes: readonly WritableScope[] = ["local", "project", "user"];

class UsageError extends Error {}

export async function runConfigCommand(
  argv: readonly string[],
  io: ConfigCommandIo,
): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`cairn config: ${error.message}\n\n${configUsage}`);
      return 2;
    }
    if (error instanceof CairnError) {
      io.stderr.write(`cairn: ${error.message}\n`);
      if (error.hint) io.stderr.write(`${error.hint}\n`);
      return 1;
    }
    throw error;
  }
}

interface Context {
  io: ConfigCommandIo;
  root: string;
  home: string;
  cairnHome: string;
}

async function dispatch(argv: readonly string[], io: ConfigCommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("which command?");
  if (command === "help" || command === "--help" || command === "-h") {
    io.stdout.write(configUsage);
    return 0;
  }
  const home = io.home ?? (io.env.HOME?.trim() || homedir());
  const context: Context = {
    io,
    // The workspace root is a real path, as print mode's is, so trust compares like with like.
    root: await realpath(io.cwd).catch(() => io.cwd),
    home,
    cairnHome: cairnHome({ ...io.env, HOME: home }),
  };
  const { scope, args } = takeScope(rest);
  switch (command) {
    case "list":
      expectArgs(args, 0, "list takes no arguments");
      if (scope !== undefined) throw new UsageError("list shows every layer; use get --scope");
      return list(context);
    case "get":
      expectArgs(args, 1, "get needs a key");
      return get(context, scope, key(args));
    case "set":
      expectArgs(args, 2, "set needs a key and a value");
      return set(context, scope ?? "local", key(args), parseValue(args[1] ?? ""));
    case "unset":
      expectArgs(args, 1, "unset needs a key");
      return unset(context, scope ?? "local", key(args));
    case "add":
    case "remove":
      if (args.length < 2) throw new UsageError(`${command} needs a key and at least one value`);
      return changeList(
        context,
        command,
        scope ?? "local",
        key(args),
        args.slice(1).map(parseValue),
      );
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function list(context: Context): Promise<number> {
  const loaded = await loadSettings(await loadOptions(context));
  warn(context, loaded.warnings);
  const ignored = Object.fromEntries(
    loaded.layers.filter((l) => l.ignored.length > 0).map((l) => [l.path, l.ignored]),
  );
  const report = {
    settings: loaded.effective,
    sources: settingsSources(loaded),
    ...(Object.keys(ignored).length > 0 ? { ignored } : {}),
  };
  context.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

async function get(
  context: Context,
  scope: WritableScope | undefined,
  path: KeyPath,
): Promise<number> {
  let value: unknown;
  if (scope === undefined) {
    const loaded = await loadSettings(await loadOptions(context));
    warn(context, loaded.warnings);
    value = valueAt(loaded.effective, path);
  } else {
    value = valueAt(await readSettingsObject(fileOf(context, scope)), path);
  }
  if (value === undefined) {
    context.io.stderr.write(`cairn: ${formatKeyPath(path)} is not set\n`);
    return 1;
  }
  context.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}

async function set(
  context: Context,
  scope: WritableScope,
  path: KeyPath,
  value: unknown,
): Promise<number> {
  const file = fileOf(context, scope);
  const parsed = await edit(context, scope, path, (settings) => setValueAt(settings, path, value));
  context.io.stdout.write(`${formatKeyPath(path)} = ${JSON.stringify(value)} in ${file}\n`);
  await noteIfIgnored(context, scope, path, parsed, file);
  return 0;
}

async function unset(context: Context, scope: WritableScope, path: KeyPath): Promise<number> {
  const file = fileOf(context, scope);
  if (valueAt(await readSettingsObject(file), path) === undefined) {
    context.io.stderr.write(`cairn: ${formatKeyPath(path)} is not set in ${file}\n`);
    return 1;
  }
  await edit(context, scope, path, (settings) => deleteValueAt(settings, path));
  context.io.stdout.write(`removed ${formatKeyPath(path)} from ${file}\n`);
  return 0;
}

async function changeList(
  context: Context,
  command: "add" | "remove",
  scope: WritableScope,
  path: KeyPath,
  values: readonly unknown[],
): Promise<number> {
  const file = fileOf(context, scope);
  const where = formatKeyPath(path);
  let changed = 0;
  const parsed = await edit(context, scope, path, (settings) => {
    const current = valueAt(settings, path);
    if (current !== undefined && !Array.isArray(current)) {
      throw new CairnError(
        "bad_flag",
        `${where} in ${file} is not a list`,
        `Use cairn config set ${where} <value>`,
      );
    }
    const list: unknown[] = current ?? [];
    const same = (a: unknown) => (b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    for (const value of values) {
      if (command === "add" && !list.some(same(value))) {
        list.push(value);
        changed++;
      }
      if (command === "remove") {
        for (let i = list.length - 1; i >= 0; i--) {
          if (same(value)(list[i])) {
            list.splice(i, 1);
            changed++;
          }
        }
      }
    }
    if (current === undefined) setValueAt(settings, path, list);
  });
  if (command === "remove" && changed === 0) {
    context.io.stderr.write(`cairn: none of those values is in ${where} in ${file}\n`);
    return 1;
  }
  const verb = command === "add" ? "added to" : "removed from";
  context.io.stdout.write(
    `${changed} ${changed === 1 ? "value" : "values"} ${verb} ${where} in ${file}\n`,
  );
  if (command === "add") await noteIfIgnored(context, scope, path, parsed, file);
  return 0;
}

/** Edits the scope's file, refusing a key the schema does not know (most likely a typo). */
function edit(
  context: Context,
  scope: WritableScope,
  path: KeyPath,
  change: (settings: Record<string, unknown>) => void,
): Promise<ParsedSettings> {
  const file = fileOf(context, scope);
  const target = formatKeyPath(path);
  return editSettingsFile(file, change, {
    // Personal files may hold secrets in `env`; the project file is meant to be shared.
    mode: scope === "project" ? 0o644 : 0o600,
    folderMode: scope === "user" ? 0o700 : 0o755,
    beforeWrite: (parsed) => {
      const unknown = parsed.unknownKeys.find((key) => covers(key.path, target));
      if (unknown) {
        throw new CairnError(
          "bad_flag",
          `${unknown.path} is not a settings key${unknown.near ? ` (did you mean ${unknown.near}?)` : ""}`,
          `Nothing was written to ${file}`,
        );
      }
      // Unknown keys elsewhere in the file were there before this change: mention them, keep them.
      warn(context, parsed.warnings);
    },
  });
}

/** In an untrusted folder, a key the repository's files may not set is written but not used. */
async function noteIfIgnored(
  context: Context,
  scope: WritableScope,
  path: KeyPath,
  parsed: ParsedSettings,
  file: string,
): Promise<void> {
  if (scope === "user" || (await isTrusted(context.root, context.cairnHome))) return;
  const target = formatKeyPath(path);
  const { ignored } = gateUntrusted(parsed.settings);
  if (ignored.some((key) => covers(key, target) || covers(target, key))) {
    context.io.stderr.write(
      `note: ${context.root} is not a trusted folder, so ${target} in ${file} is ignored until you run \`cairn trust\` there\n`,
    );
  }
}

/** Whether key path `outer` is `inner` or contains it. */
function covers(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
}

async function loadOptions(context: Context) {
  const claudeHome = context.io.env.CLAUDE_CONFIG_DIR?.trim();
  return {
    workspaceRoot: context.root,
    home: context.home,
    cairnHome: context.cairnHome,
    ...(claudeHome ? { claudeHome } : {}),
    ...(context.io.managedPath !== undefined ? { managedPath: context.io.managedPath } : {}),
    trusted: await isTrusted(context.root, context.cairnHome),
  };
}

function fileOf(context: Context, scope: WritableScope): string {
  return writableSettingsFile(scope, { workspaceRoot: context.root, cairnHome: context.cairnHome });
}

function warn(context: Context, warnings: readonly string[]): void {
  for (const warning of warnings) context.io.stderr.write(`warning: ${warning}\n`);
}

function takeScope(args: readonly string[]): { scope: WritableScope | undefined; args: string[] } {
  const rest: string[] = [];
  let scope: WritableScope | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    let value: string | undefined;
    if (arg === "--scope") value = args[++i];
    else if (arg.startsWith("--scope=")) value = arg.slice("--scope=".length);
    else if (arg === "--") {
      rest.push(...args.slice(i + 1));
      break;
    } else {
      rest.push(arg);
      continue;
    }
    const found = scopes.find((s) => s === value);
    if (!found)
      throw new UsageError(`--scope takes ${scopes.join(", ")}, not ${value ?? "nothing"}`);
    scope = found;
  }
  return { scope, args: rest };
}

function expectArgs(args: readonly string[], count: number, message: string): void {
  if (args.length !== count) throw new UsageError(message);
}

function key(args: readonly string[]): KeyPath {
  return parseKeyPath(args[0] ?? "");
}

/** JSON if it parses (`10`, `true`, `["a"]`, `"quoted"`), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
