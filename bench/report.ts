// The bench's output: rows of figure, target and verdict, rendered as one markdown table.
// Verdicts are information only; nothing here fails the run (shared machines are noisy).

export interface Row {
  measure: string;
  value: string;
  target: string;
  /** undefined: no target, or the figure could not be measured. */
  met: boolean | undefined;
  note?: string;
}

export function markdownTable(rows: readonly Row[]): string {
  const header = ["Measure", "Median / value", "Target", "Met", "Note"];
  const cells = rows.map((r) => [
    r.measure,
    r.value,
    r.target,
    r.met === undefined ? "–" : r.met ? "yes" : "**no**",
    r.note ?? "",
  ]);
  const line = (cols: readonly string[]): string => `| ${cols.map(escapeCell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...cells.map(line)].join("\n");
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : "n/a";
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : "n/a";
}

export function kb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : "n/a";
}

export function pct(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(2)}%` : "n/a";
}
