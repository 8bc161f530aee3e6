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

export interface ExpandOptions {
  /**
   * Whether the arguments fill in `` !`cmd` `` lines and may name `@file`s, as when a person types
   * `/name args` (the default). The model's arguments to the Skill tool fill in only the text:
   * the commands run and files attached are those the skill's author wrote.
   */
  argumentsInCommands?: boolean;
}

export async function expandTemplate(
  template: string,
  args: string,
  allow: readonly Rule[],
  runtime: ExpansionRuntime,
  options: ExpandOptions = {},
): Promise<ExpandedText> {
  const argumentsInCommands = options.argumentsInCommands ?? true;
  const notes: string[] = [];
  // Where commands and mentions are looked for: the text with its arguments, or as written.
  const source = argumentsInCommands ? substituteArguments(template, args) : template;

  // Mentions are collected before command output is spliced in: output never names files to attach.
  const paths = mentionedPaths(source.replace(shellSpan, (span) => " ".repeat(span.length)));
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
  for (const match of source.matchAll(shellSpan)) {
    const command = match[1] ?? "";
    const result = await runtime.runShell(command, allow);
    if (result.type === "ran") {
      outputs.push(result.output);
    } else {
      notes.push(`!\`${command}\` was not run: ${result.reason}`);
      outputs.push(`[not run: ${result.reason}]`);
    }
  }
  let text: string;
  if (argumentsInCommands) {
    let index = 0;
    text = source.replace(shellSpan, () => outputs[index++] ?? "");
  } else {
    // Each command line is held back by a marker while the arguments fill in the rest, so that
    // neither an argument nor a command's output is read as the other.
    let count = 0;
    const masked = template.replace(shellSpan, () => `\uE000${count++}\uE001`);
    text = substituteArguments(masked, args).replace(
      /\uE000(\d+)\uE001/g,
      (marker, index: string) => outputs[Number(index)] ?? marker,
    );
  }
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
