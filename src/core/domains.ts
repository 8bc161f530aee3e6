// Host patterns as cairn's settings write them, and matching a host against one. Shared by
// WebFetch's `domain:` rules (permissions) and the sandbox's network allowlist. Pure.
// `example.com` is that host only; `*.example.com` any subdomain of it, at any depth, but not
// example.com itself (as with TLS wildcards: write both to cover both); `*` any host. Hosts are
// compared lowercased, in IDNA (punycode) form, without a trailing dot.

export type DomainPattern =
  { type: "any" } | { type: "host"; host: string } | { type: "subdomains"; parent: string };

/** `example.com`, `*.example.com` or `*`; undefined for anything else (a scheme, port, path…). */
export function parseDomainPattern(entry: string): DomainPattern | undefined {
  const text = entry.trim();
  if (text === "*") return { type: "any" };
  if (text.startsWith("*.")) {
    const parent = bareHost(text.slice(2));
    return parent === undefined ? undefined : { type: "subdomains", parent };
  }
  const host = bareHost(text);
  return host === undefined ? undefined : { type: "host", host };
}

export function domainMatches(pattern: DomainPattern, host: string): boolean {
  switch (pattern.type) {
    case "any":
      return true;
    case "host":
      return host === pattern.host;
    case "subdomains":
      return host.endsWith(`.${pattern.parent}`);
    default: {
      const never: never = pattern;
      return never;
    }
  }
}

/** The URL's host as patterns see it: lowercased, IDNA form, no trailing dot. */
export function hostOf(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.replace(/\.$/, "");
  return host === "" ? undefined : host;
}

/**
 * A host as a client names it (a CONNECT authority's host, a URL's host) in the form patterns are
 * matched in: lowercased, IDNA, no trailing dot, and IPv4 written the one usual way (`2130706433`
 * and `0x7f.1` are `127.0.0.1`), so another notation of an address is judged as that address.
 * IPv6 keeps its brackets (`[::1]`): no pattern but `*` names it. Undefined when it is not a host.
 */
export function canonicalHost(raw: string): string | undefined {
  if (raw === "" || /[/\\@?#\s%]/.test(raw)) return undefined;
  // A port belongs to the caller's authority, not to the host (`[::1]` has colons of its own).
  if (!raw.startsWith("[") && raw.includes(":")) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${raw}/`).hostname;
  } catch {
    return undefined;
  }
  const host = hostname.replace(/\.$/, "");
  return host === "" || host.includes("*") ? undefined : host;
}

/** A bare host name as a pattern names it; undefined for a path, a port, a scheme, a space… */
function bareHost(text: string): string | undefined {
  if (/[:[\]*]/.test(text)) return undefined;
  return canonicalHost(text);
}
