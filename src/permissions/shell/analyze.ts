// Walks the syntax tree of a Bash command and lists every simple command it can run, with
// literal or run-time words, redirects and hazards. Fails closed: any syntax it does not
// model makes the whole command "unparsable". Judging the commands is for other files.

import { assignmentName, isDangerousEnvName } from "./env-vars.ts";
import type { BashSyntax, ShellParser, SyntaxNode } from "./parser.ts";
import type { CommandAnalysis, Hazard, Redirect, SimpleCommand, Word } from "./types.ts";
import { Unparsable } from "./unparsable.ts";
import { expandCommand, type Arg, type RawCommand } from "./unwrap.ts";
import { decodeWord, removeLineContinuations } from "./words.ts";

/** Longer commands always ask: nobody reviews 10,000 characters of shell by eye. */
export const maxCommandLength = 10_000;
/** `sh -c "sh -c '…'"` nesting beyond this is refused. */
const maxScriptDepth = 6;

/** Analyses a Bash command line. Loads the parser on first use. */
export async function analyzeCommand(
  parser: ShellParser,
  command: string,
): Promise<CommandAnalysis> {
  const early = textProblem(command);
  if (early) return { kind: "unparsable", reason: early };
  const syntax = await parser.ready();
  try {
    const result = analyzeScript(syntax, command, 0);
    return { kind: "parsed", commands: result.commands, hazards: dedupe(result.hazards) };
  } catch (error) {
    if (error instanceof Unparsable) return { kind: "unparsable", reason: error.message };
    throw error;
  }
}

interface Walk {
  syntax: BashSyntax;
  source: string;
  depth: number;
  commands: SimpleCommand[];
  hazards: Hazard[];
}

function analyzeScript(
  syntax: BashSyntax,
  source: string,
  depth: number,
): { commands: SimpleCommand[]; hazards: Hazard[] } {
  if (depth > maxScriptDepth) throw new Unparsable("shell scripts nested too deeply");
  const problem = textProblem(source);
  if (problem) throw new Unparsable(problem);
  const walk: Walk = { syntax, source, depth, commands: [], hazards: [] };
  const outcome = syntax.parse(source, (root) => {
    const error = firstSyntaxError(root);
    if (error) throw new Unparsable(error);
    checkLineContinuations(root, source);
    // Text outside the root node (`\ ` before the first command) was skipped, not parsed.
    checkGap(source.slice(0, root.startIndex), root, undefined);
    checkGap(source.slice(root.endIndex), root, undefined);
    checkGaps(root, source);
    checkComments(root, source);
    walkStatement(root, walk);
    noteStraySubstitutions(root, source, walk);
  });
  if (outcome.type === "timed_out") throw new Unparsable("the command took too long to parse");
  return walk;
}

/**
 * Characters where the grammar and bash disagree: tree-sitter treats CR, VT and FF as blanks
 * while bash keeps them inside words, and invisible Unicode spaces hide text from a reader.
 */
function textProblem(source: string): string | undefined {
  if (source.length > maxCommandLength) {
    return `the command is longer than ${maxCommandLength.toLocaleString("en-US")} characters`;
  }
  const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(source);
  if (control) {
    return `the command contains a control character (U+${hex(control[0])})`;
  }
  const invisible =
    /[\u0085\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/.exec(source);
  if (invisible)
    return `the command contains an invisible or unusual space (U+${hex(invisible[0])})`;
  return undefined;
}

function hex(char: string): string {
  return (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
}

function firstSyntaxError(root: SyntaxNode): string | undefined {
  if (!root.hasError) return undefined;
  const stack: SyntaxNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as SyntaxNode;
    if (node.isError || node.isMissing) {
      const near = node.text.slice(0, 40) || node.type;
      return node.isMissing
        ? `incomplete shell syntax: missing \`${node.type}\``
        : `shell syntax the parser does not understand near \`${near}\``;
    }
    for (const child of node.children) if (child?.hasError || child?.isMissing) stack.push(child);
  }
  return "shell syntax error";
}

/**
 * Bash removes backslash-newline anywhere outside single quotes, joining `l\<newline>s` into
 * `ls`; the grammar splits there instead. Where that would join two tokens, give up.
 */
function checkLineContinuations(root: SyntaxNode, source: string): void {
  for (const match of source.matchAll(/\\+\n/g)) {
    const backslashes = match[0].length - 1;
    if (backslashes % 2 === 0) continue;
    const at = match.index + backslashes - 1;
    if (insideVerbatimText(root.descendantForIndex(at, at + 1))) continue;
    const before = source[at - 1];
    const after = source[at + 2];
    if (before && after && /\S/.test(before) && /\S/.test(after)) {
      throw new Unparsable("a line continuation (backslash-newline) joins two words");
    }
  }
}

/** Single quotes, $'…', comments and double-quoted or heredoc text decode continuations themselves. */
function insideVerbatimText(node: SyntaxNode | null): boolean {
  for (let n = node; n; n = n.parent) {
    if (["raw_string", "ansi_c_string", "comment", "string", "heredoc_body"].includes(n.type)) {
      return true;
    }
  }
  return false;
}

/** Nodes whose children may be separated by line breaks: lists of statements, brackets. */
const multiline = new Set([
  "program",
  "list",
  "pipeline",
  "compound_statement",
  "subshell",
  "do_group",
  "if_statement",
  "elif_clause",
  "else_clause",
  "while_statement",
  "for_statement",
  "c_style_for_statement",
  "case_statement",
  "case_item",
  "function_definition",
  "command_substitution",
  "process_substitution",
  "array",
]);
/** Keywords bash only recognises as separate words. */
const reservedWords: Record<string, string[]> = {
  negated_command: ["!"],
  compound_statement: ["{"],
  test_command: ["[", "[["],
};
/** Nodes that are one word to bash: the grammar must not have skipped anything inside them. */
const tight = new Set(["concatenation", "simple_expansion", "variable_assignment", "command_name"]);
/** Nodes that are text inside: their spacing is content, not separation. */
const textual = new Set([
  "word",
  "string",
  "raw_string",
  "ansi_c_string",
  "translated_string",
  "heredoc_body",
  "heredoc_start",
  "heredoc_end",
  "comment",
  "regex",
  "expansion",
  "arithmetic_expansion",
  "extglob_pattern",
  "number",
]);

/**
 * Between tokens the grammar may only have skipped blanks, and line breaks only where bash
 * allows them. The grammar sometimes swallows a line break into one command (`a \n\\b` reads
 * as one command `a` with an argument), where bash runs two; such text is refused.
 */
function checkGaps(node: SyntaxNode, source: string): void {
  if (textual.has(node.type) || node.childCount === 0) return;
  let end = node.startIndex;
  let previous: SyntaxNode | undefined;
  for (const child of node.children) {
    if (!child) continue;
    const gap = source.slice(end, child.startIndex);
    checkGap(gap, node, child);
    if (previous && gap === "" && reservedWords[node.type]?.includes(previous.type)) {
      // `!x`, `{x`, `[-f` are single words to bash, not a keyword and a word.
      throw new Unparsable(`\`${previous.text}${child.text.slice(0, 20)}\` is one word to bash`);
    }
    previous = child;
    checkGaps(child, source);
    end = child.endIndex;
  }
  checkGap(source.slice(end, node.endIndex), node, undefined);
}

function checkGap(raw: string, parent: SyntaxNode, next: SyntaxNode | undefined): void {
  if (raw === "") return;
  const gap = removeLineContinuations(raw);
  if (/[^ \t\n]/.test(gap)) throw new Unparsable(`the parser skipped \`${gap.trim()}\``);
  if (tight.has(parent.type)) throw new Unparsable(`blanks inside one word: ${parent.text}`);
  if (!gap.includes("\n")) return;
  const allowed =
    multiline.has(parent.type) ||
    (parent.type === "heredoc_redirect" && next?.type === "heredoc_body");
  if (!allowed)
    throw new Unparsable(`a line break inside one command: ${parent.text.slice(0, 60)}`);
}

/** `#` starts a comment only at the start of a word: in `]#` or `a#b` it is an ordinary character. */
function checkComments(node: SyntaxNode, source: string): void {
  if (node.type === "comment") {
    const before = source[node.startIndex - 1];
    if (before !== undefined && !/[\s;&|()<>]/.test(before)) {
      throw new Unparsable(`\`#\` after \`${before}\` does not start a comment in bash`);
    }
    return;
  }
  for (const child of node.children) if (child) checkComments(child, source);
}

/**
 * A safety net under the walk: a backtick or `$(` that is not inside a substitution node the walk
 * saw (nor quoted, escaped or in a comment) still counts as a command substitution.
 */
function noteStraySubstitutions(root: SyntaxNode, source: string, walk: Walk): void {
  for (const match of source.matchAll(/`|\$\(/g)) {
    const at = match.index;
    if (escaped(source, at)) continue;
    if (coveredSubstitution(root.descendantForIndex(at, at + 1), match[0])) continue;
    walk.hazards.push({ kind: "command_substitution", text: source.slice(at, at + 60) });
  }
}

/** True when an odd number of backslashes precedes position `at`. */
function escaped(source: string, at: number): boolean {
  let count = 0;
  while (at - count - 1 >= 0 && source[at - count - 1] === "\\") count++;
  return count % 2 === 1;
}

function coveredSubstitution(node: SyntaxNode | null, token: string): boolean {
  for (let n = node; n; n = n.parent) {
    switch (n.type) {
      case "command_substitution":
      case "process_substitution":
      case "raw_string":
      case "ansi_c_string":
      case "comment":
        return true;
      case "arithmetic_expansion":
        if (token === "$(") return true;
        break;
      case "heredoc_body":
        // Unquoted bodies were checked when the heredoc was read; quoted ones are data.
        return true;
    }
  }
  return false;
}

function walkStatement(node: SyntaxNode, walk: Walk): void {
  switch (node.type) {
    case "program":
    case "list":
    case "pipeline":
    case "subshell":
    case "do_group":
    case "if_statement":
    case "elif_clause":
    case "else_clause":
    case "while_statement":
    case "negated_command":
      return walkChildren(node, walk);
    case "compound_statement":
      if (node.child(0)?.type === "((") return arithmeticCommand(node, walk);
      return walkChildren(node, walk);
    case "command":
      return simpleCommand(node, walk, node.text, noExtras);
    case "redirected_statement":
      return redirectedStatement(node, walk);
    case "variable_assignment":
    case "variable_assignments":
      return bareAssignments(node, walk);
    case "declaration_command":
    case "unset_command":
      return declarationCommand(node, walk);
    case "test_command":
      return testCommand(node, walk);
    case "for_statement":
      return forStatement(node, walk);
    case "c_style_for_statement":
      return cStyleFor(node, walk);
    case "case_statement":
      return caseStatement(node, walk);
    case "function_definition":
      return functionDefinition(node, walk);
    case "comment":
      return;
    default:
      throw new Unparsable(`unsupported shell syntax (${node.type}): ${node.text.slice(0, 40)}`);
  }
}

function walkChildren(node: SyntaxNode, walk: Walk): void {
  for (const child of node.children) {
    if (!child) continue;
    if (child.isNamed) walkStatement(child, walk);
    else if (child.type === "&") {
      walk.hazards.push({ kind: "background", text: child.previousSibling?.text ?? node.text });
    }
  }
}

// --- simple commands -------------------------------------------------------------------------

interface Extras {
  args: PlacedArg[];
  redirects: Redirect[];
  stdin?: string | null;
}

interface PlacedArg extends Arg {
  start: number;
}

const noExtras: Extras = { args: [], redirects: [] };

const wordTypes = new Set([
  "word",
  "string",
  "raw_string",
  "ansi_c_string",
  "translated_string",
  "concatenation",
  "simple_expansion",
  "expansion",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "brace_expression",
  "number",
  "extglob_pattern",
  "regex",
  "variable_name",
]);

function simpleCommand(node: SyntaxNode, walk: Walk, text: string, extras: Extras): void {
  const assignments: string[] = [];
  const args: PlacedArg[] = [...extras.args];
  const redirects: Redirect[] = [];
  const nested: SyntaxNode[] = [];
  let stdin = extras.stdin;
  let previous: SyntaxNode | null = null;
  for (const [index, child] of node.children.entries()) {
    if (!child) continue;
    const field = node.fieldNameForChild(index);
    if (field === "name" || field === "argument") {
      const wordNode = field === "name" ? onlyNamedChild(child) : child;
      if (field === "name" && wordNode.type === "word" && assignmentName(wordNode.text)) {
        // Bash reads an unquoted `NAME=value` before the program as an assignment.
        throw new Unparsable(`\`${wordNode.text}\` would be an assignment, not the program`);
      }
      args.push(readArg(wordNode, walk, nested));
    } else if (field === "redirect") {
      const read = readRedirect(child, walk, nested);
      redirects.push(...read.redirects);
      args.push(...read.args);
      if (read.stdin !== undefined) stdin = read.stdin;
      if (read.statements.length > 0) throw new Unparsable("a pipeline inside a redirect");
    } else if (child.type === "variable_assignment") {
      assignments.push(readAssignment(child, walk, nested));
    } else {
      throw new Unparsable(`unexpected \`${child.text}\` in a command`);
    }
    if (previous && isWordLike(previous) && isWordLike(child)) {
      requireBlankBetween(previous, child, walk.source);
    }
    previous = child;
  }
  args.sort((a, b) => a.start - b.start);
  const raw: RawCommand = {
    text,
    assignments,
    args,
    redirects: [...redirects, ...extras.redirects],
    ...(stdin !== undefined && { stdin }),
  };
  emit(raw, walk);
  for (const node of nested) walkSubstitution(node, walk);
}

function onlyNamedChild(node: SyntaxNode): SyntaxNode {
  const named = node.namedChildren.filter((c): c is SyntaxNode => c !== null);
  if (named.length !== 1 || node.childCount !== 1) {
    throw new Unparsable(`unexpected command name \`${node.text}\``);
  }
  return named[0] as SyntaxNode;
}

function isWordLike(node: SyntaxNode): boolean {
  return (
    node.type === "command_name" || node.type === "variable_assignment" || wordTypes.has(node.type)
  );
}

/**
 * Two words the grammar split with nothing between them (`$"…"` becomes `$` and a string) are
 * one word to bash; refuse rather than guess.
 */
function requireBlankBetween(left: SyntaxNode, right: SyntaxNode, source: string): void {
  const gap = removeLineContinuations(source.slice(left.endIndex, right.startIndex));
  if (!/\s/.test(gap)) {
    throw new Unparsable(`the parser split one word in two: ${left.text}${right.text}`);
  }
}

function readArg(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): PlacedArg {
  if (!wordTypes.has(node.type)) {
    throw new Unparsable(`unsupported word syntax (${node.type}): ${node.text.slice(0, 40)}`);
  }
  const next = walk.source[node.endIndex];
  if ((next === "<" || next === ">") && /^(\d+|\{[A-Za-z_]\w*\})$/.test(node.text)) {
    // `2>` is a descriptor to bash; the grammar sometimes reads the 2 as an argument.
    throw new Unparsable(`\`${node.text}${next}\` is a redirect to bash`);
  }
  const decoded = decodeWord(node);
  collectSubstitutions(node, nested);
  if (decoded.hiddenSubstitution) {
    walk.hazards.push({ kind: "command_substitution", text: node.text });
  }
  return { word: decoded.word, text: node.text, start: node.startIndex };
}

function readAssignment(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): string {
  const name = node.childForFieldName("name");
  const value = node.childForFieldName("value");
  if (name?.type === "subscript") {
    // Array subscripts are evaluated arithmetically, which can run `$(…)` hidden in a value.
    walk.hazards.push({ kind: "other", text: `array element assignment: ${node.text}` });
    collectSubstitutions(name, nested);
  } else if (name && isDangerousEnvName(name.text)) {
    walk.hazards.push({ kind: "dangerous_env", text: node.text });
  }
  if (value) {
    collectSubstitutions(value, nested);
    if (value.type !== "array" && decodeWord(value).hiddenSubstitution) {
      walk.hazards.push({ kind: "command_substitution", text: node.text });
    }
  }
  return node.text;
}

function emit(raw: RawCommand, walk: Walk): void {
  expandCommand(raw, {
    push: (command) => walk.commands.push(command),
    hazard: (hazard) => walk.hazards.push(hazard),
    script: (source) => analyzeScript(walk.syntax, source, walk.depth + 1),
  });
}

function bareAssignments(node: SyntaxNode, walk: Walk): void {
  const nested: SyntaxNode[] = [];
  const assignments =
    node.type === "variable_assignment"
      ? [readAssignment(node, walk, nested)]
      : node.namedChildren
          .filter((c): c is SyntaxNode => c !== null)
          .map((child) => {
            if (child.type !== "variable_assignment") {
              throw new Unparsable(`unexpected \`${child.text}\` among assignments`);
            }
            return readAssignment(child, walk, nested);
          });
  walk.commands.push({ text: node.text, assignments, argv: [], redirects: [] });
  for (const sub of nested) walkSubstitution(sub, walk);
}

/** `export A=1 B`, `local x`, `declare -r y=2`, `unset z`: the keyword and its words. */
function declarationCommand(node: SyntaxNode, walk: Walk): void {
  const nested: SyntaxNode[] = [];
  const args: PlacedArg[] = [];
  for (const child of node.children) {
    if (!child) continue;
    if (!child.isNamed) {
      if (args.length > 0) throw new Unparsable(`unexpected \`${child.text}\` in a declaration`);
      args.push(literalArg(child.type, child));
    } else if (child.type === "variable_assignment") {
      readAssignment(child, walk, nested);
      const value = child.childForFieldName("value");
      const literal =
        !value || (value.type !== "array" && decodeWord(value).word.kind === "literal");
      const name = child.childForFieldName("name");
      args.push({
        word:
          literal && name?.type === "variable_name"
            ? { kind: "literal", value: `${name.text}=${value ? literalValue(value) : ""}` }
            : { kind: "dynamic", text: child.text },
        text: child.text,
        start: child.startIndex,
      });
    } else {
      args.push(readArg(child, walk, nested));
    }
  }
  emit({ text: node.text, assignments: [], args, redirects: [] }, walk);
  for (const sub of nested) walkSubstitution(sub, walk);
}

function literalValue(node: SyntaxNode): string {
  const word = decodeWord(node).word;
  return word.kind === "literal" ? word.value : "";
}

function literalArg(value: string, node: SyntaxNode): PlacedArg {
  return { word: { kind: "literal", value }, text: node.text, start: node.startIndex };
}

/** `[ -f x ]`, `[[ $a == b ]]`: a command named `[` / `[[` with the expression's words. */
function testCommand(node: SyntaxNode, walk: Walk): void {
  const nested: SyntaxNode[] = [];
  const args: PlacedArg[] = [];
  // `[` is an ordinary command to bash, so `|`, `&`, `;`, `<`, `>`, `(`, `)` inside `[ … ]` are
  // shell operators (`[ a | curl x ]` is a pipeline); the grammar keeps them inside the test.
  const single = node.child(0)?.type === "[";
  let previous: SyntaxNode | undefined;
  const flatten = (n: SyntaxNode): void => {
    for (const child of n.children) {
      if (!child) continue;
      const expression = child.childCount > 0 && !wordTypes.has(child.type);
      if (!expression) {
        const joined = previous !== undefined && previous.endIndex === child.startIndex;
        const words = previous?.isNamed === true && child.isNamed;
        // Inside `[ … ]` every token is a word of its own; inside `[[ … ]]` two words are.
        if (joined && (single || words)) {
          throw new Unparsable(`\`${previous?.text ?? ""}${child.text}\` is one word to bash`);
        }
        previous = child;
      }
      if (!child.isNamed || child.type === "test_operator") {
        if (single && /[|&;<>()]/.test(child.text)) {
          throw new Unparsable(`\`${child.text}\` inside [ … ] is a shell operator to bash`);
        }
        args.push(literalArg(child.text, child));
      } else if (wordTypes.has(child.type)) {
        args.push(readArg(child, walk, nested));
      } else if (
        ["binary_expression", "unary_expression", "parenthesized_expression"].includes(child.type)
      ) {
        flatten(child);
      } else {
        throw new Unparsable(`unsupported test syntax (${child.type}): ${child.text.slice(0, 40)}`);
      }
    }
  };
  flatten(node);
  emit({ text: node.text, assignments: [], args, redirects: [] }, walk);
  for (const sub of nested) walkSubstitution(sub, walk);
}

function arithmeticCommand(node: SyntaxNode, walk: Walk): void {
  // Arithmetic evaluates variable contents as expressions, and `a[$(cmd)]` there runs cmd.
  walk.hazards.push({ kind: "other", text: `arithmetic evaluation: ${node.text}` });
  const nested: SyntaxNode[] = [];
  collectSubstitutions(node, nested);
  for (const sub of nested) walkSubstitution(sub, walk);
}

function forStatement(node: SyntaxNode, walk: Walk): void {
  const variable = node.childForFieldName("variable");
  if (variable && isDangerousEnvName(variable.text)) {
    walk.hazards.push({ kind: "dangerous_env", text: `for ${variable.text} in …` });
  }
  const nested: SyntaxNode[] = [];
  for (const value of node.childrenForFieldName("value")) {
    if (value) collectSubstitutions(value, nested);
  }
  for (const sub of nested) walkSubstitution(sub, walk);
  const body = node.childForFieldName("body");
  if (body) walkStatement(body, walk);
}

function cStyleFor(node: SyntaxNode, walk: Walk): void {
  walk.hazards.push({ kind: "other", text: `arithmetic for loop: ${node.text.slice(0, 80)}` });
  const nested: SyntaxNode[] = [];
  for (const field of ["initializer", "condition", "update"]) {
    for (const part of node.childrenForFieldName(field))
      if (part) collectSubstitutions(part, nested);
  }
  for (const sub of nested) walkSubstitution(sub, walk);
  const body = node.childForFieldName("body");
  if (body) walkStatement(body, walk);
}

function caseStatement(node: SyntaxNode, walk: Walk): void {
  const nested: SyntaxNode[] = [];
  const value = node.childForFieldName("value");
  if (value) collectSubstitutions(value, nested);
  for (const sub of nested.splice(0)) walkSubstitution(sub, walk);
  for (const item of node.namedChildren) {
    if (!item || item.id === value?.id) continue;
    if (item.type === "comment") continue;
    if (item.type !== "case_item") throw new Unparsable(`unexpected \`${item.text}\` in case`);
    for (const [index, child] of item.children.entries()) {
      if (!child?.isNamed) continue;
      if (item.fieldNameForChild(index) === "value") collectSubstitutions(child, nested);
      else walkStatement(child, walk);
    }
    for (const sub of nested.splice(0)) walkSubstitution(sub, walk);
  }
}

function functionDefinition(node: SyntaxNode, walk: Walk): void {
  const name = node.childForFieldName("name")?.text ?? "?";
  walk.hazards.push({ kind: "function_definition", text: `${name}()` });
  const body = node.childForFieldName("body");
  if (body) walkStatement(body, walk);
  const nested: SyntaxNode[] = [];
  for (const redirect of node.childrenForFieldName("redirect")) {
    if (redirect) collectSubstitutions(redirect, nested);
  }
  for (const sub of nested) walkSubstitution(sub, walk);
}

// --- redirects -------------------------------------------------------------------------------

interface ReadRedirect {
  redirects: Redirect[];
  /** Words the grammar attached to a redirect that bash gives to the command (`rm >f -rf /`). */
  args: PlacedArg[];
  /** Statements the grammar nested in a heredoc redirect (`cat <<EOF | sh`). */
  statements: SyntaxNode[];
  stdin?: string | null;
}

function redirectedStatement(node: SyntaxNode, walk: Walk): void {
  const body = node.childForFieldName("body");
  const nested: SyntaxNode[] = [];
  const read: ReadRedirect = { redirects: [], args: [], statements: [] };
  for (const child of node.children) {
    if (!child || child.id === body?.id) continue;
    const one = readRedirect(child, walk, nested);
    read.redirects.push(...one.redirects);
    read.args.push(...one.args);
    read.statements.push(...one.statements);
    if (one.stdin !== undefined) read.stdin = one.stdin;
  }
  if (body?.type === "command") {
    simpleCommand(body, walk, node.text, read);
  } else {
    if (read.args.length > 0) {
      throw new Unparsable(
        `words after a redirect of a compound command: ${node.text.slice(0, 60)}`,
      );
    }
    const before = walk.commands.length;
    if (body) walkStatement(body, walk);
    const affected = walk.commands.slice(before);
    // The redirect applies to everything the compound runs: `{ a; b; } > out` writes from both.
    for (const command of affected) command.redirects = [...command.redirects, ...read.redirects];
    if (affected.length === 0) {
      walk.commands.push({ text: node.text, assignments: [], argv: [], redirects: read.redirects });
    }
  }
  for (const statement of read.statements) walkStatement(statement, walk);
  for (const sub of nested) walkSubstitution(sub, walk);
}

function readRedirect(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): ReadRedirect {
  switch (node.type) {
    case "file_redirect":
      return fileRedirect(node, walk, nested);
    case "herestring_redirect":
      return hereString(node, walk, nested);
    case "heredoc_redirect":
      return heredoc(node, walk, nested);
    default:
      throw new Unparsable(`unsupported redirect syntax (${node.type}): ${node.text.slice(0, 40)}`);
  }
}

function fileRedirect(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): ReadRedirect {
  let descriptor = "";
  let operator = "";
  const destinations: PlacedArg[] = [];
  for (const [index, child] of node.children.entries()) {
    if (!child) continue;
    const field = node.fieldNameForChild(index);
    if (field === "descriptor") descriptor = child.text;
    else if (field === "destination") destinations.push(readArg(child, walk, nested));
    else if (!child.isNamed && !operator) operator = child.type;
    else throw new Unparsable(`unexpected \`${child.text}\` in a redirect`);
  }
  const [first, ...rest] = destinations;
  const target: Word = first?.word ?? { kind: "literal", value: "-" };
  noteNetworkTarget(target, walk);
  return {
    redirects: [
      { operator: descriptor + operator, target, writes: redirectWrites(operator, target) },
    ],
    args: rest,
    statements: [],
  };
}

/** Output redirects write unless they go to a descriptor or a device that is not a file. */
function redirectWrites(operator: string, target: Word): boolean {
  const value = target.kind === "literal" ? target.value : undefined;
  switch (operator) {
    case "<":
    case "<&":
    case "<&-":
    case ">&-":
      return false;
    case ">&":
      return !(value !== undefined && (/^\d+$/.test(value) || value === "-"));
    case ">":
    case ">>":
    case ">|":
    case "&>":
    case "&>>":
      return !(value !== undefined && nonFileTargets.test(value));
    default:
      return true;
  }
}

const nonFileTargets = /^\/dev\/(null|stdout|stderr|fd\/\d+)$/;

function noteNetworkTarget(target: Word, walk: Walk): void {
  const text = target.kind === "literal" ? target.value : target.text;
  if (/\/dev\/(tcp|udp)\//.test(text)) {
    walk.hazards.push({ kind: "other", text: `network connection through a redirect: ${text}` });
  }
}

function hereString(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): ReadRedirect {
  let descriptor = "";
  let operand: PlacedArg | undefined;
  for (const [index, child] of node.children.entries()) {
    if (!child) continue;
    if (node.fieldNameForChild(index) === "descriptor") descriptor = child.text;
    else if (child.isNamed && !operand) operand = readArg(child, walk, nested);
    else if (child.isNamed || child.type !== "<<<") {
      throw new Unparsable(`unexpected \`${child.text}\` in a here-string`);
    }
  }
  const target = operand?.word ?? { kind: "literal", value: "" };
  return {
    redirects: [{ operator: `${descriptor}<<<`, target, writes: false }],
    args: [],
    statements: [],
    stdin: target.kind === "literal" ? `${target.value}\n` : null,
  };
}

function heredoc(node: SyntaxNode, walk: Walk, nested: SyntaxNode[]): ReadRedirect {
  const read: ReadRedirect = { redirects: [], args: [], statements: [] };
  let operator = "";
  let descriptor = "";
  let delimiter = "";
  let quoted = false;
  let body: SyntaxNode | undefined;
  for (const [index, child] of node.children.entries()) {
    if (!child) continue;
    const field = node.fieldNameForChild(index);
    if (field === "descriptor") descriptor = child.text;
    else if (field === "argument") read.args.push(readArg(child, walk, nested));
    else if (field === "redirect") {
      const inner = readRedirect(child, walk, nested);
      read.redirects.push(...inner.redirects);
      read.args.push(...inner.args);
    } else if (field === "right") read.statements.push(child);
    else if (field === "operator") {
      if (child.type === "&") walk.hazards.push({ kind: "background", text: node.text });
    } else if (child.type === "<<" || child.type === "<<-") operator = child.type;
    else if (child.type === "heredoc_start") {
      checkDelimiterEnds(child, walk.source);
      quoted = /['"\\]/.test(child.text);
      delimiter = child.text.replace(/['"\\]/g, "");
    } else if (child.type === "heredoc_body") body = child;
    else if (child.type === "heredoc_end") {
      if (child.text !== delimiter) throw new Unparsable(`heredoc ends at \`${child.text}\``);
    } else if (child.type === "pipeline") read.statements.push(child);
    else throw new Unparsable(`unexpected \`${child.text.slice(0, 40)}\` in a heredoc`);
  }
  read.redirects.unshift({
    operator: descriptor + operator,
    target: { kind: "literal", value: delimiter },
    writes: false,
  });
  const text = body?.text ?? "";
  const content = operator === "<<-" ? text.replace(/^\t+/gm, "") : text;
  if (quoted) {
    read.stdin = content;
  } else {
    if (body) collectSubstitutions(body, nested);
    // The grammar does not see backticks in a heredoc body, and bash joins `$\<newline>(`.
    const joined = removeLineContinuations(content);
    if (/`|\$\(/.test(joined)) {
      walk.hazards.push({ kind: "command_substitution", text: content.slice(0, 200) });
    }
    read.stdin = /[$`\\]/.test(content) ? null : content;
  }
  return read;
}

/**
 * Bash's delimiter is the whole word after `<<`; the grammar can stop early (`<<'EOF'}` gives
 * EOF and an argument `}`), and then the body it sees is not the body bash reads.
 */
function checkDelimiterEnds(start: SyntaxNode, source: string): void {
  const after = source[start.endIndex];
  // It can also run long: `<<EOF;` makes `EOF;` the delimiter, hiding the lines after bash's `EOF`.
  if (/[$\s;&|<>()`]/.test(start.text) || (after !== undefined && !/[\s;&|<>()]/.test(after))) {
    throw new Unparsable(`a heredoc delimiter the parser cut short: ${start.text}`);
  }
}

// --- substitutions ---------------------------------------------------------------------------

/** Finds `$(…)`, backticks and `<(…)` inside a node, without entering them. */
function collectSubstitutions(node: SyntaxNode, out: SyntaxNode[]): void {
  if (node.type === "command_substitution" || node.type === "process_substitution") {
    out.push(node);
    return;
  }
  for (const child of node.namedChildren) if (child) collectSubstitutions(child, out);
}

function walkSubstitution(node: SyntaxNode, walk: Walk): void {
  walk.hazards.push({
    kind: node.type === "process_substitution" ? "process_substitution" : "command_substitution",
    text: node.text,
  });
  for (const [index, child] of node.children.entries()) {
    if (!child?.isNamed) continue;
    if (node.fieldNameForChild(index) === "redirect") {
      // `$(< file)`: bash reads the file without running a command.
      const nested: SyntaxNode[] = [];
      const read = readRedirect(child, walk, nested);
      walk.commands.push({ text: node.text, assignments: [], argv: [], redirects: read.redirects });
      for (const sub of nested) walkSubstitution(sub, walk);
    } else {
      walkStatement(child, walk);
    }
  }
}

function dedupe(hazards: readonly Hazard[]): Hazard[] {
  const seen = new Set<string>();
  return hazards.filter((hazard) => {
    const key = `${hazard.kind}\u0000${hazard.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
