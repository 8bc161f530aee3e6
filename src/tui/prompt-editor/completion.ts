// What the completion menu offers at the cursor: workspace paths after `@`, commands after a
// leading `/`, and what accepting an item does to the text. Pure; the path list is handed in.
// Not for drawing the menu (completion-menu.tsx) or listing the files (workspace-files.ts).

import { replaceRange, type EditorState } from "./editor-state.ts";
import { fuzzyPathScore, rankByFuzzy } from "./fuzzy.ts";

export interface CommandInfo {
  name: string;
  description: string;
  argumentHint?: string;
  /** A custom command or skill: listed after the built-ins. */
  custom?: boolean;
}

/** The token being completed: text[start, end) is replaced on accept. */
export type CompletionTarget =
  | { type: "file"; start: number; end: number; query: string }
  | { type: "command"; start: number; end: number; query: string };

export interface CompletionItem {
  /** What replaces the token, without its `@` or `/`. */
  value: string;
  /** Shown in the menu. */
  label: string;
  description?: string;
  /** A folder: accepting it keeps completing inside it, so no space is added. */
  continues: boolean;
}

/** Items computed per menu; the menu shows a window of them around the selection. */
export const MENU_ITEMS_MAX = 50;

/** The token under the cursor that a menu could complete, if any. */
export function completionTarget(text: string, cursor: number): CompletionTarget | undefined {
  const start = tokenStart(text, cursor);
  const end = tokenEnd(text, cursor);
  if (text[start] === "@") {
    return { type: "file", start, end, query: text.slice(start + 1, cursor) };
  }
  if (start === 0 && text.startsWith("/") && !text.slice(0, cursor).includes("\n")) {
    return { type: "command", start, end, query: text.slice(1, cursor) };
  }
  return undefined;
}

/** Workspace paths (folders end in "/") ranked for `query`. */
export function fileItems(query: string, paths: readonly string[]): CompletionItem[] {
  return rankByFuzzy(query, paths, (path) => path, MENU_ITEMS_MAX).map((path) => ({
    value: path,
    label: path,
    continues: path.endsWith("/"),
  }));
}

/**
 * Commands whose name starts with `query` (built-ins, then custom commands, each alphabetical),
 * then those matching it fuzzily.
 */
export function commandItems(query: string, commands: readonly CommandInfo[]): CompletionItem[] {
  const q = query.toLowerCase();
  const prefixed = commands
    .filter((command) => command.name.toLowerCase().startsWith(q))
    .sort(
      (a, b) =>
        Number(a.custom === true) - Number(b.custom === true) ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  const others = commands.filter(
    (command) =>
      !command.name.toLowerCase().startsWith(q) && fuzzyPathScore(q, command.name) !== undefined,
  );
  const ranked = [
    ...prefixed,
    ...rankByFuzzy(q, others, (command) => command.name, MENU_ITEMS_MAX),
  ];
  return ranked.slice(0, MENU_ITEMS_MAX).map((command) => ({
    value: command.name,
    label: command.argumentHint ? `/${command.name} ${command.argumentHint}` : `/${command.name}`,
    description: command.description,
    continues: false,
  }));
}

/** The editor after accepting `item` for `target`: the token replaced, a space after it. */
export function acceptCompletion(
  state: EditorState,
  target: CompletionTarget,
  item: CompletionItem,
): EditorState {
  const sigil = target.type === "file" ? "@" : "/";
  const spaceFollows = /\s/.test(state.text[target.end] ?? "");
  const tail = item.continues || spaceFollows ? "" : " ";
  const next = replaceRange(state, target.start, target.end, sigil + item.value + tail);
  return spaceFollows && !item.continues ? { ...next, cursor: next.cursor + 1 } : next;
}

function tokenStart(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !/\s/.test(text[i - 1] ?? "")) i--;
  return i;
}

function tokenEnd(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && !/\s/.test(text[i] ?? "")) i++;
  return i;
}
