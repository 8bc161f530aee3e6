// The debug log (`CAIRN_DEBUG=1`): diagnostics for a person chasing a bug, written to a file
// under the cairn home, never to stdout. Secrets are redacted before anything is written.

import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export interface DebugLog {
  /** undefined when logging is off. */
  readonly path: string | undefined;
  log(message: string, data?: unknown): void;
}

export const disabledDebugLog: DebugLog = { path: undefined, log: () => undefined };

const secretKey =
  /^(authorization|cookie|password|token)$|api[-_]?key|(auth|access|refresh|bearer)[-_]?token|secret/i;
const secretValue =
  /\b(sk-[A-Za-z0-9_-]{6,}|sk-ant-[A-Za-z0-9_-]{6,}|Bearer\s+[A-Za-z0-9._~+/-]+=*)/g;

/** Replaces secret-looking values (by key name or by shape) with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replace(secretValue, "[redacted]");
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secretKey.test(k) ? "[redacted]" : redact(v, depth + 1),
    ]),
  );
}

export function openDebugLog(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  sessionId: string,
  now: () => Date = () => new Date(),
): DebugLog {
  if (env.CAIRN_DEBUG !== "1" && env.CAIRN_DEBUG !== "true") return disabledDebugLog;
  const dir = join(home, "debug");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${sessionId}.log`);
  return {
    path,
    log(message, data) {
      const suffix = data === undefined ? "" : ` ${JSON.stringify(redact(data))}`;
      // Synchronous on purpose: the last lines before a crash are the ones that matter.
      appendFileSync(path, `${now().toISOString()} ${redact(message) as string}${suffix}\n`, {
        mode: 0o600,
      });
    },
  };
}
