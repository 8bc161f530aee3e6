// Reads every settings layer (user, project, local, CLI, managed), keeps only the restrictive
// part of an untrusted repository's files, and merges the rest into the effective settings.

import { readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { isErrnoCode } from "../../fs/index.ts";
import { mergeSettings } from "./merge.ts";
import { parseSettingsText } from "./parse.ts";
import type { Settings } from "./schema.ts";
import { settingsError } from "./settings-error.ts";
import { gateUntrusted } from "./trust-gate.ts";

export type SettingsScope = "user" | "project" | "local" | "cli" | "managed";

/** Scopes `cairn config set` writes; each is one file of cairn's own (never Claude Code's). */
export type WritableScope = "user" | "project" | "local";

export const defaultManagedSettingsPath = "/etc/cairn/managed-settings.json";

/** How the CLI layer is named where a file path would be. */
export const commandLineOrigin = "(command line)";

export interface SettingsLayer {
  scope: SettingsScope;
  /** The file, or "(command line)" for the CLI layer. */
  path: string;
  /** What this layer contributes (after trust gating). */
  settings: Settings;
  /** Key paths this layer set that were dropped because the folder is not trusted. */
  ignored: string[];
}

export interface LoadedSettings {
  effective: Settings;
  /** Lowest first; only layers that exist. */
  layers: SettingsLayer[];
  /** One line each, naming the file. */
  warnings: string[];
  workspaceRoot: string;
  /**
   * Whether the workspace was trusted for this run. Everything else a repository configures
   * (MCP servers, commands, agents, skills) is loaded only when this is true.
   */
  trusted: boolean;
}

export interface SettingsLocations {
  /** The workspace (project) root. */
  workspaceRoot: string;
  /** The user's home, for `~/.claude`. */
  home: string;
  /** cairn's home (`$CAIRN_HOME` or `~/.cairn`). */
  cairnHome: string;
  /** Claude Code's user folder, `~/.claude` unless the caller honours `CLAUDE_CONFIG_DIR`. */
  claudeHome?: string;
  /** Default /etc/cairn/managed-settings.json. */
  managedPath?: string;
}

export interface LoadSettingsOptions extends SettingsLocations {
  /** The CLI layer, built by the caller from flags. */
  cli?: Settings;
  /** Whether the workspace folder is trusted (see trust.ts). */
  trusted: boolean;
}

/**
 * The settings files, lowest precedence first. At each level Claude Code's file comes before
 * cairn's, so cairn's wins where both set a key.
 */
export function settingsFiles(
  locations: SettingsLocations,
): Array<{ scope: Exclude<SettingsScope, "cli">; path: string }> {
  const root = locations.workspaceRoot;
  const claudeHome = locations.claudeHome ?? join(locations.home, ".claude");
  return [
    { scope: "user", path: join(claudeHome, "settings.json") },
    { scope: "user", path: join(locations.cairnHome, "settings.json") },
    { scope: "project", path: join(root, ".claude", "settings.json") },
    { scope: "project", path: join(root, ".cairn", "settings.json") },
    { scope: "local", path: join(root, ".claude", "settings.local.json") },
    { scope: "local", path: join(root, ".cairn", "settings.local.json") },
    { scope: "managed", path: locations.managedPath ?? defaultManagedSettingsPath },
  ];
}

/** The file `cairn config set --scope <scope>` edits. */
export function writableSettingsFile(
  scope: WritableScope,
  locations: Pick<SettingsLocations, "workspaceRoot" | "cairnHome">,
): string {
  switch (scope) {
    case "user":
      return join(locations.cairnHome, "settings.json");
    case "project":
      return join(locations.workspaceRoot, ".cairn", "settings.json");
    case "local":
      return join(locations.workspaceRoot, ".cairn", "settings.local.json");
    default: {
      const unhandled: never = scope;
      return unhandled;
    }
  }
}

/** Throws a bad_config CairnError for a file that cannot be read or is invalid. */
export async function loadSettings(options: LoadSettingsOptions): Promise<LoadedSettings> {
  const files = settingsFiles(options);
  const texts = await Promise.all(files.map((file) => readIfPresent(file.path)));
  const layers: SettingsLayer[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [i, file] of files.entries()) {
    const found = texts[i];
    if (found === undefined) continue;
    // With the workspace at home, `<root>/.claude/settings.json` is the user file: read it once,
    // as the user's, so trust gating does not apply to it.
    if (seen.has(found.real)) continue;
    seen.add(found.real);
    const parsed = parseSettingsText(found.text, file.path);
    warnings.push(...parsed.warnings);
    let settings = parsed.settings;
    let ignored: string[] = [];
    if (!options.trusted && (file.scope === "project" || file.scope === "local")) {
      ({ kept: settings, ignored } = gateUntrusted(parsed.settings));
      if (ignored.length > 0) {
        warnings.push(
          `settings: ${file.path}: ignored ${ignored.join(", ")} because ${options.workspaceRoot} is not a trusted folder; run \`cairn trust\` there to use them (or pass --trust for one run)`,
        );
      }
    }
    layers.push({ scope: file.scope, path: file.path, settings, ignored });
  }
  if (options.cli) {
    // Flags rank just below managed settings.
    const managedAt = layers.findIndex((layer) => layer.scope === "managed");
    const cli: SettingsLayer = {
      scope: "cli",
      path: commandLineOrigin,
      settings: options.cli,
      ignored: [],
    };
    layers.splice(managedAt < 0 ? layers.length : managedAt, 0, cli);
  }
  return {
    effective: mergeSettings(layers.map((layer) => layer.settings)),
    layers,
    warnings,
    workspaceRoot: options.workspaceRoot,
    trusted: options.trusted,
  };
}

/**
 * Which layers set each top-level key of the effective settings, highest first (the first is the
 * one that decided a scalar). For `cairn config list`.
 */
export function settingsSources(loaded: LoadedSettings): Record<string, string[]> {
  const sources: Record<string, string[]> = {};
  for (const layer of [...loaded.layers].reverse()) {
    for (const [key, value] of Object.entries(layer.settings)) {
      if (value === undefined || key === "$schema") continue;
      (sources[key] ??= []).push(layer.path);
    }
  }
  return sources;
}

async function readIfPresent(path: string): Promise<{ text: string; real: string } | undefined> {
  try {
    const text = await readFile(path, "utf8");
    return { text, real: await realpath(path) };
  } catch (error) {
    if (isErrnoCode(error, "ENOENT", "ENOTDIR")) return undefined;
    const why = isErrnoCode(error, "EISDIR")
      ? "it is a folder, not a file"
      : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
    throw settingsError(path, why, "Fix its permissions or move it away", { cause: error });
  }
}
