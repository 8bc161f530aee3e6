// Where a frontmatter key is written, for error messages that name the line. Its own module, so
// the loaders can use it without loading the YAML parser.

/** The 1-based line where `key:` starts a line of `source`; 1 when it cannot be found. */
export function lineOfKey(source: string, key: string): number {
  const index = source.split("\n").findIndex((line) => line.startsWith(`${key}:`));
  return index < 0 ? 1 : index + 1;
}
