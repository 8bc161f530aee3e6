// Turns one word of the syntax tree into the text bash would pass to the program (quote removal),
// or marks it dynamic when bash would expand it at run time. Finding nested commands is not here.

import type { SyntaxNode } from "./parser.ts";
import type { Word } from "./types.ts";
import { Unparsable } from "./unparsable.ts";

export interface DecodedWord {
  word: Word;
  /**
   * True when the text holds a backtick or `$(` that the grammar did not turn into a
   * substitution node (it happens in heredoc bodies and odd quoting). The caller reports it.
   */
  hiddenSubstitution: boolean;
}

interface Char {
  c: string;
  quoted: boolean;
}

interface State {
  chars: Char[];
  dynamic: boolean;
  hiddenSubstitution: boolean;
}

const alwaysDynamic = new Set([
  "simple_expansion",
  "expansion",
  "command_substitution",
  "process_substitution",
  "arithmetic_expansion",
  "brace_expression",
  "translated_string",
  "extglob_pattern",
]);

/** What `$` starts when followed by this character: a parameter, `${`, `$(`, `$[`. */
const expansionStart = /[A-Za-z_0-9{([@*#?$!-]/;

/** Decodes a word-like node: word, string, raw_string, ansi_c_string, concatenation, number… */
export function decodeWord(node: SyntaxNode): DecodedWord {
  const state: State = { chars: [], dynamic: false, hiddenSubstitution: false };
  visit(node, state);
  if (state.dynamic || expandsAtRunTime(state.chars)) {
    return {
      word: { kind: "dynamic", text: node.text },
      hiddenSubstitution: state.hiddenSubstitution,
    };
  }
  return {
    word: { kind: "literal", value: state.chars.map((ch) => ch.c).join("") },
    hiddenSubstitution: false,
  };
}

function visit(node: SyntaxNode, state: State): void {
  if (alwaysDynamic.has(node.type)) {
    state.dynamic = true;
    return;
  }
  switch (node.type) {
    case "word":
      unquoted(node.text, state);
      return;
    case "number":
      if (node.namedChildCount > 0) state.dynamic = true;
      else unquoted(node.text, state);
      return;
    case "variable_name":
      quoted(node.text, state);
      return;
    case "raw_string":
      quoted(node.text.slice(1, -1), state);
      return;
    case "regex":
      // The right side of `[[ =~ ]]`: data for the test, not a file name, so no globbing.
      if (/[$`]/.test(node.text)) state.dynamic = true;
      else quoted(node.text, state);
      return;
    case "string":
      for (const child of node.namedChildren) {
        if (child && child.type !== "string_content") state.dynamic = true;
      }
      if (!state.dynamic) doubleQuoted(node.text.slice(1, -1), state);
      return;
    case "ansi_c_string": {
      const decoded = decodeAnsiC(node.text.slice(2, -1));
      if (decoded === undefined) state.dynamic = true;
      else quoted(decoded, state);
      return;
    }
    case "concatenation":
      for (const child of node.children) {
        if (!child) continue;
        if (!child.isNamed) throw new Unparsable(`unexpected \`${child.text}\` inside a word`);
        visit(child, state);
      }
      return;
    default:
      throw new Unparsable(`unsupported word syntax (${node.type}): ${node.text}`);
  }
}

/** Removes backslash-newline pairs (line continuations), respecting escaped backslashes. */
export function removeLineContinuations(text: string): string {
  return text.replace(/\\+\n/g, (run) => {
    const backslashes = run.length - 1;
    return backslashes % 2 === 1 ? "\\".repeat(backslashes - 1) : run;
  });
}

function quoted(text: string, state: State): void {
  for (const c of text) state.chars.push({ c, quoted: true });
}

function unquoted(raw: string, state: State): void {
  const text = removeLineContinuations(raw);
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\") {
      const next = chars[i + 1];
      if (next === undefined) state.chars.push({ c, quoted: true });
      else state.chars.push({ c: next, quoted: true });
      i++;
      continue;
    }
    if (/[\s;&|<>]/.test(c)) {
      // Bash would end the word (or the command) here; the grammar did not.
      throw new Unparsable(`the parser read \`${raw}\` as one word`);
    }
    if (c === "`") {
      state.dynamic = true;
      state.hiddenSubstitution = true;
    } else if (c === "$" && expansionStart.test(chars[i + 1] ?? "")) {
      state.dynamic = true;
      if (chars[i + 1] === "(") state.hiddenSubstitution = true;
    } else if (c === "(" || c === ")") {
      state.dynamic = true; // extglob patterns and other constructs the grammar did not split
    }
    state.chars.push({ c, quoted: false });
  }
}

function doubleQuoted(raw: string, state: State): void {
  const text = removeLineContinuations(raw);
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\") {
      const next = chars[i + 1];
      if (next !== undefined && '$`"\\'.includes(next)) {
        state.chars.push({ c: next, quoted: true });
        i++;
      } else {
        state.chars.push({ c, quoted: true });
      }
      continue;
    }
    if (c === "`") {
      state.dynamic = true;
      state.hiddenSubstitution = true;
    } else if (c === "$" && expansionStart.test(chars[i + 1] ?? "")) {
      state.dynamic = true;
      if (chars[i + 1] === "(") state.hiddenSubstitution = true;
    }
    state.chars.push({ c, quoted: true });
  }
}

/** Globs (`* ? [`), brace expansion (`{a,b}`, `{1..3}`) and tilde expansion, unquoted. */
function expandsAtRunTime(chars: readonly Char[]): boolean {
  const open = (c: string): number => chars.findIndex((ch) => !ch.quoted && ch.c === c);
  for (const [i, ch] of chars.entries()) {
    if (ch.quoted) continue;
    if (ch.c === "*" || ch.c === "?") return true;
    if (ch.c === "[" && chars.slice(i + 1).some((later) => later.c === "]")) return true;
    if (ch.c === "~") {
      const before = chars[i - 1];
      if (i === 0 || (before && !before.quoted && (before.c === "=" || before.c === ":"))) {
        return true;
      }
    }
  }
  // Brace expansion needs an unquoted `{`, then `,` or `..`, then `}`. Bash is generous about
  // which braces pair up (`x{}a,b}` expands), so any such sequence counts.
  const start = open("{");
  if (start >= 0) {
    const rest = chars.slice(start + 1);
    const separator = rest.findIndex(
      (ch, i) =>
        !ch.quoted &&
        (ch.c === "," || (ch.c === "." && rest[i + 1]?.c === "." && !rest[i + 1]?.quoted)),
    );
    if (separator >= 0 && rest.slice(separator + 1).some((ch) => !ch.quoted && ch.c === "}")) {
      return true;
    }
  }
  return false;
}

const simpleEscapes: Record<string, string> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/**
 * Decodes the inside of `$'…'` as bash does. Returns undefined for what we do not model: `\c`
 * control escapes, NUL (bash silently cuts the string there) and non-ASCII numeric escapes.
 */
export function decodeAnsiC(body: string): string | undefined {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) {
      out += c;
      continue;
    }
    const simple = simpleEscapes[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const numeric = numericEscape(body, i + 1);
    if (numeric === "unsupported") return undefined;
    if (numeric) {
      out += numeric.text;
      i += numeric.length;
      continue;
    }
    if (next === "c") return undefined;
    out += c + next;
    i++;
  }
  return out.includes("\0") ? undefined : out;
}

/**
 * `\nnn`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`. Anything outside ASCII is "unsupported": bash emits
 * raw bytes or locale-dependent text for it, which a JS string cannot stand for faithfully.
 */
function numericEscape(
  body: string,
  at: number,
): { text: string; length: number } | "unsupported" | undefined {
  const rest = body.slice(at);
  const forms: [RegExp, number][] = [
    [/^([0-7]{1,3})/, 8],
    [/^x([0-9A-Fa-f]{1,2})/, 16],
    [/^u([0-9A-Fa-f]{1,4})/, 16],
    [/^U([0-9A-Fa-f]{1,8})/, 16],
  ];
  // Bash also knows forms we do not model (`\x{…}`): a letter escape without digits is unknown.
  if (/^[xuU](?![0-9A-Fa-f])/.test(rest)) return "unsupported";
  for (const [pattern, radix] of forms) {
    const match = pattern.exec(rest);
    if (!match?.[1]) continue;
    const code = parseInt(match[1], radix);
    if (code === 0 || code > 0x7f) return "unsupported";
    return { text: String.fromCharCode(code), length: match[0].length };
  }
  return undefined;
}
