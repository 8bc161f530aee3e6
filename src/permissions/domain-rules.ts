// `WebFetch(domain:…)` specifiers and the host of a URL they are matched against. Pure.
// `domain:example.com` is that host only; `domain:*.example.com` any subdomain of it, at any depth,
// but not example.com itself (as with TLS wildcards: write both rules to cover both); `domain:*`
// any host.

export type DomainPattern =
  { type: "any" } | { type: "host"; host: string } | { type: "subdomains"; parent: string };

/** The pattern of a `domain:…` specifier, or undefined when it names no valid host. */
export function parseDomainSpecifier(specifier: string): DomainPattern | undefined {
  if (!specifier.startsWith("domain:")) return undefined;
  const text = specifier.slice("domain:".length).trim();
  if (text === "*") return { type: "any" };
  if (text.startsWith("*.")) {
    const parent = normalizeHost(text.slice(2));
    return parent === undefined ? undefined : { type: "subdomains", parent };
  }
  const host = normalizeHost(text);
  return host === undefined ? undefined : { type: "host", host };
}

/** The URL's host as rules see it: lowercased, IDNA (punycode) form, no trailing dot. */
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

/** A bare host name in the form URLs give it; undefined for anything else (a path, a port, a space). */
function normalizeHost(text: string): string | undefined {
  if (text === "" || /[/:@?#\s\\*]/.test(text)) return undefined;
  const host = hostOf(`http://${text}/`);
  return host === undefined || host.includes("*") ? undefined : host;
}
