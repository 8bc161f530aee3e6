// Frontmatter as the files people already have write it: strict YAML first (frontmatter.ts), and
// when that fails, flat `key: value` lines taken literally. Not for nested data.

import {
  ExtensionFileError,
  parseFrontmatter,
  type MarkdownWithFrontmatter,
} from "./frontmatter.ts";

/**
 * Like `parseFrontmatter`, but a block that is not valid YAML yet is plain `key: value` lines
 * (`argument-hint: [pr] [priority]`, `description: Fix: the build`, both common in published
 * commands) is read line by line, each value a string. Anything else still throws the YAML error.
 */
export function parseFrontmatterLenient(text: string, file: string): MarkdownWithFrontmatter {
  try {
    return parseFrontmatter(text, file);
  } catch (error) {
    if (!(error instanceof ExtensionFileError)) throw error;
    const flat = flatFrontmatter(text);
    if (flat === undefined) throw error;
    return flat;
  }
}

const opening = /^\uFEFF?---[ \t]*\r?\n/;

function flatFrontmatter(text: string): MarkdownWithFrontmatter | undefined {
  const open = opening.exec(text);
  if (!open) return undefined;
  const lines = text.slice(open[0].length).split("\n");
  const data: Record<string, unknown> = {};
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "");
    if (/^---[ \t]*$/.test(line)) {
      // The body starts after the opening line, `index` key lines and the closing line.
      return { data, body: lines.slice(index + 1).join("\n"), bodyLine: index + 3 };
    }
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const match = /^([A-Za-z][\w-]*):(?:[ \t]+(.*))?$/.exec(line);
    if (!match?.[1]) return undefined;
    if (Object.hasOwn(data, match[1])) return undefined;
    data[match[1]] = unquote((match[2] ?? "").trim());
  }
  return undefined;
}

function unquote(value: string): string {
  if (value.length >= 2 && /^(["']).*\1$/.test(value)) return value.slice(1, -1);
  return value;
}
