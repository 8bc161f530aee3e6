// Bash's time and output limits: Claude Code's defaults, or the user's own through the same
// variables (BASH_DEFAULT_TIMEOUT_MS, BASH_MAX_TIMEOUT_MS, BASH_MAX_OUTPUT_LENGTH), read from
// the session's environment (the process's plus the settings' `env`), so a setup made for
// Claude Code keeps its limits here.

export interface BashLimits {
  /** When the model passes no timeout. */
  defaultTimeoutMs: number;
  /** The largest timeout the model may pass. */
  maxTimeoutMs: number;
  /** What the model sees of an output at most; the rest is in a file. */
  outputChars: number;
  /** Sentences for the model about variables that were set but unusable. */
  notes: string[];
}

export const standardBashLimits = {
  defaultTimeoutMs: 120_000,
  maxTimeoutMs: 600_000,
  outputChars: 30_000,
};

/** Claude Code's ceiling for BASH_MAX_OUTPUT_LENGTH: past it a result would crowd the context. */
const maxOutputChars = 150_000;
/** Below this the cut-in-the-middle marker would leave no room for output. */
const minOutputChars = 1_000;

export function bashLimits(env: NodeJS.ProcessEnv): BashLimits {
  const notes: string[] = [];
  const read = (name: string, fallback: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (Number.isSafeInteger(value) && value > 0) return value;
    notes.push(`${name}=${raw} is not a positive whole number; ${fallback} was used.`);
    return fallback;
  };
  const defaultTimeoutMs = read("BASH_DEFAULT_TIMEOUT_MS", standardBashLimits.defaultTimeoutMs);
  // A default above the maximum is the user's explicit wish for long commands: it raises the maximum.
  const maxTimeoutMs = Math.max(
    read("BASH_MAX_TIMEOUT_MS", standardBashLimits.maxTimeoutMs),
    defaultTimeoutMs,
  );
  const asked = read("BASH_MAX_OUTPUT_LENGTH", standardBashLimits.outputChars);
  const outputChars = Math.min(Math.max(asked, minOutputChars), maxOutputChars);
  if (outputChars !== asked) {
    notes.push(
      `BASH_MAX_OUTPUT_LENGTH=${asked} is outside ${minOutputChars}-${maxOutputChars}; ${outputChars} was used.`,
    );
  }
  return { defaultTimeoutMs, maxTimeoutMs, outputChars, notes };
}
