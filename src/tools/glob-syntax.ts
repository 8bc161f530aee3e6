// Adjusting a model-written glob before picomatch compiles it, so that it means what it means to
// ripgrep's globs (and to a shell): not for matching, which callers do with picomatch.

/**
 * The glob with bare parentheses made literal. picomatch reads `(auth)` as a regex group, so
 * `app/(auth)/**` (a Next.js route group) would match `app/auth/…` and never `app/(auth)/…`;
 * ripgrep, git and shells read them as plain characters. Extglobs (`@(a|b)`, `!(x)`, `+(x)`,
 * `*(x)`, `?(x)`), which picomatch supports, keep their meaning; a `|` inside literal
 * parentheses becomes literal too.
 */
export function literalParens(glob: string): string {
  return escapeParens(caretNegation(glob), true);
}

/**
 * A glob of rg's (`--glob`, after its own leading `!`) as picomatch should compile it. rg's globs
 * have no extglobs and no negation: `*(1).txt` is a name ending in "(1).txt", and `!x` a name
 * starting with "!".
 */
export function ripgrepGlob(glob: string): string {
  const literal = escapeParens(caretNegation(glob), false);
  return literal.startsWith("!") ? `\\${literal}` : literal;
}

/** The glob with its parentheses escaped, but for those of extglobs when `extglobs` is true. */
function escapeParens(glob: string, extglobs: boolean): string {
  if (!glob.includes("(")) return glob;
  let out = "";
  /** One entry per open parenthesis: true for an extglob group. */
  const open: boolean[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "\\") {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    if (c === "[") {
      // A bracket class is copied whole: a parenthesis inside it is already literal.
      const end = classEnd(glob, i);
      if (end !== -1) {
        out += glob.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (c === "(") {
      const extglob = extglobs && i > 0 && "@!+*?".includes(glob[i - 1] ?? "");
      open.push(extglob);
      out += extglob ? c : "\\(";
      continue;
    }
    if (c === ")" && open.length > 0) {
      out += open.pop() === true ? c : "\\)";
      continue;
    }
    if (c === ")") {
      out += "\\)";
      continue;
    }
    if (c === "|" && open.length > 0 && open.at(-1) === false) {
      out += "\\|";
      continue;
    }
    out += c;
  }
  return out;
}

/** Where the bracket class opened at `at` closes, or -1 when it does not (a literal `[`). */
/**
 * The glob with each class negated by "!" written with "^": rg and git read `[!a]` as "not a",
 * picomatch as the class of "!" and "a".
 */
function caretNegation(glob: string): string {
  if (!glob.includes("[!")) return glob;
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? "";
    if (c === "\\") {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    const end = c === "[" ? classEnd(glob, i) : -1;
    if (end === -1) {
      out += c;
      continue;
    }
    const members = glob.slice(i + 1, end + 1);
    out += members.startsWith("!") ? `[^${members.slice(1)}` : `[${members}`;
    i = end;
  }
  return out;
}

function classEnd(glob: string, at: number): number {
  let i = at + 1;
  if (glob[i] === "!" || glob[i] === "^") i++;
  if (glob[i] === "]") i++; // a leading "]" is a member
  for (; i < glob.length; i++) {
    if (glob[i] === "\\") i++;
    else if (glob[i] === "/") return -1;
    else if (glob[i] === "]") return i;
  }
  return -1;
}

/**
 * What is wrong with a Grep `glob`, in rg's words, or undefined when it is usable. rg refuses an
 * unclosed `{` or `[` in a glob it is given; picomatch would quietly match nothing instead, so
 * both backends check here and answer the same.
 */
export function globProblem(glob: string): string | undefined {
  const body = glob.replace(/^!/, "").replace(/^\//, "");
  if (body === "") return "it names no files: write a pattern after the ! or /";
  let braces = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      if (i === body.length - 1) return "it ends in a lone \\ (escape a literal \\ as \\\\)";
      i++;
    } else if (c === "{") {
      // rg's globs have no nested alternates: {a,{b,c}} is an error there.
      if (braces > 0) return "nested alternate groups are not allowed; write {a,b,c}";
      braces++;
    } else if (c === "}" && braces > 0) braces--;
    else if (c === "[") {
      const end = classEnd(body, i);
      if (end === -1) return "unclosed character class; missing ']' (escape a literal [ as \\[)";
      i = end;
    }
  }
  if (braces > 0) return "unclosed alternate group; missing '}' (escape a literal { as \\{)";
  return undefined;
}
