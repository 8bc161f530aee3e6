// Markdown files with a YAML frontmatter block (custom commands, subagents, skills): the
// metadata as plain data and the body. A broken block is an error naming the file and line.

import { parse as parseYaml, YAMLParseError } from "yaml";
import { ExtensionFileError } from "./file-error.ts";

export { ExtensionFileError };

export interface MarkdownWithFrontmatter {
  /** The frontmatter's keys; empty when the file has none. Check each value with a schema. */
  data: Record<string, unknown>;
  /** The text after the frontmatter, as written. */
  body: string;
  /** The 1-based line the body starts on, for error messages about the body. */
  bodyLine: number;
}

const OPENING = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSING = /^---[ \t]*$/m;

/** Splits `text` (the content of `file`) into frontmatter data and body. */
export function parseFrontmatter(text: string, file: string): MarkdownWithFrontmatter {
  const opening = OPENING.exec(text);
  if (!opening) return { data: {}, body: text.replace(/^\uFEFF/, ""), bodyLine: 1 };
  const rest = text.slice(opening[0].length);
  const closing = CLOSING.exec(rest);
  if (!closing) {
    throw new ExtensionFileError(
      file,
      1,
      "the frontmatter opened with --- is never closed by a --- line",
    );
  }
  const yamlText = rest.slice(0, closing.index);
  const afterClosing = rest.slice(closing.index + closing[0].length).replace(/^\r?\n/, "");
  const linesBefore = text.length - afterClosing.length;
  const bodyLine = text.slice(0, linesBefore).split("\n").length;
  let data: unknown;
  try {
    data = parseYaml(yamlText, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      // linePos is 1-based within the YAML text, which starts on the file's line 2.
      const line = (error.linePos?.[0]?.line ?? 1) + 1;
      throw new ExtensionFileError(file, line, `invalid frontmatter: ${firstLine(error.message)}`);
    }
    throw error;
  }
  if (data === null || data === undefined) return { data: {}, body: afterClosing, bodyLine };
  if (typeof data !== "object" || Array.isArray(data)) {
    throw new ExtensionFileError(file, 2, "the frontmatter must be key: value pairs");
  }
  return { data: data as Record<string, unknown>, body: afterClosing, bodyLine };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
