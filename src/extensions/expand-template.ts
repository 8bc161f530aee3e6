// Turns a command's or skill's text into the prompt to send: arguments filled in, `` !`cmd` ``
// replaced by the command's output (or a note saying why it did not run), and the files named by
// `@path` attached after the text. What is allowed is the runtime's business (expansion-runtime.ts).

import type { Rule } from "../permissions/index.ts";
import { substituteArguments } from "./arguments.ts";
import type { ExpansionRuntime } from "./expansion-runtime.ts";

export interface ExpandedText {
  text: string;
  /** Lines for the person: what was not included or not run, and why. */
  notes: string[];
}

const shellSpan = /!`([^`\n]+)`/g;
/** `@path` at the start or after whitespace; an e-mail address has no space before its `@`. */
const mention = /(^|\s)@([^\s`]+)/g;

export async function expandTemplate(
  template: string,
  args: string,
  allow: readonly Rule[],
  runtime: ExpansionRuntime,
): Promise<ExpandedText> {
  const notes: string[] = [];
  const filled = substituteArguments(template, args);

  // Mentions are collected before command output is spliced in: output never names files to attach.
  const paths = mentionedPaths(filled.replace(shellSpan, (span) => " ".repeat(span.length)));
  const attachments: string[] = [];
  for (const path of paths) {
    const result = await runtime.includeFile(path, allow);
    if (result.type === "included") {
      attachments.push(`<file path="${result.display}">\n${result.text.trimEnd()}\n</file>`);
    } else {
      notes.push(result.reason);
    }
  }

  const outputs: string[] = [];
  for (const match of filled.matchAll(shellSpan)) {
    const command = match[1] ?? "";
    const result = await runtime.runShell(command, allow);
    if (result.type === "ran") {
      outputs.push(result.output);
    } else {
      notes.push(`!\`${command}\` was not run: ${result.reason}`);
      outputs.push(`[not run: ${result.reason}]`);
    }
  }
  let index = 0;
  const text = filled.replace(shellSpan, () => outputs[index++] ?? "");
  return {
    text: attachments.length === 0 ? text : `${text.trimEnd()}\n\n${attachments.join("\n\n")}`,
    notes,
  };
}

/** The distinct paths of `@path` mentions, trailing punctuation left out. */
export function mentionedPaths(text: string): string[] {
  const paths: string[] = [];
  for (const match of text.matchAll(mention)) {
    const path = (match[2] ?? "").replace(/[.,;:!?)\]}'"]+$/, "");
    if (path !== "" && !paths.includes(path)) paths.push(path);
  }
  return paths;
}
