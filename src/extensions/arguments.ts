// A command's arguments in its text: `$ARGUMENTS` (all of them as typed), `$1`…`$9` (1-based),
// `$ARGUMENTS[N]` (0-based, as the current skills docs write it), split the way a shell splits
// words; and `ARGUMENTS: …` appended when the text has no placeholder. Pure.

const placeholder = /\$ARGUMENTS(?:\[(\d+)\])?|\$([1-9])/g;

/** Words as a shell would split them: whitespace apart, '…' literal, "…" with \" and \\ escapes. */
export function splitArguments(args: string): string[] {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < args.length; i++) {
    const char = args[i] ?? "";
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === "\\" && /["\\$`]/.test(args[i + 1] ?? "")) current += args[++i] ?? "";
      else current += char;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (char === "'" || char === '"') quote = char;
    else if (char === "\\" && i + 1 < args.length) current += args[++i] ?? "";
    else current += char;
  }
  // An unclosed quote takes the rest of the line, as people mean it.
  if (inWord) words.push(current);
  return words;
}

/** The text with its placeholders filled; without any, `ARGUMENTS: <args>` appended when given. */
export function substituteArguments(text: string, args: string): string {
  const trimmed = args.trim();
  const words = splitArguments(trimmed);
  let found = false;
  const filled = text.replace(placeholder, (_match, index?: string, position?: string) => {
    found = true;
    if (index !== undefined) return words[Number(index)] ?? "";
    if (position !== undefined) return words[Number(position) - 1] ?? "";
    return trimmed;
  });
  if (found || trimmed === "") return filled;
  return `${filled.trimEnd()}\n\nARGUMENTS: ${trimmed}`;
}
