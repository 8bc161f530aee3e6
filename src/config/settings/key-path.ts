// Key paths into settings: `permissions.allow`, `env.DEBUG`, `providers.local.models["gpt-4.1"]`,
// `permissions.allow[0]`. Parsing, printing, and reading or changing the value a path names.

import { isPlainObject } from "../../core/plain-object.ts";
import { CairnError } from "../../core/errors.ts";

export type KeyPath = ReadonlyArray<string | number>;

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `["permissions", "allow", 2]` → `permissions.allow[2]`; keys that are not plain get quotes. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else if (typeof part === "string" && plainKey.test(part)) text += text ? `.${part}` : part;
    else text += `[${JSON.stringify(String(part))}]`;
  }
  return text === "" ? "(top level)" : text;
}

/** Parses `a.b[0]["c.d"]`; throws a bad_flag error naming the problem. */
export function parseKeyPath(text: string): KeyPath {
  const path: Array<string | number> = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new CairnError(
      "bad_flag",
      `${text === "" ? '""' : text}: not a settings key path (${why})`,
      'Write keys separated by dots, e.g. permissions.allow or env.DEBUG; quote a key holding a dot: providers.local.models["gpt-4.1"]',
    );
  };
  while (i < text.length) {
    if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) fail("an unclosed '['");
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) path.push(Number(inner));
      else if (/^".*"$/.test(inner)) {
        try {
          path.push(String(JSON.parse(inner)));
        } catch {
          fail(`a badly quoted key ${inner}`);
        }
      } else fail(`write [0] for a position or ["key"] for a key, not [${inner}]`);
      i = close + 1;
      if (text[i] === ".") {
        i++;
        if (i === text.length) fail("it ends with '.'");
      }
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
    const key = text.slice(i, end);
    if (key === "") fail("an empty key");
    path.push(key);
    i = end;
    if (text[i] === ".") {
      i++;
      if (i === text.length) fail("it ends with '.'");
    }
  }
  if (path.length === 0) fail("it is empty");
  // Assigning to it would change an object's prototype instead of setting a key.
  if (path.includes("__proto__")) fail("__proto__ is not a settings key");
  return path;
}

export { isPlainObject };

/** The value a path names, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const part of path) {
    if (typeof part === "number" && Array.isArray(current)) current = current[part] as unknown;
    else if (typeof part === "string" && isPlainObject(current) && Object.hasOwn(current, part)) {
      current = current[part];
    } else return undefined;
  }
  return current;
}

/**
 * Sets the value a path names in `root` (changed in place), creating objects on the way. Fails
 * when something on the way is not an object, rather than replacing it.
 */
export function setValueAt(root: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    if (typeof part === "number") {
      if (!Array.isArray(current) || part > current.length) {
        throw notAContainer(path, i, "a list with that many entries");
      }
      if (last) current[part] = value;
      else current = current[part] as unknown;
      continue;
    }
    if (part === undefined || !isPlainObject(current)) throw notAContainer(path, i, "an object");
    if (last) {
      current[part] = value;
    } else {
      if (current[part] === undefined) current[part] = typeof path[i + 1] === "number" ? [] : {};
      current = current[part];
    }
  }
}

/** Removes the value a path names; false when there was none. */
export function deleteValueAt(root: Record<string, unknown>, path: KeyPath): boolean {
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === "number" && Array.isArray(parent) && last < parent.length) {
    parent.splice(last, 1);
    return true;
  }
  if (typeof last === "string" && isPlainObject(parent) && Object.hasOwn(parent, last)) {
    delete parent[last];
    return true;
  }
  return false;
}

function notAContainer(path: KeyPath, depth: number, wanted: string): CairnError {
  const at = formatKeyPath(path.slice(0, depth));
  return new CairnError(
    "bad_flag",
    `${formatKeyPath(path)}: ${at} is not ${wanted}`,
    `Set ${at} itself, or choose another key path`,
  );
}
