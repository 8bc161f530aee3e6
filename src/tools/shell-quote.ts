// A path as one shell word, for Bash commands the file tools suggest to the model in messages.

export function shellQuote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
