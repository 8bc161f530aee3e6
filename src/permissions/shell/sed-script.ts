// Decides whether a sed script only prints: it accepts a small, fully parsed subset of GNU sed
// (addresses, p/=/d/n/q…, s and y without the w and e flags) and rejects everything else,
// including w/W/r/R/e commands and any text it cannot read with certainty.

/** Commands that take no argument and cannot write files or run programs. */
const plainCommands = new Set([
  "p",
  "P",
  "=",
  "d",
  "D",
  "n",
  "N",
  "g",
  "G",
  "h",
  "H",
  "x",
  "z",
  "F",
]);
/** Commands with an optional number: `q5`, `l 40`. */
const numberCommands = new Set(["q", "Q", "l"]);

export function isPrintOnlySedScript(script: string): boolean {
  const reader = new Reader(script);
  let depth = 0;
  for (;;) {
    reader.skip(/[\s;]/);
    if (reader.done()) return depth === 0;
    if (reader.peek() === "#") {
      reader.skipLine();
      continue;
    }
    if (reader.peek() === "}") {
      if (depth === 0) return false;
      depth--;
      reader.next();
      if (!reader.atCommandEnd()) return false;
      continue;
    }
    if (!readAddress(reader)) return false;
    reader.skip(/[ \t]/);
    while (reader.peek() === "!") {
      reader.next();
      reader.skip(/[ \t]/);
    }
    const command = reader.next();
    if (command === "{") {
      depth++;
      continue;
    }
    if (command === undefined) return false;
    if (plainCommands.has(command)) {
      // no argument
    } else if (numberCommands.has(command)) {
      reader.skip(/[ \t]/);
      reader.skip(/\d/);
    } else if (command === "s") {
      if (!readSubstitute(reader)) return false;
    } else if (command === "y") {
      const delimiter = reader.next();
      if (!isDelimiter(delimiter)) return false;
      if (readPart(reader, delimiter, "text") === undefined) return false;
      if (readPart(reader, delimiter, "text") === undefined) return false;
    } else {
      return false;
    }
    if (!reader.atCommandEnd()) return false;
  }
}

class Reader {
  private at = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  done(): boolean {
    return this.at >= this.text.length;
  }
  peek(offset = 0): string | undefined {
    return this.text[this.at + offset];
  }
  next(): string | undefined {
    const c = this.text[this.at];
    if (c !== undefined) this.at++;
    return c;
  }
  skip(pattern: RegExp): void {
    while (!this.done() && pattern.test(this.text[this.at] as string)) this.at++;
  }
  skipLine(): void {
    while (!this.done() && this.text[this.at] !== "\n") this.at++;
  }
  /** After a command: blanks, then the end, `;`, a newline, `}` or a comment. */
  atCommandEnd(): boolean {
    this.skip(/[ \t]/);
    const c = this.peek();
    return c === undefined || c === ";" || c === "\n" || c === "}" || c === "#";
  }
}

function isDelimiter(c: string | undefined): c is string {
  return c !== undefined && c !== "\n" && c !== "\\";
}

function readAddress(reader: Reader): boolean {
  if (!readOneAddress(reader, false)) return false;
  if (reader.peek() !== ",") return true;
  reader.next();
  return readOneAddress(reader, true) && reader.peek() !== ",";
}

function readOneAddress(reader: Reader, second: boolean): boolean {
  const c = reader.peek();
  if (c === undefined) return true;
  if (/\d/.test(c) || (second && (c === "+" || c === "~"))) {
    reader.next();
    reader.skip(/\d/);
    if (!second && reader.peek() === "~") {
      reader.next();
      reader.skip(/\d/);
    }
    return true;
  }
  if (c === "$") {
    reader.next();
    return true;
  }
  if (c === "/" || c === "\\") {
    reader.next();
    const delimiter = c === "/" ? "/" : reader.next();
    if (!isDelimiter(delimiter)) return false;
    if (readPart(reader, delimiter, "regex") === undefined) return false;
    reader.skip(/[IM]/);
    return true;
  }
  return !second;
}

function readSubstitute(reader: Reader): boolean {
  const delimiter = reader.next();
  if (!isDelimiter(delimiter)) return false;
  if (readPart(reader, delimiter, "regex") === undefined) return false;
  if (readPart(reader, delimiter, "text") === undefined) return false;
  // w (write a file) and e (run the pattern space) are the flags that are not just output.
  reader.skip(/[gpiImM0-9]/);
  return true;
}

/**
 * Reads up to the closing delimiter. In a regex, GNU sed does not end at a delimiter inside a
 * bracket expression (`s/[/]/x/`); to leave no doubt, a delimiter inside brackets is refused.
 * Returns undefined for anything unterminated or ambiguous.
 */
function readPart(reader: Reader, delimiter: string, kind: "regex" | "text"): string | undefined {
  let out = "";
  for (;;) {
    const c = reader.next();
    if (c === undefined || c === "\n") return undefined;
    if (c === delimiter) return out;
    if (c === "\\") {
      const escaped = reader.next();
      if (escaped === undefined) return undefined;
      out += c + escaped;
      continue;
    }
    if (c === "[" && !bracketIsClear(reader, delimiter, kind)) return undefined;
    out += c;
  }
}

/** True when the bracket expression starting here closes before any delimiter or newline. */
function bracketIsClear(reader: Reader, delimiter: string, kind: "regex" | "text"): boolean {
  let i = 0;
  if (kind === "regex") {
    if (reader.peek(i) === "^") i++;
    if (reader.peek(i) === "]") i++;
  }
  const blocked = (c: string | undefined): boolean =>
    c === undefined || c === "\n" || c === delimiter;
  for (;;) {
    const c = reader.peek(i);
    if (blocked(c)) return false;
    if (c === "\\" && reader.peek(i + 1) === delimiter) return false;
    const open = reader.peek(i + 1);
    if (kind === "regex" && c === "[" && open !== undefined && ":.=".includes(open)) {
      // [:alpha:], [.x.], [=e=] inside a bracket end with their own `:]`, `.]`, `=]`.
      let j = i + 2;
      while (!(reader.peek(j) === open && reader.peek(j + 1) === "]")) {
        if (blocked(reader.peek(j))) return false;
        j++;
      }
      i = j + 2;
      continue;
    }
    if (c === "]") return true;
    i++;
  }
}
