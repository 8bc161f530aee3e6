// The errno code of a file-system failure, for the extension readers that skip what they cannot read.

/** `ENOENT`, `EACCES`…; undefined for anything that is not a file-system error. */
export function errnoOf(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
