// `WebFetch(domain:…)` specifiers: the `domain:` prefix over cairn's host patterns
// (core/domains.ts, shared with the sandbox's network allowlist). Pure.

import { parseDomainPattern, type DomainPattern } from "../core/domains.ts";

/** The pattern of a `domain:…` specifier, or undefined when it names no valid host. */
export function parseDomainSpecifier(specifier: string): DomainPattern | undefined {
  if (!specifier.startsWith("domain:")) return undefined;
  return parseDomainPattern(specifier.slice("domain:".length));
}
