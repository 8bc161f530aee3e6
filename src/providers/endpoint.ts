// The base URL an adapter talks to: trailing-slash normalisation, and the credential-free form
// that `Provider.baseUrl` and error messages show. Not for choosing which provider to use.

/** Trims whitespace and trailing slashes so "http://host/v1/" and "http://host/v1" are one URL. */
export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

/**
 * The URL without user info, query or fragment: a proxy URL may carry a key
 * (`https://user:key@host` or `?key=...`), and this string ends up in logs and messages.
 */
export function displayBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL the SDK could use either; show it as given rather than hide the mistake.
    return url;
  }
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return normaliseBaseUrl(parsed.toString());
}
