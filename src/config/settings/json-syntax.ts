// Where a JSON text first breaks the grammar, and why, in words a person can act on. Run only
// after JSON.parse has failed: V8's messages give no position for the commonest mistakes
// (`[1,]`, `tru`), so this scanner finds the place itself. It reports; it builds no values.

export interface JsonSyntaxProblem {
  /** UTF-16 offset of the offending character (the text's length for an early end). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters (code points), so it matches an editor's column. */
  column: number;
  message: string;
}

const MAX_DEPTH = 2_000;

class Problem extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

/** The first syntax problem of `text`, or undefined when the text is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { ...lineAndColumn(text, error.offset), offset: error.offset, message: error.message };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: [...text.slice(lineStart, offset)].length + 1 };
}

const valueExpected = "expected a value (a string, number, object, array, true, false or null)";

function scan(text: string): void {
  let pos = 0;
  const fail = (message: string, at = pos): never => {
    throw new Problem(at, message);
  };
  const describe = (at: number): string => {
    const char = text.codePointAt(at);
    return char === undefined ? "end of file" : `'${String.fromCodePoint(char)}'`;
  };

  const skipSpace = (): void => {
    for (;;) {
      const c = text[pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") pos++;
      else if (c === "/" && (text[pos + 1] === "/" || text[pos + 1] === "*")) {
        fail("comments are not allowed in JSON");
      } else return;
    }
  };

  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    skipSpace();
    const c = text[pos];
    if (c === undefined) fail(`unexpected end of file, ${valueExpected}`);
    else if (c === "{") object(depth);
    else if (c === "[") array(depth);
    else if (c === '"') string();
    else if (c === "'") fail("strings need double quotes, not single quotes");
    else if (c === "-" || (c >= "0" && c <= "9")) number();
    else if (/[A-Za-z_$]/.test(c)) word();
    else fail(`unexpected ${describe(pos)}, ${valueExpected}`);
  };

  const object = (depth: number): void => {
    const open = pos;
    pos++;
    skipSpace();
    if (text[pos] === "}") {
      pos++;
      return;
    }
    for (;;) {
      skipSpace();
      const c = text[pos];
      if (c === '"') string();
      else if (c === undefined) unclosed("{", open);
      else if (c === "}") fail("trailing comma before '}'", lastComma(pos));
      else if (c === "'") fail("property names need double quotes, not single quotes");
      else if (/[A-Za-z_$]/.test(c)) fail("property names need double quotes");
      else fail(`unexpected ${describe(pos)}, expected a property name in double quotes`);
      skipSpace();
      if (text[pos] === undefined) unclosed("{", open);
      if (text[pos] !== ":") fail(`expected ':' after the property name, found ${describe(pos)}`);
      pos++;
      value(depth + 1);
      skipSpace();
      const next = text[pos];
      if (next === ",") pos++;
      else if (next === "}") {
        pos++;
        return;
      } else if (next === undefined) unclosed("{", open);
      else fail(`expected ',' or '}' after a property value, found ${describe(pos)}`);
    }
  };

  const array = (depth: number): void => {
    const open = pos;
    pos++;
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[pos] === "]") fail("trailing comma before ']'", lastComma(pos));
      if (text[pos] === undefined) unclosed("[", open);
      value(depth + 1);
      skipSpace();
      const next = text[pos];
      if (next === ",") pos++;
      else if (next === "]") {
        pos++;
        return;
      } else if (next === undefined) unclosed("[", open);
      else fail(`expected ',' or ']' after an array element, found ${describe(pos)}`);
    }
  };

  const unclosed = (bracket: "{" | "[", open: number): never => {
    const { line, column } = lineAndColumn(text, open);
    const close = bracket === "{" ? "}" : "]";
    return fail(
      `unexpected end of file: the '${bracket}' at line ${line}, column ${column} is never closed with '${close}'`,
    );
  };

  /** The comma a trailing-comma message should point at (the last one before `at`). */
  const lastComma = (at: number): number => {
    const comma = text.lastIndexOf(",", at);
    return comma >= 0 ? comma : at;
  };

  const string = (): void => {
    const start = pos;
    pos++;
    for (;;) {
      const c = text[pos];
      if (c === undefined) fail("a string is never closed with '\"'", start);
      else if (c === '"') {
        pos++;
        return;
      } else if (c === "\\") {
        const e = text[pos + 1];
        if (e === "u") {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(pos + 2, pos + 6))) {
            fail("'\\u' must be followed by four hex digits");
          }
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) pos += 2;
        else fail(`invalid escape '\\${e ?? ""}' in a string (write '\\\\' for a backslash)`);
      } else if (c < " ") {
        fail(
          c === "\n" || c === "\r"
            ? "a string is never closed on its line (write '\\n' for a line break inside a string)"
            : "a control character inside a string must be escaped",
        );
      } else pos++;
    }
  };

  const number = (): void => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos));
    if (!match) fail("invalid number");
    const end = pos + (match?.[0].length ?? 0);
    if (/^[0-9.eE+-]/.test(text[end] ?? "")) {
      fail("invalid number (no leading zeros, and digits on both sides of '.')", pos);
    }
    pos = end;
  };

  const word = (): void => {
    const found = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(pos))?.[0] ?? "";
    if (found === "true" || found === "false" || found === "null") {
      pos += found.length;
      return;
    }
    fail(`unexpected '${found}', ${valueExpected}; text needs double quotes`);
  };

  if (text.trim() === "") fail("the file is empty", 0);
  value(0);
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
}
