// Translates a ripgrep (Rust regex) pattern into a JavaScript RegExp for Grep's JS fallback.
// Covers what models commonly write; known gaps are listed on `translateRustRegex`.

export interface RegexOptions {
  caseInsensitive: boolean;
  /** Multiline mode: the pattern may match across lines and `.` matches a newline. */
  multiline: boolean;
}

export type TranslatedRegex =
  | {
      ok: true;
      /** Matches within one line (no `\n` in the text); flags `su`, plus `i`. Unused in multiline mode. */
      line: RegExp;
      /** Over a whole file: in line mode a superset test (any line matching implies a match here); in multiline mode the exact global regex. */
      whole: RegExp;
    }
  | { ok: false; message: string };

/** Rust's Unicode `\w`: letters, marks, decimal digits, connector punctuation, joiners. */
const WORD = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;
const WORD_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_WORD_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
/** Characters JavaScript accepts escaped outside a class in `u` mode. */
const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/");

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: String.raw`\x00-\x7F`,
  blank: String.raw`\t `,
  cntrl: String.raw`\x00-\x1F\x7F`,
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: String.raw`!-\/:-@\[-\x60{-~`,
  space: String.raw`\t\n\v\f\r `,
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/**
 * Rust regex syntax → JS RegExp. Translated: `\d \w \s \b \B` with Unicode meaning (as in Rust),
 * `\< \>`, `\A \z`, `\pL`, `\p{Greek}` (script names), `\x{..}`, `(?P<name>..)`, POSIX classes
 * like `[[:alpha:]]`, a leading `]` in a class, repeated repetitions (`a**`), escaped punctuation, inline flags `(?i)` (a leading
 * one sets the flag; later ones apply to the rest of their group), and `(?x)` at the start.
 * Not translated: class set operations (`&&`, `--`, `~~`: refused), `\W` inside a bigger class (ASCII here),
 * `(?U)`. Lookaround and backreferences are rejected, as ripgrep rejects them.
 */
export function translateRustRegex(pattern: string, options: RegexOptions): TranslatedRegex {
  const translated = translateSource(pattern, options.multiline);
  if (!translated.ok) return translated;
  const flags = new Set(["u", "s"]);
  if (options.caseInsensitive || translated.flags.has("i")) flags.add("i");
  const base = [...flags].join("");
  try {
    const line = new RegExp(translated.source, base);
    const whole = new RegExp(translated.source, options.multiline ? `${base}g` : `${base}m`);
    return { ok: true, line, whole };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // V8 says "Invalid regular expression: /<translated source>/flags: <reason>"; the translated
    // source would confuse, so keep only the reason.
    return {
      ok: false,
      message: message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, ""),
    };
  }
}

type SourceResult =
  { ok: true; source: string; flags: Set<string> } | { ok: false; message: string };

function translateSource(pattern: string, multiline: boolean): SourceResult {
  // `\n` outside a class is refused below, where escapes are parsed: inside a class ripgrep
  // accepts it (`[^\n]`, `[a\n]`), and lines never contain one anyway.
  if (!multiline && pattern.includes("\n")) return newlineRefused();
  const flags = new Set<string>();
  let i = 0;
  let extended = false;
  // Leading inline flags become RegExp flags.
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (leading?.[1] !== undefined) {
    for (const flag of leading[1]) {
      if (flag === "i") flags.add("i");
      else if (flag === "x") extended = true;
      else if (flag === "U") return { ok: false, message: "the (?U) flag is not supported" };
      // s, m, u and R are already how the fallback matches.
    }
    i = leading[0].length;
  }

  let out = "";
  /** Open groups: where each starts in `out`, and the `(?flags:` wrappers that close with it. */
  const groups: Array<{ start: number; wrappers: string[] }> = [{ start: 0, wrappers: [] }];
  /** Where the last quantifiable item starts in `out` (-1: none), and whether it is quantified. */
  let atom = -1;
  let quantified = false;
  let lazy = false;
  const bol = multiline ? String.raw`(?<![^\n])` : "^";
  const eol = multiline ? String.raw`(?![^\n])` : "$";
  const item = (text: string): void => {
    atom = out.length;
    quantified = false;
    out += text;
  };

  while (i < pattern.length) {
    const c = pattern[i] ?? "";
    if (extended && /\s/.test(c)) {
      i++;
      continue;
    }
    if (extended && c === "#") {
      const newline = pattern.indexOf("\n", i);
      i = newline === -1 ? pattern.length : newline + 1;
      continue;
    }
    const quantifier = c === "{" ? /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i))?.[0] : undefined;
    if (c === "*" || c === "+" || c === "?" || quantifier !== undefined) {
      const text = quantifier ?? c;
      if (quantified && c === "?" && !lazy) {
        lazy = true;
      } else if (quantified && atom !== -1) {
        // Rust repeats a repetition (`a**`, `a++`); JS needs a group around the first one.
        out = `${out.slice(0, atom)}(?:${out.slice(atom)})`;
        lazy = false;
      } else {
        quantified = true;
        lazy = false;
      }
      out += text;
      i += text.length;
      continue;
    }
    switch (c) {
      case "[": {
        const cls = translateClass(pattern, i);
        if (!cls.ok) return cls;
        item(cls.text);
        i = cls.next;
        continue;
      }
      case "\\": {
        if (!multiline && pattern[i + 1] === "n") return newlineRefused();
        // Outside multiline mode rg matches each line on its own, so text start and end are the
        // line's (`\Aend` matches a line "end." anywhere in the file).
        if (!multiline && (pattern[i + 1] === "A" || pattern[i + 1] === "z")) {
          item(pattern[i + 1] === "A" ? bol : eol);
          i += 2;
          continue;
        }
        const escaped = translateEscape(pattern, i, false);
        if (!escaped.ok) return escaped;
        item(escaped.text);
        i = escaped.next;
        continue;
      }
      case "^":
        item(bol);
        i++;
        continue;
      case "$":
        item(eol);
        i++;
        continue;
      case "|": {
        // Flags set mid-group hold to the group's end, across `|` (Rust): close their wrappers
        // before the bar and reopen them after it, or the bar would split the wrapper instead.
        const wrappers = groups.at(-1)?.wrappers ?? [];
        out += `${")".repeat(wrappers.length)}|${wrappers.map((m) => `(?${m}:`).join("")}`;
        atom = -1;
        i++;
        continue;
      }
      case "(": {
        const rest = pattern.slice(i);
        if (/^\(\?<?[=!]/.test(rest)) {
          return {
            ok: false,
            message: "look-around, including look-ahead and look-behind, is not supported",
          };
        }
        const start = out.length;
        const named = /^\(\?P?</.exec(rest);
        const setFlags = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(rest);
        const scoped = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest);
        if (named) {
          out += "(?<";
          i += named[0].length;
        } else if (setFlags) {
          // `(?i)` mid-pattern: applies to the rest of the enclosing group.
          const modifier = jsModifier(setFlags[1] ?? "", setFlags[2] ?? "");
          if (!modifier.ok) return modifier;
          if (modifier.text !== "") {
            out += `(?${modifier.text}:`;
            groups.at(-1)?.wrappers.push(modifier.text);
          }
          i += setFlags[0].length;
          atom = -1;
          continue;
        } else if (scoped) {
          const modifier = jsModifier(scoped[1] ?? "", scoped[2] ?? "");
          if (!modifier.ok) return modifier;
          out += modifier.text === "" ? "(?:" : `(?${modifier.text}:`;
          i += scoped[0].length;
        } else {
          out += c;
          i++;
        }
        groups.push({ start, wrappers: [] });
        atom = -1;
        continue;
      }
      case ")": {
        const group = groups.length > 1 ? groups.pop() : undefined;
        // Unbalanced: emit it anyway and let RegExp report the error.
        out += `${")".repeat(group?.wrappers.length ?? 0)})`;
        atom = group?.start ?? -1;
        quantified = false;
        i++;
        continue;
      }
      default: {
        const char = String.fromCodePoint(pattern.codePointAt(i) ?? 0);
        item(char);
        i += char.length;
      }
    }
  }
  out += ")".repeat(groups.reduce((sum, group) => sum + group.wrappers.length, 0));
  return { ok: true, source: out, flags };
}

function newlineRefused(): { ok: false; message: string } {
  return {
    ok: false,
    message: 'the literal "\\n" is not allowed in a regex unless multiline is true',
  };
}

type Escape = { ok: true; text: string; next: number } | { ok: false; message: string };

/** A bracket class from `[` at `at` to its closing `]`. */
function translateClass(pattern: string, at: number): Escape {
  let i = at + 1;
  let out = "[";
  if (pattern[i] === "^") {
    out += "^";
    i++;
  }
  // A `]` right after the opening bracket is a literal in Rust, an empty class in JS.
  if (pattern[i] === "]") {
    out += "\\]";
    i++;
  }
  while (i < pattern.length) {
    const c = pattern[i] ?? "";
    if (c === "]") return { ok: true, text: `${out}]`, next: i + 1 };
    // Rust's class set operations (`[\w&&\d]`, `[a-c--b]`, `[a~~b]`) have no `u`-mode
    // equivalent; read as plain characters they would silently match something else.
    const pair = pattern.slice(i, i + 2);
    if (pair === "&&" || pair === "--" || pair === "~~") {
      return {
        ok: false,
        message: `character class set operations ("${pair}") are not supported without ripgrep; list the characters instead`,
      };
    }
    if (c === "[" && pattern[i + 1] === ":") {
      const end = pattern.indexOf(":]", i + 2);
      const name = end === -1 ? "" : pattern.slice(i + 2, end);
      // A negated POSIX class (`[[:^alpha:]]`) has no `u`-mode form inside a bigger class, but
      // as the whole class it is the complement class.
      const negatedAlone = name.startsWith("^") && pattern[end + 2] === "]";
      if (negatedAlone && (out === "[" || out === "[^")) {
        const expansion = POSIX_CLASSES[name.slice(1)];
        if (expansion !== undefined) {
          return { ok: true, text: `${out === "[" ? "[^" : "["}${expansion}]`, next: end + 3 };
        }
      }
      const expansion = end === -1 ? undefined : POSIX_CLASSES[name];
      if (expansion === undefined) {
        return { ok: false, message: `unsupported character class ${pattern.slice(i, end + 2)}` };
      }
      out += expansion;
      i = end + 2;
      continue;
    }
    if (c === "\\") {
      const escaped = translateEscape(pattern, i, true);
      if (!escaped.ok) return escaped;
      out += escaped.text;
      i = escaped.next;
      continue;
    }
    out += c;
    i++;
  }
  return { ok: false, message: "unclosed character class" };
}

/** Rust inline flags → a JS modifier group's flags (only i, m, s exist there). */
function jsModifier(
  on: string,
  off: string,
): { ok: true; text: string } | { ok: false; message: string } {
  if (on.includes("U") || off.includes("U")) {
    return { ok: false, message: "the (?U) flag is not supported" };
  }
  if (on.includes("x") || off.includes("x")) {
    return { ok: false, message: "(?x) is only supported at the start of the pattern" };
  }
  // m and s are fixed by the mode (lines are anchored by `^`/`$` translations, `.` matches all).
  const keepOn = [...on].filter((f) => f === "i").join("");
  const keepOff = [...off].filter((f) => f === "i").join("");
  return { ok: true, text: keepOff === "" ? keepOn : `${keepOn}-${keepOff}` };
}

function translateEscape(pattern: string, at: number, inClass: boolean): Escape {
  const c = pattern[at + 1];
  if (c === undefined) return { ok: false, message: "the pattern ends with a lone backslash" };
  const next = at + 2;
  switch (c) {
    case "d":
      return { ok: true, text: String.raw`\p{Nd}`, next };
    case "D":
      return { ok: true, text: String.raw`\P{Nd}`, next };
    case "w":
      return { ok: true, text: inClass ? WORD : `[${WORD}]`, next };
    case "W":
      return { ok: true, text: inClass ? String.raw`\W` : `[^${WORD}]`, next };
    case "s":
      return { ok: true, text: String.raw`\p{White_Space}`, next };
    case "S":
      return { ok: true, text: String.raw`\P{White_Space}`, next };
    case "a":
      return { ok: true, text: String.raw`\x07`, next };
    case "x":
    case "u":
    case "U":
      return translateCodePoint(pattern, at, c);
    case "p":
    case "P":
      return translateProperty(pattern, at, c);
    default:
      break;
  }
  if (!inClass) {
    switch (c) {
      case "b":
        return { ok: true, text: WORD_BOUNDARY, next };
      case "B":
        return { ok: true, text: NOT_WORD_BOUNDARY, next };
      case "<":
        return { ok: true, text: `(?<![${WORD}])(?=[${WORD}])`, next };
      case ">":
        return { ok: true, text: `(?<=[${WORD}])(?![${WORD}])`, next };
      case "A":
        return { ok: true, text: String.raw`(?<![\s\S])`, next };
      case "z":
        return { ok: true, text: String.raw`(?![\s\S])`, next };
      default:
        break;
    }
  }
  if (/[0-9]/.test(c) || c === "k") {
    return { ok: false, message: "backreferences are not supported" };
  }
  if (/[A-Za-z]/.test(c)) return { ok: true, text: `\\${c}`, next };
  // Rust allows escaping any punctuation; JS's `u` mode only syntax characters (and `-` in a class).
  if (JS_SYNTAX.has(c) || (inClass && c === "-")) return { ok: true, text: `\\${c}`, next };
  const codePoint = pattern.codePointAt(at + 1) ?? 0;
  return {
    ok: true,
    text: `\\u{${codePoint.toString(16)}}`,
    next: at + 1 + String.fromCodePoint(codePoint).length,
  };
}

/** `\x7F`, `\x{1F600}`, `\u00E9`, `\u{E9}`, `\U0001F600`, `\U{1F600}` → `\u{..}`. */
function translateCodePoint(pattern: string, at: number, kind: string): Escape {
  const braced = /^\{([0-9A-Fa-f]+)\}/.exec(pattern.slice(at + 2));
  const width = kind === "x" ? 2 : kind === "u" ? 4 : 8;
  const fixed = new RegExp(`^[0-9A-Fa-f]{${width}}`).exec(pattern.slice(at + 2));
  const hex = braced?.[1] ?? fixed?.[0];
  const length = braced ? braced[0].length : width;
  if (hex === undefined || Number.parseInt(hex, 16) > 0x10ffff) {
    return { ok: false, message: `invalid escape \\${kind} at position ${at}` };
  }
  return { ok: true, text: `\\u{${hex}}`, next: at + 2 + length };
}

/** `\pL`, `\p{Greek}`, `\p{sc=Greek}`, `\P{Letter}` → JS property escapes. */
function translateProperty(pattern: string, at: number, kind: string): Escape {
  const braced = /^\{([^}]*)\}/.exec(pattern.slice(at + 2));
  const name = braced ? (braced[1] ?? "").trim() : pattern[at + 2];
  if (name === undefined || name === "") {
    return { ok: false, message: `invalid Unicode class \\${kind} at position ${at}` };
  }
  const next = at + 2 + (braced ? braced[0].length : 1);
  for (const candidate of [name, `Script=${name}`, `General_Category=${name}`]) {
    const text = `\\${kind}{${candidate}}`;
    try {
      new RegExp(text, "u");
      return { ok: true, text, next };
    } catch {
      // try the next spelling
    }
  }
  return { ok: false, message: `unknown Unicode class \\${kind}{${name}}` };
}
