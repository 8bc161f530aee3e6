// Reads the leading options of a command line the way getopt_long does (clustered short flags,
// attached or separate values, `--name=value`, unique abbreviations of long names, `--`).
// Used to find where a wrapper's own options end; it does not judge what the options do.

export interface OptionSpec {
  /** Short letters without a value: "pv" for `-p`, `-v`, `-pv`. */
  shortFlags?: string;
  /** Short letters taking a value, attached (`-n5`) or as the next word (`-n 5`). */
  shortValues?: string;
  /** Short letters whose value can only be attached (`-i{}`, or just `-i`). */
  shortOptionalValues?: string;
  longFlags?: readonly string[];
  longValues?: readonly string[];
  /** Long options whose value can only be attached (`--replace=X`, or just `--replace`). */
  longOptionalValues?: readonly string[];
  /** Accept `-5`, `-10` (nice's old syntax). */
  numericFlag?: boolean;
}

export interface ScannedOption {
  /** The short letter or full long name. */
  name: string;
  value?: string;
}

export interface ScannedOptions {
  options: ScannedOption[];
  /** Index of the first word after the options (and after `--`). */
  end: number;
}

/**
 * Scans `words` (undefined stands for a word only known at run time) from `start`. Returns
 * undefined when it meets an option it does not know, or a run-time word where an option could
 * be: then nobody can tell where the options end.
 */
export function scanOptions(
  words: readonly (string | undefined)[],
  start: number,
  spec: OptionSpec,
): ScannedOptions | undefined {
  const options: ScannedOption[] = [];
  let i = start;
  while (i < words.length) {
    const word = words[i];
    if (word === undefined) return undefined;
    if (word === "--") return { options, end: i + 1 };
    if (!word.startsWith("-") || word === "-") break;
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const typed = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const name = resolveLong(typed, spec);
      if (!name) return undefined;
      if (eq >= 0) {
        if (spec.longFlags?.includes(name)) return undefined;
        options.push({ name, value: word.slice(eq + 1) });
      } else if (spec.longValues?.includes(name)) {
        const value = words[i + 1];
        if (value === undefined) return undefined;
        options.push({ name, value });
        i++;
      } else {
        options.push({ name });
      }
      i++;
      continue;
    }
    if (spec.numericFlag && /^-\d+$/.test(word)) {
      options.push({ name: "-", value: word.slice(1) });
      i++;
      continue;
    }
    const cluster = readCluster(word, words[i + 1], spec);
    if (!cluster) return undefined;
    options.push(...cluster.options);
    i += cluster.consumedNext ? 2 : 1;
  }
  return { options, end: i };
}

function readCluster(
  word: string,
  next: string | undefined,
  spec: OptionSpec,
): { options: ScannedOption[]; consumedNext: boolean } | undefined {
  const options: ScannedOption[] = [];
  const letters = [...word.slice(1)];
  for (let j = 0; j < letters.length; j++) {
    const letter = letters[j] as string;
    const rest = letters.slice(j + 1).join("");
    if (spec.shortFlags?.includes(letter)) {
      options.push({ name: letter });
    } else if (spec.shortOptionalValues?.includes(letter)) {
      options.push(rest ? { name: letter, value: rest } : { name: letter });
      return { options, consumedNext: false };
    } else if (spec.shortValues?.includes(letter)) {
      if (rest) {
        options.push({ name: letter, value: rest });
        return { options, consumedNext: false };
      }
      if (next === undefined) return undefined;
      options.push({ name: letter, value: next });
      return { options, consumedNext: true };
    } else {
      return undefined;
    }
  }
  return { options, consumedNext: false };
}

/** The full long option name `typed` stands for: itself, or its unique abbreviation. */
function resolveLong(typed: string, spec: OptionSpec): string | undefined {
  const names = [
    ...(spec.longFlags ?? []),
    ...(spec.longValues ?? []),
    ...(spec.longOptionalValues ?? []),
  ];
  if (names.includes(typed)) return typed;
  const candidates = names.filter((name) => name.startsWith(typed));
  return typed.length > 0 && candidates.length === 1 ? candidates[0] : undefined;
}

/** True when `--typed` is, or abbreviates, one of `names` (getopt_long accepts abbreviations). */
export function abbreviatesAny(typed: string, names: readonly string[]): boolean {
  return names.some((name) => name.startsWith(typed));
}
