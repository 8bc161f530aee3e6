// The newest rows of a long message, for the live region (which must stay shorter than the
// screen). Lines are rows already (wrap.ts), so this only counts.

import type { Line } from "./segments.ts";

/** The first `rows` lines of a newest-first sequence, returned oldest first. */
export function newestRows(newestFirst: Iterable<Line>, rows: number): Line[] {
  const picked: Line[] = [];
  if (rows <= 0) return picked;
  for (const line of newestFirst) {
    picked.push(line);
    if (picked.length >= rows) break;
  }
  return picked.reverse();
}
