// Which hosts a sandboxed command may reach through cairn's network proxy, from the settings'
// `sandbox.network.allowedDomains` and `deniedDomains`, and the verdict on one host. Pure; the
// proxy that enforces it is network-proxy.ts.
//
// The entries are cairn's host patterns (core/domains.ts), as WebFetch's `domain:` rules use.

import { domainMatches, parseDomainPattern, type DomainPattern } from "../core/domains.ts";
import { CairnError } from "../core/errors.ts";

export interface DomainAllowlist {
  allow: readonly DomainPattern[];
  /** Wins over `allow`. */
  deny: readonly DomainPattern[];
}

/** `sandbox.network` as settings give it. */
export interface NetworkSettings {
  allowedDomains?: readonly string[] | undefined;
  deniedDomains?: readonly string[] | undefined;
}

/**
 * What commands may reach:
 * - "none": nothing (no allowed domain): the sandbox has no network at all.
 * - "all": anything, directly (`*` allowed and nothing denied).
 * - "filtered": only through cairn's proxy, which lets through the hosts the allowlist allows.
 *   `*` with a deny list is filtered too: a direct connection would ignore the deny list.
 */
export type NetworkAccess =
  { type: "none" } | { type: "all" } | { type: "filtered"; allowlist: DomainAllowlist };

/** Reads the settings' lists; an entry that names no host is a CairnError saying which. */
export function networkAccess(settings: NetworkSettings): NetworkAccess {
  const allow = patternsOf(settings.allowedDomains, "allowedDomains");
  const deny = patternsOf(settings.deniedDomains, "deniedDomains");
  if (allow.length === 0) return { type: "none" };
  if (deny.length === 0 && allow.some((pattern) => pattern.type === "any")) return { type: "all" };
  return { type: "filtered", allowlist: { allow, deny } };
}

function patternsOf(entries: readonly string[] | undefined, key: string): DomainPattern[] {
  return (entries ?? []).map((entry, index) => {
    const pattern = parseDomainPattern(entry);
    if (pattern === undefined) {
      throw new CairnError(
        "bad_config",
        `settings: sandbox.network.${key}[${index}]: ${JSON.stringify(entry)} is not a host name`,
        'Write a host like "github.com", "*.npmjs.org" for its subdomains, or "*" for any host ' +
          "(no scheme, port or path).",
      );
    }
    return pattern;
  });
}

export type HostVerdict =
  { type: "allowed" } | { type: "denied"; reason: "denied-domain" | "not-allowed"; host: string };

/** The deny list wins; otherwise a host must match an allowed pattern. `host` is canonical. */
export function judgeHost(allowlist: DomainAllowlist, host: string): HostVerdict {
  if (allowlist.deny.some((pattern) => domainMatches(pattern, host))) {
    return { type: "denied", reason: "denied-domain", host };
  }
  if (allowlist.allow.some((pattern) => domainMatches(pattern, host))) return { type: "allowed" };
  return { type: "denied", reason: "not-allowed", host };
}
