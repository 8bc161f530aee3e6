// Changing one settings file on disk for `cairn config set|unset|add|remove`: the rest of the
// file is kept, the result is validated before anything is written, the write is atomic.

import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomic-file.ts";
import { isErrnoCode } from "../../fs/index.ts";
import { isPlainObject } from "./key-path.ts";
import { parseJson, parseSettingsValue, type ParsedSettings } from "./parse.ts";
import { settingsError } from "./settings-error.ts";

/** The file's JSON object: `{}` for a missing or empty file (an empty file holds nothing to lose). */
export async function readSettingsObject(path: string): Promise<Record<string, unknown>> {
  return objectOf(await readText(path), path);
}

function objectOf(text: string | undefined, path: string): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  const value = parseJson(text, path);
  if (!isPlainObject(value)) {
    throw settingsError(
      path,
      "expected an object {...} at the top level",
      "Fix the file by hand first",
    );
  }
  return value;
}

/**
 * Applies `change` to the file's JSON object and writes the result, if it validates and
 * `beforeWrite` (which may throw) accepts it. A file with a syntax error, or a result with a wrong
 * type, throws and leaves the file as it was. A new file is created with `mode` (0o600 suits files
 * that may hold `env` secrets), missing folders with `folderMode`.
 */
export async function editSettingsFile(
  path: string,
  change: (settings: Record<string, unknown>) => void,
  options: { mode: number; folderMode: number; beforeWrite?: (parsed: ParsedSettings) => void },
): Promise<ParsedSettings> {
  const text = await readText(path);
  const settings = objectOf(text, path);
  change(settings);
  const parsed = parseSettingsValue(settings, path);
  options.beforeWrite?.(parsed);
  const out = `${JSON.stringify(settings, null, indentOf(text))}\n`;
  await writeFileAtomic(path, out, { mode: options.mode, folderMode: options.folderMode });
  return parsed;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoCode(error, "ENOENT")) return undefined;
    throw settingsError(
      path,
      `cannot be read (${error instanceof Error ? error.message : String(error)})`,
      undefined,
      { cause: error },
    );
  }
}

/** The file's own indentation (tab or N spaces), so a rewrite does not reformat it; 2 by default. */
function indentOf(text: string | undefined): string | number {
  const first = text && /\n([ \t]+)\S/.exec(text)?.[1];
  if (!first) return 2;
  return first.startsWith("\t") ? "\t" : first.length;
}
