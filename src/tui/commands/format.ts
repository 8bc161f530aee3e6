// Small text formatters the built-in commands share: token counts, dollars, ages, bars and
// aligned columns. Plain strings only; colour and layout belong to the components.

import { homedir } from "node:os";
import { isAbsolute, relative, sep } from "node:path";

/** 950 → "950", 12_345 → "12.3K", 200_000 → "200K", 1_047_576 → "1.05M". */
export function formatTokens(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 1_000_000) return `${trimZeros((n / 1_000).toFixed(n < 10_000 ? 2 : 1))}K`;
  return `${trimZeros((n / 1_000_000).toFixed(2))}M`;
}

/** Whole tokens with thousands separators, for exact counts: 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "$0.0042", "$1.23": small amounts keep enough digits to be non-zero. */
export function formatUsd(amount: number): string {
  if (amount === 0) return "$0.00";
  if (amount < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(2)}`;
}

/** A price per million tokens: 3 → "$3", 0.125 → "$0.125". */
export function formatPrice(perMillion: number): string {
  return `$${trimZeros(perMillion.toFixed(3))}`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return "–";
  const value = (part / whole) * 100;
  return `${value > 0 && value < 1 ? value.toFixed(1) : Math.round(value)}%`;
}

/** A bar of `width` cells, filled in proportion to part/whole (at least one cell when part > 0). */
export function bar(part: number, whole: number, width: number): string {
  const ratio = whole > 0 ? Math.min(1, Math.max(0, part / whole)) : 0;
  let filled = Math.round(ratio * width);
  if (part > 0 && filled === 0) filled = 1;
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** Rows as columns separated by two spaces; the last column is left ragged. */
export function columns(
  rows: readonly (readonly string[])[],
  rightAligned: ReadonlySet<number> = new Set(),
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  }
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1 && !rightAligned.has(i)) return cell;
        const pad = " ".repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length));
        return rightAligned.has(i) ? pad + cell : cell + pad;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** Relative to `root` when inside it, `~/…` under the home folder, else as given. */
export function shortPath(path: string, root: string, home: string = homedir()): string {
  const inside = (base: string): string | undefined => {
    const rel = relative(base, path);
    if (rel === "") return ".";
    if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
    return rel;
  };
  const underRoot = inside(root);
  if (underRoot !== undefined) return underRoot;
  const underHome = home !== "" && home !== sep ? inside(home) : undefined;
  if (underHome !== undefined) return underHome === "." ? "~" : `~/${underHome}`;
  return path;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function trimZeros(fixed: string): string {
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
