// Orders names by code point: the same everywhere, and free. `localeCompare` builds an ICU
// collator on first use (several milliseconds), too dear on the start-up path for sorting file
// names.

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
