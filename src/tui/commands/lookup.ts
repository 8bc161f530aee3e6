// Finds a command by name or alias, and the nearest names for a mistyped one ("/comapct" →
// "/compact"). Parsing the input line is parse.ts.

import type { SlashCommand } from "../types.ts";

/** The command called `name` (without the slash; any case), by its name first, then its aliases. */
export function findCommand(
  name: string,
  commands: readonly SlashCommand[],
): SlashCommand | undefined {
  const wanted = name.toLowerCase();
  return (
    commands.find((c) => c.name.toLowerCase() === wanted) ??
    commands.find((c) => c.aliases?.some((alias) => alias.toLowerCase() === wanted))
  );
}

/**
 * Names close to a mistyped one, best first (at most three): those it is the start of
 * ("/mod" → "model"), else those within a small edit distance, a swap of two letters counting
 * as one edit.
 */
export function suggestCommands(name: string, commands: readonly SlashCommand[]): string[] {
  const wanted = name.toLowerCase();
  if (wanted === "") return [];
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
  const prefixed = names.filter((n) => n.toLowerCase().startsWith(wanted));
  if (prefixed.length > 0) return prefixed.slice(0, 3);
  const limit = wanted.length <= 3 ? 1 : 2;
  return names
    .map((n) => ({ n, d: editDistance(wanted, n.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ n }) => n);
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const previous = rows[i - 1] ?? [];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? Math.max(a.length, b.length);
}
