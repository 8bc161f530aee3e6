// The permission rules and extra folders the settings layers grant, each rule tagged with the
// file it came from so a decision can say which file's rule decided.

import { isAbsolute, join, resolve } from "node:path";
import { CairnError } from "../../core/errors.ts";
import { formatKeyPath } from "./key-path.ts";
import type { LoadedSettings } from "./load.ts";
import { settingsError } from "./settings-error.ts";

/**
 * permissions' `parseRule`, handed in by the caller: config sits below permissions (tools import
 * config, permissions imports tools), so importing it here would close a cycle.
 */
export type RuleParser<R> = (text: string, origin: string, root?: string) => R;

export type WithOrigin<R> = R & {
  /** The settings file (or "(command line)") the rule was written in. */
  origin: string;
};

export interface SettingsRules<R> {
  allow: Array<WithOrigin<R>>;
  ask: Array<WithOrigin<R>>;
  deny: Array<WithOrigin<R>>;
}

/**
 * Every layer's rules, highest layer first (so a managed rule is the one named when several
 * match), a rule written in several files kept once, at its highest layer. `/path` patterns
 * anchor at the workspace root whatever the layer, as Claude Code anchors them at the project.
 * An invalid rule is a bad_config error naming the file and the rule's position.
 */
export function settingsRules<R extends object>(
  loaded: LoadedSettings,
  parseRule: RuleParser<R>,
): SettingsRules<R> {
  const result: SettingsRules<R> = { allow: [], ask: [], deny: [] };
  for (const list of ["allow", "ask", "deny"] as const) {
    const seen = new Set<string>();
    for (const layer of [...loaded.layers].reverse()) {
      const texts = layer.settings.permissions?.[list] ?? [];
      for (const [index, text] of texts.entries()) {
        let rule: R;
        try {
          rule = parseRule(text, layer.path, loaded.workspaceRoot);
        } catch (error) {
          if (!(error instanceof CairnError)) throw error;
          const why = error.message.startsWith(`${layer.path}: `)
            ? error.message.slice(layer.path.length + 2)
            : error.message;
          throw settingsError(
            layer.path,
            `${formatKeyPath(["permissions", list, index])}: ${why}`,
            error.hint,
            {
              cause: error,
            },
          );
        }
        const key = text.trim();
        if (seen.has(key)) continue;
        seen.add(key);
        result[list].push({ ...rule, origin: layer.path });
      }
    }
  }
  return result;
}

/**
 * `permissions.additionalDirectories` of every layer as absolute paths: `~/x` from home, a
 * relative path from the workspace root. Not checked for existence (the caller reports that).
 */
export function settingsDirectories(loaded: LoadedSettings, home: string): string[] {
  const folders = loaded.effective.permissions?.additionalDirectories ?? [];
  const absolute = folders.map((folder) => {
    if (folder === "~") return home;
    if (folder.startsWith("~/")) return join(home, folder.slice(2));
    return isAbsolute(folder) ? resolve(folder) : resolve(loaded.workspaceRoot, folder);
  });
  return [...new Set(absolute)];
}
