// What a tool call is about, in a few words for its one-line summary: a path, a command, a
// pattern, a URL. Reads the model's input loosely (it may be anything); never throws.

import { isAbsolute, relative, sep } from "node:path";

const maxTargetChars = 80;

/** A short description of a call's target; "" when the input names none. */
export function toolTarget(name: string, input: unknown, root?: string): string {
  if (typeof input !== "object" || input === null) return "";
  const fields = input as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const value = fields[key];
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  const path = (value: string): string => shortPath(value, root);

  if (name === "apply_patch") return shorten(patchTarget(text("input") ?? ""));
  if (name === "Task" || name === "Agent") {
    const description = text("description") ?? "";
    return shorten(`${text("subagent_type") ?? "general-purpose"}: ${description}`);
  }
  if (name === "TodoWrite") {
    const todos = fields.todos;
    return Array.isArray(todos) ? `${todos.length} ${todos.length === 1 ? "item" : "items"}` : "";
  }
  const command = text("command");
  if (command !== undefined) return shorten(firstLine(command));
  const filePath = text("file_path") ?? text("notebook_path");
  if (filePath !== undefined) return shorten(path(filePath));
  const pattern = text("pattern");
  if (pattern !== undefined) {
    const where = text("path");
    return shorten(where !== undefined ? `${pattern} in ${path(where)}` : pattern);
  }
  const folder = text("path");
  if (folder !== undefined) return shorten(path(folder));
  return shorten(text("url") ?? text("bash_id") ?? text("shell_id") ?? "");
}

/** A path inside `root` relative to it; any other path as given. */
export function shortPath(path: string, root: string | undefined): string {
  if (root === undefined || !isAbsolute(path)) return path;
  const inside = relative(root, path);
  if (inside === "") return ".";
  if (inside.startsWith("..") || isAbsolute(inside)) return path;
  return inside.split(sep).join("/");
}

/** The files an apply_patch input names: the first, and how many more. */
function patchTarget(patch: string): string {
  const files = [...patch.matchAll(/^\*\*\* (?:Add|Update|Delete) File: (.+)$/gm)].map((m) =>
    (m[1] ?? "").trim(),
  );
  const first = files[0];
  if (first === undefined) return "";
  return files.length > 1 ? `${first} (+${files.length - 1} more)` : first;
}

/** The first line of the trimmed text, with " …" when more lines follow. */
export function firstLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines.length > 1 ? `${lines[0] ?? ""} …` : (lines[0] ?? "");
}

function shorten(text: string): string {
  return text.length > maxTargetChars ? `${text.slice(0, maxTargetChars - 1)}…` : text;
}
