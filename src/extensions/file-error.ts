// The error of a problem in an extension file (a command, an agent, a skill): the file, the line,
// what was wrong. Its own module, so the loaders can catch it without loading the YAML parser.

/** A problem in an extension file (command, agent, skill): the file, the line, what was wrong. */
export class ExtensionFileError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = "ExtensionFileError";
    this.file = file;
    this.line = line;
  }
}
