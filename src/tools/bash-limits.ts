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

type LimitVariable = "BASH_DEFAULT_TIMEOUT_MS" | "BASH_MAX_TIMEOUT_MS" | "BASH_MAX_OUTPUT_LENGTH";

export function bashLimits(env: NodeJS.ProcessEnv): BashLimits {
  const unusable: LimitVariable[] = [];
  const read = (name: LimitVariable): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return undefined;
    const value = Number(raw);
    if (Number.isSafeInteger(value) && value > 0) return value;
    unusable.push(name);
    return undefined;
  };
  const askedDefault = read("BASH_DEFAULT_TIMEOUT_MS");
  const askedMax = read("BASH_MAX_TIMEOUT_MS");
  let defaultTimeoutMs: number;
  let maxTimeoutMs: number;
  if (askedDefault !== undefined) {
    defaultTimeoutMs = askedDefault;
    // A default above the maximum is the user's explicit wish for long commands: it raises the maximum.
    maxTimeoutMs = Math.max(askedMax ?? standardBashLimits.maxTimeoutMs, askedDefault);
  } else {
    // A maximum below the standard default is a wish for shorter commands: it lowers the default
    // too, rather than being raised by a default the user never chose.
    maxTimeoutMs = askedMax ?? standardBashLimits.maxTimeoutMs;
    defaultTimeoutMs = Math.min(standardBashLimits.defaultTimeoutMs, maxTimeoutMs);
  }
  const askedOutput = read("BASH_MAX_OUTPUT_LENGTH");
  const outputChars = Math.min(
    Math.max(askedOutput ?? standardBashLimits.outputChars, minOutputChars),
    maxOutputChars,
  );

  const used: Record<LimitVariable, number> = {
    BASH_DEFAULT_TIMEOUT_MS: defaultTimeoutMs,
    BASH_MAX_TIMEOUT_MS: maxTimeoutMs,
    BASH_MAX_OUTPUT_LENGTH: outputChars,
  };
  const notes = unusable.map(
    (name) =>
      `${name}=${env[name]?.trim()} is not a positive whole number; ${used[name]} was used.`,
  );
  if (askedOutput !== undefined && outputChars !== askedOutput) {
    notes.push(
      `BASH_MAX_OUTPUT_LENGTH=${askedOutput} is outside ${minOutputChars}-${maxOutputChars}; ${outputChars} was used.`,
    );
  }
  return { defaultTimeoutMs, maxTimeoutMs, outputChars, notes };
}
