// The constructors of configuration errors, so every one carries the same code and shape:
// "settings: <file>: <key path>: <what was expected>, got <what was found>".

import { CairnError } from "../../core/errors.ts";

/** A file of cairn's configuration a person must fix (settings, the trusted-folders list). */
export function configError(
  message: string,
  hint?: string,
  options?: { cause?: unknown },
): CairnError {
  return new CairnError("bad_config", message, hint, options);
}

export function settingsError(
  file: string,
  message: string,
  hint?: string,
  options?: { cause?: unknown },
): CairnError {
  return configError(`settings: ${file}: ${message}`, hint, options);
}
