// The registry of prompt commands: everything `/name args` can run besides a front-end's built-ins
// (custom commands, skills, and later MCP prompts), behind one small interface, with the name
// lookup and near-name suggestions every front-end shares. Expanding a command is its own job.

import type { ImageBlock } from "../core/messages.ts";
import type { Rule } from "../permissions/index.ts";
import type { ExpansionRuntime } from "./expansion-runtime.ts";

/** What `/name args` turns into: the prompt to send and what applies to that prompt's run. */
export interface PromptExpansion {
  text: string;
  /** Extra allow rules for the tool calls of this prompt's run (`allowed-tools`). */
  allow: readonly Rule[];
  /** A model for this prompt's run (`model`), as a `--model` spec. */
  model?: string;
  /** Lines for the person: files not included, `!` commands not run, and why. */
  notes: readonly string[];
  /** Images sent after the text (an MCP prompt's image content). */
  images?: readonly ImageBlock[];
}

export interface PromptCommand {
  name: string;
  /** One line for menus; ends with where it came from, e.g. "(project:frontend)". */
  description: string;
  argumentHint?: string;
  /** Other names that run it (`frontend:component` for a namespaced command). */
  aliases: readonly string[];
  kind: "command" | "skill" | "mcp";
  /** The file it was read from, for messages; undefined for commands defined elsewhere. */
  file?: string;
  /** `runtime` includes files and runs `!` commands; sources that need neither ignore it. */
  expand(args: string, runtime: ExpansionRuntime): Promise<PromptExpansion>;
}

/** A provider of prompt commands: the custom commands, the skills, an MCP server's prompts. */
export interface PromptCommandSource {
  readonly commands: readonly PromptCommand[];
}

export interface PromptRegistry {
  /** Every command, each name once: an earlier source wins a clash (skills before commands). */
  list(): readonly PromptCommand[];
  /** By name (any case), then by alias. */
  find(name: string): PromptCommand | undefined;
  /** Up to three names close to a mistyped one. */
  near(name: string): string[];
}

export function createPromptRegistry(sources: readonly PromptCommandSource[]): PromptRegistry {
  const list = (): PromptCommand[] => {
    const seen = new Set<string>();
    const out: PromptCommand[] = [];
    for (const source of sources) {
      for (const command of source.commands) {
        const key = command.name.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(command);
      }
    }
    return out;
  };
  return {
    list,
    find(name) {
      const wanted = name.toLowerCase();
      const all = list();
      return (
        all.find((c) => c.name.toLowerCase() === wanted) ??
        all.find((c) => c.aliases.some((alias) => alias.toLowerCase() === wanted))
      );
    },
    near(name) {
      return nearNames(
        name,
        list().flatMap((c) => [c.name, ...c.aliases]),
      );
    },
  };
}

/**
 * `/name args` → `{ name, args }`, or undefined for a prompt: the text must start with `/`, `//`
 * is a prompt, and a name holding another `/` is a path (`/usr/bin/env is missing`).
 */
export function parseInvocation(text: string): { name: string; args: string } | undefined {
  if (!text.startsWith("/") || text.startsWith("//")) return undefined;
  const match = /^\/(\S*)([\s\S]*)$/.exec(text);
  const name = match?.[1] ?? "";
  if (name === "" || name.includes("/")) return undefined;
  return { name, args: (match?.[2] ?? "").trim() };
}

/** Names that `name` starts, else those within a small edit distance, best first. */
export function nearNames(name: string, names: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  if (wanted === "") return [];
  const prefixed = names.filter((n) => n.toLowerCase().startsWith(wanted));
  if (prefixed.length > 0) return prefixed.slice(0, 3);
  const limit = wanted.length <= 3 ? 1 : 2;
  return names
    .map((n) => ({ n, d: distance(wanted, n.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
}

/** Levenshtein distance, small strings only. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = row;
  }
  return previous[b.length] ?? Math.max(a.length, b.length);
}
