// `/config [edit local|project|user]`: the settings files in effect and how to change them;
// `edit` opens one of cairn's own settings files in $EDITOR and checks it afterwards.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { parseSettingsText, writableSettingsFile, type WritableScope } from "../../config/index.ts";
import { CairnError, errorMessage } from "../../core/errors.ts";
import { isErrnoCode } from "../../fs/index.ts";
import type { CommandContext, SlashCommand } from "../types.ts";
import { columns, shortPath } from "./format.ts";
import { usageError, words } from "./usage.ts";

const scopes: readonly WritableScope[] = ["local", "project", "user"];
const shellVerbs = new Set(["list", "get", "set", "unset", "add", "remove"]);
const scopeNotes: Readonly<Record<WritableScope, string>> = {
  local: "personal, this folder, not for committing",
  project: "shared with the team, committed",
  user: "every folder",
};

export const configCommand: SlashCommand = {
  name: "config",
  description: "Show the settings files in effect and how to edit them",
  argumentHint: "[edit local|project|user]",
  aliases: ["settings"],
  async run(args, context) {
    const [verb, scopeText, ...extra] = words(args);
    if (verb === undefined) {
      context.notice(overview(context));
      return;
    }
    if (shellVerbs.has(verb.toLowerCase())) {
      throw new CairnError(
        "bad_input",
        `/config ${verb} runs in a shell, not here: cairn config ${args}`,
        "Settings are read at start, so the change applies from the next session; /config edit opens a file here.",
      );
    }
    if (verb.toLowerCase() !== "edit" || extra.length > 0) {
      throw usageError(configCommand, `unexpected "${args}"`);
    }
    const scope = scopes.find((s) => s === (scopeText ?? "local").toLowerCase());
    if (scope === undefined)
      throw usageError(configCommand, `unknown scope "${scopeText}"; use local, project or user`);
    const path = writableFile(scope, context);
    if (path === undefined)
      throw usageError(configCommand, "cairn's home folder is not known here");
    await createIfMissing(path);
    await context.openInEditor(path);
    // Checking now tells the user about a typo while the file is in mind, not at the next start.
    parseSettingsText(await readFile(path, "utf8"), path);
    context.notice(
      `${shortPath(path, rootOf(context))} is valid; settings are read at start, so the change applies from the next session.`,
    );
  },
};

function overview(context: CommandContext): string {
  const root = rootOf(context);
  const inEffect = context.info.settingsFiles;
  const writable = scopes.map((scope) => {
    const path = writableFile(scope, context);
    return [
      `  ${scope}`,
      path === undefined ? "(unknown)" : shortPath(path, root),
      scopeNotes[scope],
    ];
  });
  return [
    inEffect.length === 0 ? "No settings files are in effect." : "Settings files in effect:",
    ...inEffect.map((file) => `  ${shortPath(file, root)}`),
    "",
    "cairn's own settings files, by scope:",
    ...columns(writable),
    "",
    "To change a setting, in a shell:",
    "  cairn config set [--scope local|project|user] <key> <value>   e.g. cairn config set model openai/gpt-5",
    '  cairn config add --scope project permissions.allow "Bash(npm test:*)"',
    "  cairn config list   shows the effective settings and which file set each key",
    "Or /config edit [local|project|user] opens the file in $EDITOR. Settings are read at start:",
    "changes apply from the next session (/permissions and /model change this one).",
  ].join("\n");
}

function writableFile(scope: WritableScope, context: CommandContext): string | undefined {
  const cairnHome = context.info.cairnHome;
  if (cairnHome === undefined && scope === "user") return undefined;
  return writableSettingsFile(scope, {
    workspaceRoot: rootOf(context),
    cairnHome: cairnHome ?? "",
  });
}

async function createIfMissing(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, "{}\n", { flag: "wx" });
  } catch (error) {
    if (isErrnoCode(error, "EEXIST")) return;
    throw new CairnError(
      "bad_config",
      `/config: cannot create ${path}: ${errorMessage(error)}`,
      undefined,
      {
        cause: error,
      },
    );
  }
}

function rootOf(context: CommandContext): string {
  return context.info.workspaceRoot ?? context.info.cwd;
}
